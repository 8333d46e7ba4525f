"""Reads of alerts, already access-filtered (``accounts.access``) and audited.

The inbox lists only alerts of patients the user may see (``patients_visible_to``),
and only for clinicians and supervisors: alerts are clinical content, which intake
coordinators' registration-level access does not reach.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.paginator import Paginator
from django.db import router
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.choices import CLINICAL_ROLES, Role
from accounts.models import BreakGlassAccess, Staff
from alerts.choices import AlertKind, SourceType
from alerts.models import Alert, AlertQuerySet
from audit import services as audit
from iptcare.lib.kept_pages import ChosenRows, ListPage, page_number_asked, when_shown
from iptcare.lib.lookups import AmongIds
from iptcare.lib.statements import STATEMENT_PAGES, StandIn, ValuesStatement
from measures.models import RiskEvent
from patients.record_version import with_versions

if TYPE_CHECKING:
    from patients.models import Patient

OPEN, CLOSED = "open", "closed"
STATES = (OPEN, CLOSED)
PATIENT_ALERTS = 10


def may_use_inbox(staff: Any) -> bool:
    return bool(
        staff is not None
        and staff.is_authenticated
        and staff.is_active
        and staff.role in CLINICAL_ROLES
    )


def _visible(staff: Staff, now: datetime | None = None) -> AlertQuerySet:
    """Every alert of the patients this user may see (broken glass unexpired at
    ``now``). A clinician's few patients are looked up by key (decisions/0072); a
    supervisor's thousands are joined, which PostgreSQL does faster."""
    if not may_use_inbox(staff):
        return Alert.objects.none()
    ids = access.visible_patient_ids(staff, now)
    if staff.role == Role.CLINICIAN:
        return Alert.objects.filter(AmongIds(F("patient_id"), ids))
    return Alert.objects.filter(patient_id__in=ids)


def _state(alerts: AlertQuerySet, state: str) -> QuerySet[Alert]:
    if state == CLOSED:
        return alerts.filter(acknowledged_at__isnull=False).order_by(
            "-acknowledged_at", "-id"
        )
    return alerts.open().by_urgency()


def open_count_for(staff: Any) -> int:
    """Open alerts in this user's inbox: a number, no patient named (not audited).
    Counted afresh; the navigation's poll keeps its rendered count (``counter``)."""
    if not may_use_inbox(staff):
        return 0
    return _visible(staff).open().count()


@dataclass(frozen=True)
class InboxSummary:
    """What the inbox's poll compares (``fingerprint``) and how many alerts the list
    has in the state asked (``count``): one query gives both."""

    fingerprint: str
    count: int


# What the inbox's choosing statement reads of each alert.
CHOSEN = ("pk", "public_id", "patient_id", "record_version", "directory_version")
# A reader and a moment no row has: the inbox's statements are built with them, once
# per process (iptcare.lib.statements, decisions/0072).
_STAND_INS = {
    "staff_id": StandIn(-(2**62) + 73, Staff._meta.pk),
    "now": StandIn(
        datetime(1901, 2, 3, 4, 5, 10, tzinfo=UTC),
        BreakGlassAccess._meta.get_field("expires_at"),
    ),
}


def inbox_page(
    *,
    staff: Staff,
    state: str,
    page_number: str | int,
    per_page: int,
    now: datetime,
    summary: InboxSummary | None = None,
) -> tuple[InboxSummary, ListPage[Alert]]:
    """One page of the inbox, most urgent first, with one audit row per alert shown
    (each names its patient), and the list's summary (``inbox_summary``, at the same
    ``now``). The query count does not depend on the number of alerts.

    The page's alerts are chosen among the alerts alone, by one narrow query that
    reads their ids in order with their patients' record versions and the directory
    version (what the rendered rows are kept under, decisions/0067), built once per
    role, state and page (decisions/0072): joined first, PostgreSQL read every
    visible alert's patient and course before sorting (decisions/0064). The same
    query reads the summary beside the rows (window aggregates over the whole list,
    decisions/0075): the list's alerts are found once, not once for the summary and
    again for the page. Only when it finds no row (no alert, or a page past the last)
    is the summary read alone and the page chosen as ``Paginator.get_page`` would;
    ``summary``, when the caller has it already (the poll), is used instead. Only the
    alerts chosen are read with their patients and staff, and only if the list is
    rendered (``object_list``)."""
    shown: list[tuple[Any, ...]] = []
    number = page_number_asked(page_number)
    if summary is None and number is not None and may_use_inbox(staff):
        found = _chosen_rows(staff, state, now, number, per_page, with_summary=True)
        if found:
            summary = _summary(state, *found[0][len(CHOSEN) :])
            shown = [row[: len(CHOSEN)] for row in found]
    if summary is None:
        summary = inbox_summary(staff=staff, state=state, now=now)
    paginator: Paginator[tuple[Any, ...]] = Paginator((), per_page)
    paginator.count = summary.count
    chosen_number = paginator.get_page(page_number).number
    if chosen_number != number or (summary.count and not shown):
        number = chosen_number
        if summary.count and may_use_inbox(staff):
            shown = _chosen_rows(staff, state, now, number, per_page)
    audit.record_listed(
        actor=staff,
        category="alert",
        detail="inbox",
        shown=[(patient_id, public_id) for _, public_id, patient_id, _, _ in shown],
    )
    ids = [pk for pk, _, _, _, _ in shown]
    return summary, ListPage(
        when_shown(lambda: _inbox_rows(ids)),
        number,
        paginator,
        ChosenRows(
            rows=tuple((pk, version) for pk, _, _, version, _ in shown),
            directory_version=shown[0][4] if shown else 0,
        ),
    )


def _chosen_rows(
    staff: Staff,
    state: str,
    now: datetime,
    number: int,
    per_page: int,
    *,
    with_summary: bool = False,
) -> list[tuple[Any, ...]]:
    """Page ``number`` of the inbox in ``state``, read as ``CHOSEN`` (and with the
    summary's three values after them): by the statement built once for the first
    ``STATEMENT_PAGES``, by the ORM after them."""
    if number > STATEMENT_PAGES:
        return list(_chosen(staff, state, now, number, per_page, with_summary))
    statement = _chosen_statement(
        router.db_for_read(Alert), staff.role, state, number, per_page, with_summary
    )
    return statement.rows(staff_id=staff.pk, now=now)


def _chosen(
    staff: Staff,
    state: str,
    now: datetime,
    number: int,
    per_page: int,
    with_summary: bool = False,
) -> QuerySet[Any]:
    """Page ``number`` of the inbox in ``state``, read as ``CHOSEN``; with the
    summary's count, latest change and last alert of the whole list after them
    (``with_summary``), taken before the page is cut from it."""
    bottom = (number - 1) * per_page
    ordered = with_versions(_state(_visible(staff, now), state), "patient_id")
    names: tuple[str, ...] = CHOSEN
    if with_summary:
        ordered = ordered.annotate(**_SUMMARY_OVER_THE_LIST)
        names += tuple(_SUMMARY_OVER_THE_LIST)
    chosen: QuerySet[Any] = ordered.values_list(*names)[bottom : bottom + per_page]
    return chosen


# The summary's three values: read alone (``_summary_statement``), and as window
# aggregates over every row of the list beside each row of the page.
_SUMMARY = {"count": Count("id"), "latest": Max("updated_at"), "last": Max("id")}
_SUMMARY_OVER_THE_LIST = {
    f"summary_{name}": Window(aggregate) for name, aggregate in _SUMMARY.items()
}


@lru_cache(maxsize=8 * STATEMENT_PAGES)
def _chosen_statement(
    alias: str, role: str, state: str, number: int, per_page: int, with_summary: bool
) -> ValuesStatement:
    """Page ``number`` of the inbox in ``state`` for a reader of ``role``, as the ORM
    builds it: built once per process for the first ``STATEMENT_PAGES`` (each page is
    a statement of its own: the ORM writes the offset into the SQL)."""

    def build(staff_id: int, now: datetime) -> QuerySet[Any]:
        reader = Staff(pk=staff_id, role=role, is_active=True)
        return _chosen(reader, state, now, number, per_page, with_summary)

    return ValuesStatement(build, _STAND_INS, alias)


def _inbox_rows(ids: list[int]) -> list[Alert]:
    """The inbox's rows for these alerts, in this order, with their patients and the
    staff they name: one query."""
    alerts = Alert.objects.filter(pk__in=ids).select_related(
        "patient", "acknowledged_by", "escalated_to"
    )
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(alerts, key=lambda alert: position[alert.pk])


def inbox_summary(
    *, staff: Staff, state: str, now: datetime | None = None
) -> InboxSummary:
    """The fingerprint changes whenever an alert the inbox would list is raised,
    acknowledged or escalated: the inbox's poll answers "no change" (204) while it
    stays the same, so a page left open writes no audit rows and renders nothing.
    One statement, built once per role and state (decisions/0072)."""
    if not may_use_inbox(staff):
        count, latest, last = 0, None, None
    else:
        statement = _summary_statement(router.db_for_read(Alert), staff.role, state)
        [(count, latest, last)] = statement.rows(
            staff_id=staff.pk, now=now or timezone.now()
        )
    return _summary(state, count, latest, last)


def _summary(
    state: str, count: int, latest: datetime | None, last: int | None
) -> InboxSummary:
    text = f"{state}:{count}:{latest}:{last}"
    return InboxSummary(
        fingerprint=hashlib.sha256(text.encode()).hexdigest()[:16], count=count
    )


@lru_cache(maxsize=8)
def _summary_statement(alias: str, role: str, state: str) -> ValuesStatement:
    def build(staff_id: int, now: datetime) -> QuerySet[Any]:
        reader = Staff(pk=staff_id, role=role, is_active=True)
        # ``aggregate()`` as a query that can be kept: grouped by a constant, which
        # Django leaves out, so it is one row over all the alerts, none included.
        return (
            _visible(reader, now)
            .filter(acknowledged_at__isnull=state != CLOSED)
            .order_by()
            .annotate(whole=Value(1, IntegerField()))
            .values("whole")
            .annotate(**_SUMMARY)
            .values_list(*_SUMMARY)
        )

    return ValuesStatement(build, _STAND_INS, alias)


def inbox_fingerprint(*, staff: Staff, state: str) -> str:
    return inbox_summary(staff=staff, state=state).fingerprint


def alert_for_patient(*, patient: Patient, public_id: uuid.UUID) -> Alert:
    """One alert of this patient (already got through ``accounts.access``); 404 for
    anyone else's."""
    return get_object_or_404(
        Alert.objects.select_related(
            "course", "acknowledged_by", "escalated_to", "patient"
        ),
        public_id=public_id,
        patient=patient,
    )


def patient_alerts(*, patient: Patient, limit: int = PATIENT_ALERTS) -> list[Alert]:
    """The patient's open alerts, most urgent first (one query)."""
    return list(
        Alert.objects.filter(patient=patient)
        .open()
        .by_urgency()
        .select_related("escalated_to")[:limit]
    )


def alert_source_url(alert: Alert) -> str:
    """Where the alert came from, for a link: a risk answer's questionnaire (one query,
    through the alert's patient), else nothing."""
    if alert.source_type != SourceType.RISK_EVENT or not alert.source_key.isdigit():
        return ""
    administration = (
        RiskEvent.objects.filter(pk=alert.source_key, patient=alert.patient_id)
        .values_list("administration__public_id", flat=True)
        .first()
    )
    if administration is None:
        return ""
    return reverse("measures:detail", args=[alert.patient.public_id, administration])


FLAG_KINDS = {
    "flag_risk": AlertKind.RISK,
    "flag_relapse": AlertKind.RELAPSE,
    "flag_engagement": AlertKind.ENGAGEMENT,
    "flag_not_on_track": AlertKind.NOT_ON_TRACK,
}


PatientsQuerySet = TypeVar("PatientsQuerySet", bound="QuerySet[Any]")


def with_flags(patients: PatientsQuerySet) -> PatientsQuerySet:
    """Each patient with their open-alert flags, as annotations on the same query (no
    extra query whatever the number of alerts): ``alert_urgency`` (the highest open
    urgency, 0 for none) to sort on, and one boolean per kind.

    Each flag is "the first open alert of the kind IS NOT NULL", not ``EXISTS``:
    PostgreSQL may run an ``EXISTS`` as a hashed subplan, reading every open alert of
    the kind once per page (four scans of the alert table, about 40 ms at 100,000
    patients), where a scalar subquery is one index probe for each row shown."""
    open_alerts = _open_alerts_of_row()
    return patients.alias(
        **{
            f"_{name}_id": Subquery(open_alerts.filter(kind=kind).values("pk")[:1])
            for name, kind in FLAG_KINDS.items()
        }
    ).annotate(
        alert_urgency=open_alert_urgency(),
        **{
            name: ExpressionWrapper(
                Q(**{f"_{name}_id__isnull": False}), output_field=BooleanField()
            )
            for name in FLAG_KINDS
        },
    )


def _open_alerts_of_row() -> QuerySet[Alert]:
    return Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__isnull=True)


def open_alert_urgency() -> Coalesce:
    """For a ``Patient`` queryset: the highest urgency of their open alerts, 0 for
    none (what the caseload sorts on, "most urgent first")."""
    return Coalesce(
        Subquery(_open_alerts_of_row().order_by("-urgency").values("urgency")[:1]),
        Value(0),
    )
