"""Consents, recipients, the legal texts they quote, and the disclosure log.

A consent is data (42 CFR §2.31): the patient, who may disclose, what (as content
kinds and in words), to whom, why, until when, the signature, and its revocation.
``disclosures.rules`` decides from these rows whether a disclosure may go
(docs/decisions/0022).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from disclosures.choices import (
    Channel,
    ConsentKind,
    ContentKind,
    LegalTextKey,
    LegalTextStatus,
    RecipientKind,
    SignatureKind,
)


class LegalText(models.Model):
    """A versioned legal wording (the §2.32 notice, the TPO statements), stored as data
    with the date it took effect and where it was copied from. The text in force at a
    moment is the latest version whose ``effective_on`` is on or before it."""

    key = models.CharField(max_length=30, choices=LegalTextKey.choices)
    version = models.CharField(max_length=40)
    effective_on = models.DateField()
    source_url = models.URLField(max_length=300)
    status = models.CharField(max_length=12, choices=LegalTextStatus.choices)
    text = models.TextField()
    note = models.TextField(
        blank=True, help_text="What is known to be missing or unverified, and why."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="disclosures_legaltext_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.version})"


class Recipient(models.Model):
    """A person or organisation records may be disclosed to: a GP practice, a payer,
    a court-ordered program. No patient data here; the patient as recipient of their
    own copy is not a ``Recipient`` (``Disclosure.to_patient``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active_at(self, at: datetime) -> ConsentQuerySet:
        """Signed by then, not yet expired, not revoked: from the moment of revocation
        or expiry a consent authorises nothing."""
        return self.filter(
            Q(signed_at__lte=at),
            Q(expires_at__isnull=True) | Q(expires_at__gt=at),
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
        )


class Consent(models.Model):
    """A patient's written consent to disclose (42 CFR §2.31(a) elements).

    - ``information`` describes the records "in a specific and meaningful fashion";
      ``scopes`` are the same as content kinds the software can check.
    - A TPO consent names a class of recipients (``recipient_description``) and
      covers every recipient of the TPO kinds; the other kinds name ``recipients``.
    - Expiry is a date (``expires_at``) or an event (``expiry_event``): when a
      clinician records that the event happened (``expiry_event_on``), the consent
      expires from the start of that day (docs/decisions/0049).
    - Revocation is in writing: ``revoked_at`` with the document received.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    discloser = models.CharField(
        "who may disclose",
        max_length=200,
        help_text="The program, or named people in it, permitted to disclose.",
    )
    information = models.TextField(
        "what information",
        help_text='Specific and meaningful, e.g. "attendance and PHQ-9 scores".',
    )
    recipients = models.ManyToManyField(Recipient, blank=True, related_name="consents")
    recipient_description = models.CharField(
        "to whom (TPO class)",
        max_length=300,
        blank=True,
        help_text="For a TPO consent: the class of recipients, in the patient's words.",
    )
    purpose = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)
    expiry_event = models.CharField(max_length=200, blank=True)
    expiry_event_on = models.DateField(
        null=True, blank=True, help_text="The day the expiry event happened."
    )
    expiry_event_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tpo_statements = models.ForeignKey(
        LegalText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version of the TPO statements the patient was shown.",
    )
    signed_on = models.DateField()
    signed_at = models.DateTimeField(
        help_text="From when the consent authorises disclosures."
    )
    signature_kind = models.CharField(max_length=8, choices=SignatureKind.choices)
    signature = models.BinaryField(editable=False)
    signature_content_type = models.CharField(max_length=40)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_received_on = models.DateField(null=True, blank=True)
    revocation_document = models.BinaryField(null=True, blank=True, editable=False)
    revocation_content_type = models.CharField(max_length=40, blank=True)
    revocation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | Q(revocation_received_on__isnull=False),
                name="disclosures_consent_revocation_in_writing",
            ),
            models.CheckConstraint(
                condition=~Q(kind="tpo") | ~Q(recipient_description=""),
                name="disclosures_consent_tpo_names_its_class",
            ),
        ]
        indexes = [models.Index(fields=["patient", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} consent signed {self.signed_on:%d %b %Y}"

    def is_active_at(self, at: datetime) -> bool:
        return (
            self.signed_at <= at
            and (self.expires_at is None or at < self.expires_at)
            and (self.revoked_at is None or at < self.revoked_at)
        )

    def status_at(self, at: datetime) -> str:
        if self.revoked_at is not None and at >= self.revoked_at:
            return "revoked"
        if self.expires_at is not None and at >= self.expires_at:
            return "expired"
        if at < self.signed_at:
            return "not yet in force"
        return "active"


class ConsentScope(models.Model):
    """One content kind a consent covers: the checkable half of ``information``."""

    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="scopes"
    )
    content_kind = models.CharField(max_length=30, choices=ContentKind.choices)

    class Meta:
        ordering = ["content_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "content_kind"], name="disclosures_scope_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_content_kind_display()


class Disclosure(models.Model):
    """One disclosure, written when the document leaves: who, to whom, what, under
    which consent (or the emergency exception and its reason), when, by which channel.
    Kept apart from the read audit (§2.25 accounting); never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="disclosures"
    )
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    to_patient = models.BooleanField(
        default=False, help_text="The patient's own copy (subject-access pack)."
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    emergency_reason = models.TextField(
        blank=True, help_text="Medical emergency (§2.51): the reason, in a sentence."
    )
    content_kinds = models.JSONField(default=list)
    description = models.CharField(max_length=300)
    part2 = models.BooleanField(help_text="The disclosed records included Part 2 ones.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    notice = models.ForeignKey(
        LegalText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    disclosed_by_label = models.CharField(
        max_length=150, blank=True, help_text="An API client or the system."
    )
    disclosed_at = models.DateTimeField()
    document_sha256 = models.CharField(max_length=64, blank=True)
    document = models.BinaryField(
        null=True, blank=True, editable=False, help_text="Exactly what was sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        indexes = [models.Index(fields=["patient", "disclosed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_patient=True) | Q(recipient__isnull=False),
                name="disclosures_disclosure_has_a_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"Disclosure of {self.disclosed_at:%d %b %Y}"

    @property
    def recipient_name(self) -> str:
        return "The patient" if self.to_patient else str(self.recipient)

    def content_labels(self) -> list[str]:
        return [str(ContentKind(kind).label) for kind in self.content_kinds]

    @property
    def emergency(self) -> bool:
        return bool(self.emergency_reason)

    def get_channel_label(self) -> str:
        return str(Channel(self.channel).label)


class PrivateNote(models.Model):
    """A private process note (psychotherapy note, 45 CFR 164.501; SUD counseling note,
    42 CFR 2.11) written beside a session's progress note, which stays the record.

    Its own table, so that nothing that reads the record reaches it: visible only to
    its author and the colleagues the author shares it with (``PrivateNoteShare``),
    never in a supervisor's view, the portal, a report, a FHIR export or a search;
    disclosed only under a counseling-notes consent. Every read is audited.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "ipt.CourseSession", on_delete=models.PROTECT, related_name="private_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"], name="disclosures_private_note_once"
            )
        ]

    def __str__(self) -> str:
        return "Private process note"


class PrivateNoteShare(models.Model):
    """The author let a named colleague read a private note: who, when, by whom."""

    note = models.ForeignKey(
        PrivateNote, on_delete=models.CASCADE, related_name="shares"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "staff"], name="disclosures_private_share_once"
            )
        ]

    def __str__(self) -> str:
        return "Private note shared"


class SubjectAccessPack(models.Model):
    """The patient's own copy of their record (GDPR Art. 15; HIPAA right of access):
    a readable PDF and a machine-readable FHIR R4 Bundle, made by a background job,
    logged as a disclosure to the patient and offered in the portal until
    ``expires_at``. Private notes are never in it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="access_packs"
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the patient asked in the portal.",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    bundle = models.BinaryField(null=True, blank=True, editable=False)
    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="pending"),
                name="disclosures_one_pending_pack",
            )
        ]

    def __str__(self) -> str:
        return f"Subject-access pack of {self.requested_at:%d %b %Y}"

    def available_at(self, at: datetime) -> bool:
        return (
            self.status == self.Status.READY
            and self.expires_at is not None
            and at < self.expires_at
        )


class RetentionClass(models.Model):
    """A class of record and how long it is kept: data an administrator can read and
    change, not code. ``erasable`` says whether a person may erase a due record of
    this class at all; clinical classes are never erased by the software (decision
    0025)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    keep_months = models.PositiveIntegerField()
    counted_from = models.CharField(max_length=120)
    erasable = models.BooleanField(default=False)
    basis = models.CharField(max_length=300, help_text="The rule or guidance followed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RetentionReview(models.Model):
    """One run of the review job: how many records of each class were due."""

    run_at = models.DateTimeField()
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"Retention review of {self.run_at:%d %b %Y}"


class RetentionDue(models.Model):
    """A record of an erasable class whose period has run out, waiting for a person to
    erase it (or not). Holds a reference, never the record's content."""

    review = models.ForeignKey(
        RetentionReview, on_delete=models.CASCADE, related_name="due"
    )
    record_class = models.ForeignKey(
        RetentionClass, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "accounts.Site", on_delete=models.PROTECT, related_name="+"
    )
    object_ref = models.UUIDField()
    due_on = models.DateField()
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.record_class} due {self.due_on:%d %b %Y}"
