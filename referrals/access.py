"""Who may work on which callback request: the one place intake pages ask.

- Intake coordinators work their own site's requests.
- Supervisors see the requests of the sites their teams belong to (and their own
  site), to help with the queue and to watch the waiting list.
- The clinician told of a risk answer given at screening (the site's duty clinician,
  ``Referral.risk_clinician``) may read that request and its screening results.
- Nobody else: clinicians and administrators get 403 on the intake pages, and a
  request outside one's sites does not exist for anyone (404, never 403), like a
  patient (``accounts.access``).

A request is patient data: every read of one is written to the audit trail
(category ``referral``) here or in ``referrals.selectors``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.choices import Role
from audit import services as audit
from audit.choices import Action
from referrals.models import Referral

if TYPE_CHECKING:
    from accounts.models import Staff

CATEGORY = "referral"


def may_work_intake(staff: Staff) -> bool:
    if not staff.is_authenticated or not staff.is_active:
        return False
    if staff.role == Role.INTAKE:
        return staff.site_id is not None
    return staff.role == Role.SUPERVISOR


def require_intake(staff: Staff) -> None:
    """The intake pages are for coordinators and supervisors (403 for other roles)."""
    if not may_work_intake(staff):
        raise PermissionDenied("The intake pages are for intake coordinators.")


def intake_site_ids(staff: Staff) -> set[int]:
    """The sites whose requests this user works with."""
    if not may_work_intake(staff):
        return set()
    sites = {staff.site_id} if staff.site_id is not None else set()
    if staff.role == Role.SUPERVISOR:
        sites |= set(staff.teams.values_list("site_id", flat=True))
    return sites


def referrals_visible_to(staff: Staff) -> QuerySet[Referral]:
    """Every request this user may open; none for anyone else."""
    sites = intake_site_ids(staff)
    if not sites:
        return Referral.objects.none()
    return Referral.objects.filter(site_id__in=sites)


def referral_get_for_user(
    *,
    staff: Staff,
    public_id: uuid.UUID,
    action: Action = Action.VIEW,
    detail: str = "",
    risk_clinician_may_read: bool = False,
) -> Referral:
    """The request, if this user may work on it, with the read audited; 404 otherwise
    (and a refused attempt on an existing request is audited too).

    ``risk_clinician_may_read``: the pages that show a request (not those that change
    it) also open for the clinician told of its risk answer at screening
    (``Referral.risk_clinician``, the site's duty clinician), so that they can call
    the person before anyone accepts the request."""
    queryset = referrals_visible_to(staff)
    if risk_clinician_may_read and staff.is_authenticated and staff.is_active:
        queryset = queryset | Referral.objects.filter(risk_clinician=staff)
    queryset = queryset.select_related(
        "site", "patient", "program", "clinician", "team"
    )
    referral = queryset.filter(public_id=public_id).first()
    if referral is None:
        _record_refusal(staff, public_id)
        raise Http404("No such request.")
    audit.record(
        actor=staff,
        action=action,
        category=CATEGORY,
        patient=referral.patient,
        object_id=str(referral.public_id),
        detail=detail,
    )
    return referral


def _record_refusal(staff: Staff, public_id: uuid.UUID) -> None:
    target = (
        Referral.objects.filter(public_id=public_id).select_related("patient").first()
    )
    if target is not None and staff.is_authenticated:
        audit.record(
            actor=staff,
            action=Action.ACCESS_DENIED,
            category=CATEGORY,
            patient=target.patient,
            object_id=str(public_id),
        )
