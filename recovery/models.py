"""Recovery: substance use, drug and alcohol tests, sobriety dates, medication,
the people around the patient and the level of care.

The lists a program edits (substances, test panels, medications, levels of care) are
tables with an admin page; the rest hangs off the patient (``public_id`` in URLs)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ipt.choices import Relationship
from recovery import analytes
from recovery.choices import (
    Adherence,
    ContactMode,
    MedicationGroup,
    ReviewStatus,
    Specimen,
    UseSource,
)


class Substance(models.Model):
    """A substance use is counted for (alcohol in standard drinks; cannabis,
    stimulants, opioids, benzodiazepines, other): a list the administrator extends."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    unit = models.CharField(
        max_length=40, blank=True, help_text="Amounts counted in, e.g. standard drinks."
    )
    heavy_day_amount = models.DecimalField(
        "heavy day from",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="A day with at least this amount is a heavy day (alcohol).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def counts_heavy_days(self) -> bool:
        return self.heavy_day_amount is not None


class UseReport(models.Model):
    """Days of use of one substance between two days (both included): a day of the
    pre-treatment calendar, a session's "since last time", or a diary day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="use_reports"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="use_reports",
    )
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=8, choices=UseSource.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    days_used = models.PositiveSmallIntegerField()
    heavy_days = models.PositiveSmallIntegerField(null=True, blank=True)
    amount = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, help_text="One day's."
    )
    session = models.ForeignKey(
        "ipt.CourseSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="use_reports",
    )
    diary_entry = models.ForeignKey(
        "portal.DiaryEntry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="use_reports",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_day", "substance__position", "id"]
        indexes = [
            models.Index(fields=["patient", "first_day"], name="recovery_use_by_day")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="recovery_use_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(heavy_days__isnull=True)
                | Q(heavy_days__lte=F("days_used")),
                name="recovery_use_heavy_within_use",
            ),
            models.UniqueConstraint(
                fields=["session", "substance"],
                condition=Q(session__isnull=False),
                name="recovery_use_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["diary_entry", "substance"],
                condition=Q(diary_entry__isnull=False),
                name="recovery_use_once_per_diary_day",
            ),
            models.UniqueConstraint(
                fields=["patient", "substance", "first_day"],
                condition=Q(source="tlfb"),
                name="recovery_tlfb_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days_used} days of use, {self.first_day} to {self.last_day}"

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class TestPanel(models.Model):
    """A test panel the program uses: the specimens it is run on and the analytes it
    looks for (``recovery.analytes`` codes)."""

    __test__ = False  # not a pytest class

    name = models.CharField(max_length=80, unique=True)
    specimens = models.JSONField(default=list)
    analytes = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        known = {code for code, _ in Specimen.choices}
        if not self.specimens or not set(self.specimens) <= known:
            errors["specimens"] = f"Name specimens from: {', '.join(sorted(known))}."
        if not self.analytes or not set(self.analytes) <= set(analytes.BY_CODE):
            errors["analytes"] = (
                f"Name analytes from: {', '.join(sorted(analytes.BY_CODE))}."
            )
        if errors:
            raise ValidationError(errors)


class DrugTest(models.Model):
    """One drug or alcohol test and its results per analyte. ``expected`` holds the
    analytes prescribed medication explains on the day (not counted against the
    patient), ``unexpected`` the positives it does not: both fixed when recorded."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="drug_tests"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drug_tests",
    )
    collected_on = models.DateField("date collected")
    specimen = models.CharField(max_length=12, choices=Specimen.choices)
    panel = models.ForeignKey(TestPanel, on_delete=models.PROTECT, related_name="+")
    results = models.JSONField(default=dict)
    expected = models.JSONField(default=list, blank=True)
    unexpected = models.JSONField(default=list, blank=True)
    collected_by = models.CharField("who collected", max_length=120)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-collected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_specimen_display()} test of {self.collected_on}"

    @property
    def rows(self) -> list[tuple[str, str, bool]]:
        """(analyte, result in words, expected from medication), in panel order."""
        words = {"positive": "Positive", "negative": "Negative"}
        return [
            (
                analytes.label(code),
                words.get(self.results.get(code, ""), "Not tested"),
                code in self.expected and self.results.get(code) == "positive",
            )
            for code in self.panel.analytes
        ]

    @property
    def unexpected_labels(self) -> list[str]:
        return [analytes.label(code) for code in self.unexpected]


class SobrietyDate(models.Model):
    """The first day of continuous abstinence from one substance. Moved only by a
    clinician confirming reported use or an unexpected positive (``UseReview``)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="sobriety_dates"
    )
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+")
    since = models.DateField("sober since")
    show_in_portal = models.BooleanField(
        "show the days of sobriety in the patient's portal", default=False
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["substance__position", "substance__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "substance"], name="recovery_sobriety_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.substance} since {self.since}"


class UseReview(models.Model):
    """Use on or after a sobriety date (a report or an unexpected positive) waiting
    for a clinician: confirmed, the date moves to the day after ``last_use``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="use_reviews"
    )
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("reported or tested on")
    last_use = models.DateField("day of last use")
    use_report = models.ForeignKey(
        UseReport, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    drug_test = models.ForeignKey(
        DrugTest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["use_report", "substance"],
                condition=Q(use_report__isnull=False),
                name="recovery_review_once_per_report",
            ),
            models.UniqueConstraint(
                fields=["drug_test", "substance"],
                condition=Q(drug_test__isnull=False),
                name="recovery_review_once_per_test",
            ),
        ]

    def __str__(self) -> str:
        return f"Use of {self.substance} on {self.day}"

    @property
    def source(self) -> str:
        return "a positive test" if self.drug_test_id else "reported use"


class MedicationKind(models.Model):
    """A medication the program records (the product does not prescribe), with the
    analytes a test finds in someone who takes it (buprenorphine → buprenorphine)."""

    name = models.CharField(max_length=80, unique=True)
    group = models.CharField(max_length=14, choices=MedicationGroup.choices)
    expected_analytes = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "position", "name"]

    def __str__(self) -> str:
        return self.name


class Medication(models.Model):
    """A medication the patient takes, prescribed inside or outside the program."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="medications"
    )
    kind = models.ForeignKey(
        MedicationKind,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="medication",
    )
    dose = models.CharField(max_length=80)
    prescriber = models.CharField(max_length=120)
    prescriber_in_program = models.BooleanField(
        "the prescriber works in the program", default=False
    )
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stopped_on", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True)
                | Q(stopped_on__gte=F("started_on")),
                name="recovery_medication_stops_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dose}"

    def is_current_on(self, day: object) -> bool:
        return self.stopped_on is None or self.stopped_on >= day  # type: ignore[operator]


class AdherenceNote(models.Model):
    """How the patient took a medication, noted at a session."""

    medication = models.ForeignKey(
        Medication, on_delete=models.CASCADE, related_name="adherence"
    )
    session = models.ForeignKey(
        "ipt.CourseSession", on_delete=models.CASCADE, related_name="adherence_notes"
    )
    adherence = models.CharField(max_length=14, choices=Adherence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["medication", "session"], name="recovery_adherence_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_adherence_display()


class Supporter(models.Model):
    """Someone around the patient the program may contact (a collateral contact):
    family or another supporter, with the patient's permission. When they are in the
    interpersonal inventory, the "supports recovery / uses with / trigger" marks are
    kept on the inventory's person and shown from there."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="supporters"
    )
    name = models.CharField("name or role", max_length=80)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    phone = models.CharField(max_length=40, blank=True)
    person = models.ForeignKey(
        "ipt.InventoryPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supporters",
        verbose_name="in the interpersonal inventory as",
    )
    permission_on = models.DateField(
        "the patient allowed contact on", null=True, blank=True
    )
    permission_scope = models.TextField(
        "what the patient allows to be shared", blank=True
    )
    permission_withdrawn_on = models.DateField(null=True, blank=True)
    # The same person on the disclosures register, so that a Part 2 patient's consent
    # can name them (recovery.services.contact_permitted).
    recipient = models.ForeignKey(
        "disclosures.Recipient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="recipient on the consent register",
        help_text="For a Part 2 patient, the recipient their consent names.",
    )
    supports_recovery = models.BooleanField(default=False)
    uses_with_patient = models.BooleanField("uses with the patient", default=False)
    is_trigger = models.BooleanField("is a trigger", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def may_be_contacted(self) -> bool:
        return self.permission_on is not None and self.permission_withdrawn_on is None

    @property
    def flags(self) -> list[str]:
        source = self.person if self.person_id and self.person else self
        flags = []
        if source.supports_recovery:
            flags.append("supports recovery")
        if source.uses_with_patient:
            flags.append("uses with the patient")
        if source.is_trigger:
            flags.append("trigger")
        return flags


class SupporterContact(models.Model):
    """A contact with a supporter: who, when, how, what was shared, by whom, and
    whether it was a family session."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supporter = models.ForeignKey(
        Supporter, on_delete=models.CASCADE, related_name="contacts"
    )
    contacted_on = models.DateField()
    mode = models.CharField("how", max_length=10, choices=ContactMode.choices)
    family_session = models.BooleanField("a family session", default=False)
    shared = models.TextField("what was shared")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]

    def __str__(self) -> str:
        return f"Contact on {self.contacted_on}"


class CareLevel(models.Model):
    """A level of care the program offers (outpatient, intensive outpatient, partial
    hospitalisation, residential): a list the program edits."""

    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Least intensive first."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CareLevelChange(models.Model):
    """The patient's level of care from a day on, and why it changed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="care_levels"
    )
    level = models.ForeignKey(CareLevel, on_delete=models.PROTECT, related_name="+")
    changed_on = models.DateField("from")
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.level} from {self.changed_on}"


__all__ = [
    "AdherenceNote",
    "CareLevel",
    "CareLevelChange",
    "DrugTest",
    "Medication",
    "MedicationKind",
    "SobrietyDate",
    "Substance",
    "Supporter",
    "SupporterContact",
    "TestPanel",
    "UseReport",
    "UseReview",
]
