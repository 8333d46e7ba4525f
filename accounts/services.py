"""Changing who has clinical access: no one grants it alone (docs/access.md).

A change that would give a staff member clinical access — a role in
``CLINICAL_ROLES``, or a new site or team while holding one, or opening an account
that holds one — is not applied: it becomes a pending ``AccessChange`` that a second
person approves (a supervisor of one of its teams, or another administrator). Asking
for it on one's own account is refused. Request, approval and refusal are audited,
and the teams' supervisors are told by e-mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.choices import CLINICAL_ROLES, AccessChangeStatus, Role
from accounts.models import AccessChange, Site, Staff, Team
from audit import services as audit
from audit.choices import Action


class AccessChangeRefused(Exception):
    """The change cannot be asked for or decided by this person."""


@dataclass(frozen=True)
class AccessState:
    """What decides a staff member's clinical access."""

    role: str
    site_id: int | None
    team_ids: frozenset[int]
    is_active: bool

    @property
    def clinical(self) -> bool:
        return self.is_active and self.role in CLINICAL_ROLES

    @classmethod
    def of(cls, staff: Staff) -> AccessState:
        return cls(
            role=staff.role,
            site_id=staff.site_id,
            team_ids=frozenset(staff.teams.values_list("pk", flat=True)),
            is_active=staff.is_active,
        )


def grants_clinical_access(before: AccessState | None, after: AccessState) -> bool:
    """Whether going from ``before`` (``None``: a new account) to ``after`` gives
    clinical access the account did not have: a clinical role, or a new site or team
    (hence new patients) with one. Taking access away never needs approval."""
    if not after.clinical:
        return False
    if before is None or not before.clinical:
        return True
    return (
        after.role != before.role
        or after.site_id != before.site_id
        or not after.team_ids <= before.team_ids
    )


def _describe(role: str, site: Site | None, teams: Iterable[Team]) -> str:
    names = ", ".join(sorted(team.name for team in teams)) or "no team"
    return f"role={role}; site={site.pk if site else '-'}; teams={names}"


def access_change_request(
    *,
    actor: Staff,
    staff: Staff,
    role: str,
    site: Site | None,
    teams: Iterable[Team],
    new_account: bool = False,
) -> AccessChange:
    """Record the change as pending (the account keeps what it has), audit it and
    tell the teams' supervisors. Refused on one's own account."""
    if actor.pk == staff.pk:
        raise AccessChangeRefused(
            "You cannot give your own account clinical access: another "
            "administrator must make the change, and a second person approve it."
        )
    teams = list(teams)
    with transaction.atomic():
        change = AccessChange.objects.create(
            staff=staff,
            role=role,
            site=site,
            new_account=new_account,
            requested_by=actor,
        )
        change.teams.set(teams)
        audit.record(
            actor=actor,
            action=Action.PRIVILEGE_CHANGE,
            category="access_change",
            object_id=str(change.public_id),
            detail=f"requested for staff {staff.public_id}: "
            + _describe(role, site, teams),
        )
        from accounts import tasks  # the task module imports these services

        transaction.on_commit(lambda: tasks.access_change_notify(change.pk))
    return change


def access_change_approve(*, approver: Staff, change: AccessChange) -> Staff:
    """Apply the change: the role, site and teams asked for (and open a new account)."""
    return _decide(approver, change, approve=True)


def access_change_refuse(*, approver: Staff, change: AccessChange) -> Staff:
    return _decide(approver, change, approve=False)


def _decide(approver: Staff, change: AccessChange, *, approve: bool) -> Staff:
    with transaction.atomic():
        change = AccessChange.objects.select_for_update().get(pk=change.pk)
        if change.status != AccessChangeStatus.PENDING:
            raise AccessChangeRefused("This change has already been decided.")
        if not access.may_decide_access_change(approver, change):
            raise AccessChangeRefused(
                "A supervisor of the team or another administrator must decide this."
            )
        staff = change.staff
        teams = list(change.teams.all())
        if approve:
            staff.role = change.role
            staff.site = change.site
            if change.new_account:
                staff.is_active = True
            staff.save()
            staff.teams.set(teams)
        change.status = (
            AccessChangeStatus.APPROVED if approve else AccessChangeStatus.REFUSED
        )
        change.decided_by = approver
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=approver,
            action=Action.PRIVILEGE_CHANGE,
            category="access_change",
            object_id=str(change.public_id),
            detail=f"{change.status} for staff {staff.public_id}: "
            + _describe(change.role, change.site, teams),
        )
    return staff


def _supervisors(change: AccessChange) -> list[Staff]:
    return list(
        Staff.objects.filter(
            role=Role.SUPERVISOR, is_active=True, teams__in=change.teams.all()
        )
        .exclude(email="")
        .exclude(pk=change.staff_id)
        .distinct()
    )


def access_change_notify(*, change_id: int) -> int:
    """E-mail the supervisors of the change's teams (or, for a change with no team,
    the other administrators): who asked, for whom, and where to decide. No patient
    data. Returns the number of messages sent."""
    change = (
        AccessChange.objects.select_related("staff", "requested_by", "site")
        .filter(pk=change_id, status=AccessChangeStatus.PENDING)
        .first()
    )
    if change is None:
        return 0
    recipients = _supervisors(change) or list(
        Staff.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
        .exclude(email="")
        .exclude(pk__in=[change.requested_by_id, change.staff_id])
    )
    link = settings.IPTCARE_BASE_URL.rstrip("/") + reverse("accounts:access-changes")
    body = (
        f"{change.requested_by.display_name} asked to give {change.staff.display_name} "
        f"the role {change.get_role_display()}"
        + (f" at {change.site.name}" if change.site else "")
        + ". It takes effect only once a supervisor of the team or another "
        f"administrator approves it:\n\n{link}\n"
    )
    for person in recipients:
        send_mail(
            "IPT Care: a change of clinical access awaits approval",
            body,
            None,
            [person.email],
        )
    return len(recipients)


# --- The second factor: enrolment needs a code an administrator hands over ----------

ENROLMENT_DEVICE = "Enrolment code"


def second_factor_reset(*, actor: Staff | None, staff: Staff) -> str:
    """Remove ``staff``'s authenticator and backup codes and issue a one-time
    enrolment code (django-otp's static token, single use), which the administrator
    hands over in person: holding the password alone no longer enrols a phone.
    Audited; refused on one's own account. ``actor`` is ``None`` on the command line."""
    if actor is not None and actor.pk == staff.pk:
        raise AccessChangeRefused(
            "Another administrator must reset your own second factor."
        )
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=staff).delete()
        StaticDevice.objects.filter(user=staff).delete()
        # Unconfirmed: never accepted as a second factor at sign-in, only here.
        device = StaticDevice.objects.create(
            user=staff, name=ENROLMENT_DEVICE, confirmed=False
        )
        code = StaticToken.random_token()
        device.token_set.create(token=code)
        audit.record(
            actor=actor,
            action=Action.PRIVILEGE_CHANGE,
            category="second_factor",
            object_id=str(staff.public_id),
            detail="second factor reset; enrolment code issued",
        )
    return str(code)


def enrolment_code_use(*, staff: Staff, code: str) -> bool:
    """Spend ``staff``'s enrolment code: ``True`` once, for the right code."""
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.filter(
        user=staff, name=ENROLMENT_DEVICE, confirmed=False
    ).first()
    if device is None or not device.verify_token(code.strip().lower()):
        return False
    device.delete()  # spent: one enrolment per code
    return True
