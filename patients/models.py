"""The patient record and what hangs directly off it."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.choices import CareTeamRole
from patients.choices import DiagnosisRank, Language, TreatmentKind
from patients.icd10 import ICD10_CODES, is_substance_use


class Patient(models.Model):
    """A person the program treats. URLs and the API name a patient by ``public_id``;
    the record number is what staff say aloud and print."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_number = models.CharField(max_length=20, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    may_leave_voicemail = models.BooleanField(default=False)
    may_text = models.BooleanField(default=False)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=80, blank=True)
    emergency_contact_phone = models.CharField(max_length=32, blank=True)
    preferred_language = models.CharField(
        max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    language_note = models.CharField(max_length=80, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="patients"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError(
                {"date_of_birth": "The date of birth is in the future."}
            )
        if self.preferred_language == Language.OTHER and not self.language_note:
            raise ValidationError({"language_note": "Say which language."})

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def called(self) -> str:
        """The name to greet the patient by."""
        return self.preferred_name or self.given_name

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class CareTeamMember(models.Model):
    """A staff member treating this patient: the care team decides who sees the record."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="care_team"
    )
    # Indexed with the patient below (care_team_by_staff), not alone: the access
    # lists read a staff member's patient ids from the index without the table.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_teams",
        db_index=False,
    )
    role = models.CharField(
        max_length=20, choices=CareTeamRole.choices, default=CareTeamRole.CLINICIAN
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "added_at"]
        indexes = [
            models.Index(fields=["staff", "patient"], name="care_team_by_staff"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["patient", "staff"], name="care_team_once"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(role=CareTeamRole.PRIMARY),
                name="care_team_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.get_role_display()}"


class Diagnosis(models.Model):
    """A diagnosis by ICD-10 code, ranked primary or secondary, with its dates. The FHIR
    API names it by ``public_id`` (a Condition's id)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="diagnoses"
    )
    code = models.CharField(max_length=8)
    rank = models.CharField(
        max_length=10, choices=DiagnosisRank.choices, default=DiagnosisRank.PRIMARY
    )
    diagnosed_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "-diagnosed_on", "id"]
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.code not in ICD10_CODES:
            raise ValidationError({"code": "Choose a code from the list."})
        if (
            self.resolved_on
            and self.diagnosed_on
            and self.resolved_on < self.diagnosed_on
        ):
            raise ValidationError({"resolved_on": "Resolved before it was diagnosed."})

    @property
    def title(self) -> str:
        return ICD10_CODES.get(self.code, "")

    @property
    def is_substance_use(self) -> bool:
        return is_substance_use(self.code)


class ConcurrentTreatment(models.Model):
    """Treatment running beside IPT: CBT, DBT, group therapy, medication, other."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="concurrent_treatments"
    )
    kind = models.CharField(max_length=12, choices=TreatmentKind.choices)
    description = models.CharField(max_length=200, blank=True)
    medication_name = models.CharField(max_length=120, blank=True)
    dose = models.CharField(max_length=80, blank=True)
    prescriber = models.CharField(max_length=120, blank=True)
    provider = models.CharField(max_length=120, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ended_on", "-started_on", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        errors = {}
        if self.kind == TreatmentKind.MEDICATION:
            if not self.medication_name:
                errors["medication_name"] = "Name the medication."
            if not self.dose:
                errors["dose"] = "Give the dose."
        elif self.kind == TreatmentKind.OTHER and not self.description:
            errors["description"] = "Describe the treatment."
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "Ended before it started."
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        if self.kind == TreatmentKind.MEDICATION:
            return f"{self.medication_name} {self.dose}".strip()
        return self.description or self.get_kind_display()

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


class RecordVersion(models.Model):
    """The version of one patient's record, moved by the database itself: a trigger on
    every patient-linked table sets it to a fresh value from one clinic-wide counter on
    every insert, update or delete of a row of theirs (patients/record_version.py,
    docs/decisions/0063). Rendered fragments of the patient's pages are kept under it."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField()
    # The patient's team, set by the same triggers with every version (and made so
    # for every patient after each migrate): a team's versions are then read from
    # this table alone, by this index (decisions/0075). No key constraint: the
    # patient's own key holds it to a team that exists.
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"patient {self.patient_id} at version {self.version}"


class DirectoryVersion(models.Model):
    """One row: the version of what pages show that belongs to no patient (staff names
    and roles, teams, sites, programs, instruments' lists), moved by the same triggers
    from the same counter as patients' record versions."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1), name="directory_version_is_one_row"
            )
        ]

    def __str__(self) -> str:
        return f"directory at version {self.version}"


class IntakeVersion(models.Model):
    """One row: the version of intake's callback requests (the queue, the waiting
    list), moved by the same triggers from the same counter on every write to a
    request or its calls, screenings and priority changes. A request is no patient's
    until it is linked to one, so no record version sees it (decisions/0068)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="intake_version_is_one_row")
        ]

    def __str__(self) -> str:
        return f"intake at version {self.version}"
