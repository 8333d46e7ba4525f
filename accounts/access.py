"""Who may see which patient: the one access mechanism (docs/access.md).

Every view that shows or changes patient data gets the patient through
``patient_get_for_user`` or lists patients through ``patients_visible_to``. Both are
default-deny: a patient the user may not see does not exist for them (404, never 403).

- clinicians see the patients whose care team they are on;
- supervisors also see every patient of the teams they belong to;
- intake coordinators see their own site's patients at the registration level
  (identity and contact, for booking and duplicate checks), not clinical content;
- administrators see no patient;
- a clinician or supervisor outside the care team may *break the glass*: with a typed
  reason they get clinical access for a few hours; it is audited and listed for the
  team's supervisors.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.db import router, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.choices import AccessChangeStatus, Role
from accounts.models import AccessChange, BreakGlassAccess, Staff
from audit import services as audit
from audit.choices import Action
from iptcare.lib.lookups import AmongIds
from iptcare.lib.statements import StandIn, Statement
from patients.models import CareTeamMember, Patient, RecordVersion
from patients.record_version import record_version_of, with_versions


class Basis(StrEnum):
    """Why a user may see a patient, most specific first."""

    CARE_TEAM = "care_team"
    SUPERVISOR = "supervisor"
    BREAK_GLASS = "break_glass"
    REGISTRATION = "registration"


@dataclass(frozen=True)
class PatientAccess:
    """A patient the user may see, and on what basis."""

    patient: Patient
    basis: Basis

    @property
    def clinical(self) -> bool:
        """Diagnoses, treatments, scores and notes: not for registration-level access."""
        return self.basis is not Basis.REGISTRATION

    @property
    def may_edit_record(self) -> bool:
        return True

    @property
    def may_manage_care_team(self) -> bool:
        return self.basis in {Basis.CARE_TEAM, Basis.SUPERVISOR}


def _on_care_team(staff_id: int) -> Exists:
    return Exists(
        CareTeamMember.objects.filter(patient=OuterRef("pk"), staff_id=staff_id)
    )


def _glass_broken(staff_id: int, now: datetime) -> Exists:
    return Exists(
        BreakGlassAccess.objects.filter(
            patient=OuterRef("pk"), staff_id=staff_id, expires_at__gt=now
        )
    )


def _staff_team_ids(staff: Staff) -> QuerySet[Staff]:
    return staff.teams.values_list("id", flat=True)  # type: ignore[return-value]


# The lists below name patients by id sets, combined with UNION: PostgreSQL joins
# a patient id set like a table. The same rule as ``EXISTS (…) OR EXISTS (…)`` made
# it test every patient of the service, one by one (decisions/0030).
def _care_team_ids(staff: Staff) -> QuerySet[Any]:
    return CareTeamMember.objects.filter(staff=staff).order_by().values("patient_id")


def _glass_ids(staff: Staff, now: datetime | None = None) -> QuerySet[Any]:
    return (
        BreakGlassAccess.objects.filter(
            staff=staff, expires_at__gt=now or timezone.now()
        )
        .order_by()
        .values("patient_id")
    )


def _team_ids(staff: Staff) -> QuerySet[Any]:
    return (
        Patient.objects.filter(team__in=_staff_team_ids(staff)).order_by().values("id")
    )


def visible_patient_ids(staff: Staff, now: datetime | None = None) -> QuerySet[Any]:
    """The ids of every patient this user may open, as a subquery: what a list of
    alerts, appointments or courses filters its ``patient_id`` by. Filtering by the
    ids themselves, not by ``patients_visible_to``, keeps the patients table out of the
    plan: wrapping the id set in it made PostgreSQL read all 20,000 patients to count
    one clinician's alerts (decisions/0058). ``now`` (broken glass that has not
    expired) is the time of the request unless given."""
    if not staff.is_authenticated or not staff.is_active:
        return Patient.objects.none().values("id")
    if staff.role == Role.CLINICIAN:
        return _care_team_ids(staff).union(_glass_ids(staff, now))
    if staff.role == Role.SUPERVISOR:
        return _team_ids(staff).union(_care_team_ids(staff), _glass_ids(staff, now))
    if staff.role == Role.INTAKE and staff.site_id is not None:
        return (
            Patient.objects.filter(team__site_id=staff.site_id).order_by().values("id")
        )
    return Patient.objects.none().values("id")


def patients_visible_to(staff: Staff) -> QuerySet[Patient]:
    """Every patient this user may open; an empty set for anyone else."""
    if not staff.is_authenticated or not staff.is_active:
        return Patient.objects.none()
    if staff.role == Role.INTAKE and staff.site_id is not None:
        return Patient.objects.filter(team__site_id=staff.site_id)
    if staff.role in (Role.CLINICIAN, Role.SUPERVISOR):
        return Patient.objects.filter(pk__in=visible_patient_ids(staff))
    return Patient.objects.none()


def caseload_patient_ids(staff: Staff) -> QuerySet[Any]:
    """The ids of the patients a user works with day to day (``caseload_for``), as a
    subquery: what a list of a caseload's courses or alerts filters its ``patient_id``
    by, keeping the patients table out of the plan (as ``visible_patient_ids``)."""
    if staff.role == Role.CLINICIAN:
        return _care_team_ids(staff)
    if staff.role == Role.SUPERVISOR:
        return _team_ids(staff).union(_care_team_ids(staff))
    if staff.role == Role.INTAKE and staff.site_id is not None:
        return (
            Patient.objects.filter(team__site_id=staff.site_id).order_by().values("id")
        )
    return Patient.objects.none().values("id")


def supervised_versions(staff: Staff) -> QuerySet[Any]:
    """Each patient of a supervisor's caseload (``caseload_patient_ids``) with their
    record version, once each: the teams' patients read from the record versions
    alone, by the team each carries (``RecordVersion.team``, set by the triggers with
    every version), and the care teams' patients with theirs. Reading the teams'
    patients and then their versions joined 1,383 patients to every version of the
    service (8.6 ms, decisions/0075)."""
    if staff.role != Role.SUPERVISOR:
        raise ValueError("a supervisor's caseload")
    teams = RecordVersion.objects.filter(team__in=_staff_team_ids(staff)).values_list(
        "patient_id", "version"
    )
    care_teams = (
        _care_team_ids(staff)
        .annotate(version=record_version_of("patient_id"))
        .values_list("patient_id", "version")
    )
    return teams.order_by().union(care_teams)


def caseload_counted(staff: Staff) -> tuple[QuerySet[Any], ...]:
    """The ids of ``caseload_patient_ids`` as sets that share no patient, to be
    counted each on its own: a supervisor's teams' patients (counted from the team
    index alone), and the patients of their care teams on no such team. Counting the
    union instead read and de-duplicated all 4,988 patients of the large team (5 ms,
    decisions/0075)."""
    if staff.role == Role.SUPERVISOR:
        return (
            _team_ids(staff),
            _care_team_ids(staff).exclude(patient__team__in=_staff_team_ids(staff)),
        )
    return (caseload_patient_ids(staff),)


def caseload_for(staff: Staff) -> QuerySet[Patient]:
    """The patients a user works with day to day: their care teams, and for supervisors
    their teams' patients. Break-the-glass patients are not part of anyone's caseload."""
    if staff.role == Role.INTAKE and staff.site_id is not None:
        return Patient.objects.filter(team__site_id=staff.site_id)
    if staff.role == Role.SUPERVISOR:
        # One pass over the patients with two id sets (hashed once), not the union
        # joined back to the table: PostgreSQL can then walk the name index for the
        # first page of a large caseload (10 → 1 ms for the supervisor of the large
        # team, decisions/0064) instead of reading and sorting all of it.
        return Patient.objects.filter(
            Q(team__in=_staff_team_ids(staff)) | Q(pk__in=_care_team_ids(staff))
        )
    if staff.role == Role.CLINICIAN:
        # An array of the care team's ids, looked up by the key: PostgreSQL otherwise
        # reads every patient of the service to join them (decisions/0072).
        return Patient.objects.filter(AmongIds(F("pk"), caseload_patient_ids(staff)))
    return Patient.objects.none()


def _grounds_query(
    role: str, staff_id: int, public_id: uuid.UUID, now: datetime
) -> QuerySet[Patient]:
    """The patient named by ``public_id``, whoever may see them, with the grounds of
    access as annotations: on the care team, glass broken and unexpired at ``now``,
    and for a supervisor whether they belong to the patient's team. Roles that see no
    patient read only the key, for the refusal."""
    patients = Patient.objects.filter(public_id=public_id).order_by()
    if role not in (Role.CLINICIAN, Role.SUPERVISOR, Role.INTAKE):
        return patients.only("pk")
    # The record's and the directory's versions, read before any of the page's own
    # queries: the key its kept rendering is found under (decisions/0066).
    patients = (
        with_versions(patients)
        .select_related("team__site")
        .annotate(
            access_on_care_team=_on_care_team(staff_id),
            access_glass=_glass_broken(staff_id, now),
        )
    )
    if role == Role.SUPERVISOR:
        patients = patients.annotate(
            access_supervises=Exists(
                Staff.teams.through.objects.filter(
                    staff_id=staff_id, team_id=OuterRef("team_id")
                )
            )
        )
    return patients.order_by("pk")


# Values no row has, that the access check's statement is built with (iptcare.lib.
# statements): the staff member, the patient's public id and the time.
_STAND_INS = {
    "staff_id": StandIn(-(2**62) + 17, Staff._meta.pk),
    "public_id": StandIn(
        uuid.UUID("0bad0bad-0bad-4bad-8bad-0bad0bad0bad"),
        Patient._meta.get_field("public_id"),
    ),
    "now": StandIn(
        datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
        BreakGlassAccess._meta.get_field("expires_at"),
    ),
}


@cache
def _grounds_statement(role: str, alias: str) -> Statement[Patient]:
    if role in (Role.CLINICIAN, Role.SUPERVISOR, Role.INTAKE):
        return Statement(partial(_grounds_query, role), _STAND_INS, alias)
    # Roles that see no patient: the key by public id alone.
    build = partial(_grounds_query, role, staff_id=0, now=_STAND_INS["now"].value)
    return Statement(build, {"public_id": _STAND_INS["public_id"]}, alias)


def _grounds(staff: Staff, public_id: uuid.UUID) -> Patient | None:
    """The patient and the grounds of access (``_grounds_query``) in one query, whose
    SQL is built once per role and database (decisions/0066): it decides the basis,
    the 404 and the refusal's audit row alike."""
    statement = _grounds_statement(staff.role, router.db_for_read(Patient))
    return statement.first(staff_id=staff.pk, public_id=public_id, now=timezone.now())


def _basis(staff: Staff, patient: Patient) -> Basis | None:
    """Why ``staff`` may see ``patient`` (annotated by ``_grounds``), or ``None``: the
    rule of ``patients_visible_to`` for who, then the most specific basis first."""
    if not staff.is_active:
        return None
    on_care_team = getattr(patient, "access_on_care_team", False)
    glass = getattr(patient, "access_glass", False)
    supervises = getattr(patient, "access_supervises", False)
    own_site = (
        staff.role == Role.INTAKE
        and staff.site_id is not None
        and patient.team.site_id == staff.site_id
    )
    if staff.role == Role.CLINICIAN:
        visible = on_care_team or glass
    elif staff.role == Role.SUPERVISOR:
        visible = supervises or on_care_team or glass
    else:
        visible = own_site
    if not visible:
        return None
    if on_care_team:
        return Basis.CARE_TEAM
    if supervises:
        return Basis.SUPERVISOR
    if glass:
        return Basis.BREAK_GLASS
    return Basis.REGISTRATION


def patient_get_for_user(
    *,
    staff: Staff,
    public_id: uuid.UUID,
    action: Action = Action.VIEW,
    category: str = "patient",
    detail: str = "",
    audit_read: bool = True,
) -> PatientAccess:
    """The patient, if this user may see them, with the read written to the audit trail.

    Raises ``Http404`` otherwise, so that a foreign id reveals nothing. One query reads
    the patient and the grounds of access; then the audit row.
    """
    if not staff.is_authenticated:
        raise Http404("No such patient.")
    patient = _grounds(staff, public_id)
    basis = None if patient is None else _basis(staff, patient)
    if patient is None or basis is None:
        if patient is not None:
            _record_refusal(staff, patient)
        raise Http404("No such patient.")
    if audit_read:
        audit.record(
            actor=staff,
            action=action,
            category=category,
            patient=patient,
            object_id=str(patient.public_id),
            detail=(
                f"basis={basis.value}; {detail}" if detail else f"basis={basis.value}"
            ),
        )
    return PatientAccess(patient=patient, basis=basis)


def _record_refusal(staff: Staff, patient: Patient) -> None:
    """A refused attempt on an existing record is audited (ASVS 16.3.2) and shows on
    that patient's audit page; the user still sees only a 404."""
    audit.record(
        actor=staff,
        action=Action.ACCESS_DENIED,
        category="patient",
        patient=patient,
        object_id=str(patient.public_id),
    )


def require_clinical(access: PatientAccess) -> None:
    """Clinical content is not for registration-level access; 404 as for any other."""
    if not access.clinical:
        raise Http404("No such patient.")


@dataclass(frozen=True)
class ServiceScope:
    """Which part of the service's aggregate figures (outcomes, fidelity) a user sees:
    the whole service, or their teams. Aggregates only: a scope opens no patient's
    record, which still goes through ``patient_get_for_user``."""

    whole_service: bool
    team_ids: frozenset[int] = frozenset()


SERVICE_WIDE_ROLES = frozenset({Role.CLINICAL_LEAD, Role.ADMINISTRATOR})
# Roles that see no patient at all (docs/access.md): they register none either, since
# a patient they registered would be one they could not then open.
NO_PATIENT_ROLES = frozenset({Role.CLINICAL_LEAD, Role.ADMINISTRATOR})


def sees_no_patient(staff: Staff) -> bool:
    return staff.role in NO_PATIENT_ROLES


def service_scope_for(staff: Staff) -> ServiceScope | None:
    """The clinical lead and the administrator see the whole service; a supervisor
    their teams; anyone else nothing (``None``: the page answers 403)."""
    if not staff.is_authenticated or not staff.is_active:
        return None
    if staff.role in SERVICE_WIDE_ROLES:
        return ServiceScope(whole_service=True)
    if staff.role == Role.SUPERVISOR:
        return ServiceScope(
            whole_service=False,
            team_ids=frozenset(staff.teams.values_list("id", flat=True)),
        )
    return None


def may_break_glass(staff: Staff) -> bool:
    return staff.is_active and staff.role in {Role.CLINICIAN, Role.SUPERVISOR}


class BreakGlassRefused(Exception):
    """The record number names no patient this user could break the glass for."""


@transaction.atomic
def break_glass(*, staff: Staff, record_number: str, reason: str) -> BreakGlassAccess:
    """Grant time-limited clinical access outside the care team, with a reason."""
    if not may_break_glass(staff):
        raise BreakGlassRefused("Only clinicians and supervisors may break the glass.")
    reason = reason.strip()
    if len(reason) < 10:
        raise BreakGlassRefused("Give the reason in a sentence.")
    patient = Patient.objects.filter(
        record_number=record_number.strip().upper()
    ).first()
    if patient is None:
        audit.record(
            actor=staff,
            action=Action.ACCESS_DENIED,
            category="break_glass",
            detail="no patient with that record number",
        )
        raise BreakGlassRefused("No patient has that record number.")
    grant = BreakGlassAccess.objects.create(
        staff=staff,
        patient=patient,
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=settings.IPTCARE_BREAK_GLASS_HOURS),
    )
    audit.record(
        actor=staff,
        action=Action.BREAK_GLASS,
        category="patient",
        patient=patient,
        object_id=str(patient.public_id),
        detail=f"grant={grant.pk}",
    )
    return grant


def break_glass_for_review(supervisor: Staff) -> QuerySet[BreakGlassAccess]:
    """Break-the-glass accesses to the supervisor's teams' patients."""
    if supervisor.role != Role.SUPERVISOR:
        return BreakGlassAccess.objects.none()
    return BreakGlassAccess.objects.filter(
        patient__team__in=_staff_team_ids(supervisor)
    ).select_related("staff", "patient", "reviewed_by")


# --- Who may decide a change of clinical access ---------------------------------------


def may_decide_access_change(staff: Staff, change: AccessChange) -> bool:
    """A second person decides: another administrator, or a supervisor of one of the
    teams the change gives. Never the person who asked, nor the one it is for."""
    if staff.pk in {change.requested_by_id, change.staff_id} or not staff.is_active:
        return False
    if staff.role == Role.ADMINISTRATOR:
        return True
    if staff.role != Role.SUPERVISOR:
        return False
    team_ids = {team.pk for team in change.teams.all()}
    return bool(team_ids & set(staff.teams.values_list("pk", flat=True)))


def access_changes_to_decide(staff: Staff) -> QuerySet[AccessChange]:
    """The pending changes ``staff`` may approve or refuse (the approvals page)."""
    pending = (
        AccessChange.objects.filter(status=AccessChangeStatus.PENDING)
        .exclude(requested_by=staff)
        .exclude(staff=staff)
        .select_related("staff", "site", "requested_by")
        .prefetch_related("teams")
    )
    if staff.role == Role.ADMINISTRATOR and staff.is_active:
        return pending
    if staff.role == Role.SUPERVISOR and staff.is_active:
        return pending.filter(teams__in=staff.teams.all()).distinct()
    return pending.none()


def access_change_get_for_decision(staff: Staff, public_id: uuid.UUID) -> AccessChange:
    """The pending change, or 404 for one ``staff`` may not decide (as for a patient:
    its existence does not leak)."""
    change = access_changes_to_decide(staff).filter(public_id=public_id).first()
    if change is None or not may_decide_access_change(staff, change):
        raise Http404
    return change


def clinical_patients_visible_to(staff: Staff) -> QuerySet[Patient]:
    """The patients whose clinical content (scores, diagnoses) this user may read:
    ``patients_visible_to`` less registration-level access."""
    if staff.is_authenticated and staff.role == Role.INTAKE:
        return Patient.objects.none()
    return patients_visible_to(staff)


def patients_visible_to_system(
    *, site_id: int | None, team_id: int | None
) -> QuerySet[Patient]:
    """The patients another system (a FHIR API client) may read: those of the one team
    or site it is bound to, nothing when it is bound to neither."""
    if team_id is not None:
        return Patient.objects.filter(team_id=team_id)
    if site_id is not None:
        return Patient.objects.filter(team__site_id=site_id)
    return Patient.objects.none()


def request_staff(request: HttpRequest) -> Staff:
    """The staff member a signed-in staff request is from (the sign-in middleware has
    refused anyone else before a staff view runs)."""
    return request.user  # type: ignore[return-value]
