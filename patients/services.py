"""Changes to the patient record. Each is atomic and written to the audit trail with the
names of the fields it changed, never their values."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from accounts.choices import CareTeamRole, Role
from audit import services as audit
from audit.choices import Action
from patients.choices import DiagnosisRank
from patients.models import CareTeamMember, ConcurrentTreatment, Diagnosis, Patient

if TYPE_CHECKING:
    from accounts.models import Staff, Team


def record_number_for(pk: int) -> str:
    return f"{settings.IPTCARE_RECORD_NUMBER_PREFIX}-{pk:06d}"


@transaction.atomic
def patient_create(*, by: Staff, team: Team, **fields: Any) -> Patient:
    """Register a patient. A clinician who registers a patient becomes their primary
    clinician, so that the record does not vanish from its author's sight."""
    patient = Patient(team=team, record_number=f"new-{uuid.uuid4().hex[:12]}", **fields)
    patient.full_clean()
    patient.save()
    # The number comes from the row's own id: unique without a race.
    patient.record_number = record_number_for(patient.pk)
    patient.save(update_fields=["record_number"])
    if by.role == Role.CLINICIAN:
        CareTeamMember.objects.create(
            patient=patient, staff=by, role=CareTeamRole.PRIMARY
        )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="patient",
        patient=patient,
        object_id=str(patient.public_id),
    )
    return patient


@transaction.atomic
def patient_update(*, by: Staff, patient: Patient, changed: list[str]) -> Patient:
    """Save a patient already changed by a validated form; ``changed`` names the fields."""
    if not changed:
        return patient
    patient.full_clean()
    patient.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=by,
        action=Action.UPDATE,
        category="patient",
        patient=patient,
        object_id=str(patient.public_id),
        detail="fields: " + ", ".join(sorted(changed)),
    )
    return patient


@transaction.atomic
def diagnosis_add(
    *, by: Staff, patient: Patient, **fields: Any
) -> tuple[Diagnosis, list[Diagnosis]]:
    """The diagnosis, and the unresolved primaries it made secondary: a patient has one
    unresolved primary diagnosis, the clinician's latest (decisions/0077). The earlier
    one is kept, ranked secondary, not resolved: only a clinician may say it ended."""
    diagnosis = Diagnosis(patient=patient, recorded_by=by, **fields)
    diagnosis.full_clean()
    demoted: list[Diagnosis] = []
    if diagnosis.rank == DiagnosisRank.PRIMARY and diagnosis.resolved_on is None:
        # The patient's row is locked so two primaries added at once are ranked in turn.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        demoted = list(
            patient.diagnoses.filter(
                rank=DiagnosisRank.PRIMARY, resolved_on__isnull=True
            )
        )
        for earlier in demoted:
            earlier.rank = DiagnosisRank.SECONDARY
            earlier.save(update_fields=["rank", "updated_at"])
            audit.record(
                actor=by,
                action=Action.UPDATE,
                category="diagnosis",
                patient=patient,
                object_id=str(earlier.pk),
                detail=f"code={earlier.code}; rank=secondary (a new primary)",
            )
    diagnosis.save()
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="diagnosis",
        patient=patient,
        object_id=str(diagnosis.pk),
        detail=f"code={diagnosis.code}",
    )
    return diagnosis, demoted


@transaction.atomic
def treatment_add(*, by: Staff, patient: Patient, **fields: Any) -> ConcurrentTreatment:
    treatment = ConcurrentTreatment(patient=patient, recorded_by=by, **fields)
    treatment.full_clean()
    treatment.save()
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="treatment",
        patient=patient,
        object_id=str(treatment.pk),
        detail=f"kind={treatment.kind}",
    )
    return treatment


@transaction.atomic
def care_team_add(
    *, by: Staff, patient: Patient, staff: Staff, role: CareTeamRole
) -> CareTeamMember:
    """Add a clinician to the care team; naming a new primary demotes the old one."""
    if role == CareTeamRole.PRIMARY:
        patient.care_team.filter(role=CareTeamRole.PRIMARY).update(
            role=CareTeamRole.CLINICIAN
        )
    member, created = CareTeamMember.objects.update_or_create(
        patient=patient, staff=staff, defaults={"role": role}
    )
    audit.record(
        actor=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="care_team",
        patient=patient,
        object_id=str(staff.public_id),
        detail=f"role={role}",
    )
    return member


@transaction.atomic
def care_team_remove(*, by: Staff, member: CareTeamMember) -> None:
    patient = member.patient
    staff_id = str(member.staff.public_id)
    member.delete()
    audit.record(
        actor=by,
        action=Action.DELETE,
        category="care_team",
        patient=patient,
        object_id=staff_id,
    )
