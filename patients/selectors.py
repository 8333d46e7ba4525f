"""Reads of patient data, already access-filtered (accounts.access) and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from accounts import access
from accounts.choices import CareTeamRole
from alerts import selectors as alert_selectors
from audit import services as audit
from audit.choices import Action
from audit.models import AuditEvent
from ipt.choices import Phase
from ipt.models import Course
from patients.models import CareTeamMember, Patient
from scheduling import selectors as scheduling_selectors

if TYPE_CHECKING:
    from accounts.models import Staff


def _search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    query = query.strip()
    if not query:
        return patients
    words = query.split()
    condition = Q(record_number__iexact=query)
    name_match = Q()
    for word in words:
        name_match &= (
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return patients.filter(condition | name_match)


SORT_FLAGS = "flags"


def caseload_page(
    *,
    staff: Staff,
    query: str,
    page_number: str | int,
    per_page: int,
    sort: str = "",
) -> Page[Patient]:
    """One page of the user's caseload with each row's primary clinician, and one audit
    row for each patient shown. The query count does not depend on the caseload size."""
    patients = (
        _search(access.caseload_for(staff), query)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "care_team",
                queryset=CareTeamMember.objects.filter(
                    role=CareTeamRole.PRIMARY
                ).select_related("staff"),
                to_attr="primary_members",
            ),
            # The IPT course for the Phase column: one query for the whole page.
            Prefetch(
                "ipt_courses",
                queryset=Course.objects.exclude(phase=Phase.ENDED),
                to_attr="open_courses",
            ),
        )
        # The next booked session for the Next session column, on the same query.
        .annotate(
            next_session_at=scheduling_selectors.next_session_at(),
            next_session_time_zone=scheduling_selectors.next_session_time_zone(),
        )
        .order_by("family_name", "given_name", "id")
    )
    if staff.is_clinical:
        # Open-alert flags as annotations on the same query: no extra query per row or
        # per alert. Sorted by them on request, most urgent first.
        patients = alert_selectors.with_flags(patients)
        if sort == SORT_FLAGS:
            patients = patients.order_by(
                "-alert_urgency", "family_name", "given_name", "id"
            )
    page: Page[Patient] = Paginator(patients, per_page).get_page(page_number)  # type: ignore[assignment]
    audit.record_many(
        actor=staff,
        entries=[
            audit.Entry(
                Action.LIST, "patient", patient, str(patient.public_id), "caseload"
            )
            for patient in page.object_list
        ],
    )
    return page


def patient_audit_page(
    *, staff: Staff, patient: Patient, page_number: str | int, per_page: int
) -> Page[AuditEvent]:
    events = AuditEvent.objects.filter(patient=patient).select_related("actor")
    return Paginator(events, per_page).get_page(page_number)
