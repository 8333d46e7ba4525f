"""The patient portal's records: sign-in links, questionnaires in progress, the daily
diary and homework. Everything belongs to one patient and is reached only through
that patient's portal session (``portal.session``) or, for staff, through
``accounts.access``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.choices import HomeworkStatus, LinkChannel


class PortalLink(models.Model):
    """A single-use sign-in link. Only the token's digest is kept; the token itself is
    in the message or QR code and nowhere else. Used once (``used_at``), or spent by
    too many wrong dates of birth (``revoked_at``), or expired: then it opens nothing."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="portal_links"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=12, choices=LinkChannel.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"Portal link ({self.get_channel_display()})"

    def is_usable(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > moment  # type: ignore[operator]
        )


class QuestionnaireResponse(models.Model):
    """One questionnaire a patient is answering in the portal, saved after every
    answer so it can be resumed. Submitting it stores one ``measures.Administration``
    (``administration``) — once, however often the submit arrives: the row is locked
    and a submitted response only answers with what it stored.

    ``due_key`` names the occasion in the program's schedule ("session-5", "intake",
    "end", "follow-up-3"): one response per patient, questionnaire and occasion."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="portal_responses"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_responses",
    )
    instrument_id = models.CharField(max_length=32)
    due_key = models.CharField(max_length=32)
    language = models.CharField(max_length=10, default="en")
    answers = models.JSONField(default=list, blank=True)
    extra_answers = models.JSONField(default=list, blank=True)
    risk_shown_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a critical answer first showed the crisis resources.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    administration = models.OneToOneField(
        "measures.Administration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_response",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument_id", "due_key"],
                name="portal_response_once_per_occasion",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | Q(administration__isnull=False),
                name="portal_response_submitted_has_administration",
            ),
        ]

    def __str__(self) -> str:
        return f"Questionnaire {self.instrument_id} ({self.due_key})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class DiaryEntry(models.Model):
    """One day of the mood-and-relationships diary: one row per patient and day,
    changed in place while the day lasts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="diary_entries"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diary_entries",
    )
    day = models.DateField()
    mood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    craving = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    used = models.BooleanField(default=False)
    used_what = models.CharField(max_length=120, blank=True)
    used_how_much = models.CharField(max_length=120, blank=True)
    self_harm = models.BooleanField(default=False)
    person = models.ForeignKey(
        "ipt.InventoryPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diary_moments",
    )
    person_new = models.CharField(max_length=80, blank=True)
    what_happened = models.TextField(blank=True)
    how_it_felt = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "diary entries"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "day"], name="portal_diary_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(mood__gte=0, mood__lte=10)
                & Q(craving__gte=0, craving__lte=10),
                name="portal_diary_scales_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Diary {self.day:%Y-%m-%d}"

    @property
    def who(self) -> str:
        if self.person_id is not None and self.person is not None:
            return self.person.name
        return self.person_new

    @property
    def has_moment(self) -> bool:
        return bool(self.who or self.what_happened.strip())


class Homework(models.Model):
    """Work between sessions: from a template tied to the problem areas
    (``portal.homework_templates``) or written by the clinician. The patient answers
    it in the portal; the clinician marks it talked about in the next session."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="homework"
    )
    course = models.ForeignKey(
        "ipt.Course", on_delete=models.CASCADE, related_name="homework"
    )
    template = models.CharField(max_length=32, blank=True)
    title = models.CharField(max_length=120, blank=True)
    instructions = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=HomeworkStatus.choices, default=HomeworkStatus.SET
    )
    answers = models.JSONField(default=list, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "homework"
        constraints = [
            models.CheckConstraint(
                condition=~Q(template="") | ~Q(title=""),
                name="portal_homework_template_or_title",
            ),
        ]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.title or self.template
