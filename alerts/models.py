"""Alerts: one row per source event that needs a clinician, from raising to
acknowledgement (with the action taken) or escalation to the supervisor."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accounts.choices import Role
from alerts.choices import ActionTaken, AlertKind, SourceType, Urgency


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def by_urgency(self) -> AlertQuerySet:
        """Most urgent first; within one urgency, escalated first, then the oldest."""
        return self.order_by(
            "-urgency",
            models.F("escalated_at").asc(nulls_last=True),
            "created_at",
            "id",
        )


class Alert(models.Model):
    """Something a clinician must look at: a risk answer, a relapse, missed sessions or
    questionnaires, a course not on track.

    Raised by ``alerts.services.alert_raise`` exactly once per source event: the pair
    (``source_type``, ``source_key``) is unique, so a job that runs twice, or two jobs
    at once, cannot raise it twice. ``reason`` says what fired and why, in words that
    never name the patient (inboxes, lists, e-mail subjects are built from it). An alert
    is closed by acknowledging it with the action taken; an urgent alert left open too
    long is escalated to a supervisor of the patient's team.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="alerts"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    rule = models.CharField(
        max_length=64, help_text="The rule that fired, e.g. phq9_item9."
    )
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices)
    source_type = models.CharField(max_length=20, choices=SourceType.choices)
    source_key = models.CharField(
        max_length=100,
        help_text="The source event's id (with the rule where one event fires several).",
    )
    reason = models.TextField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action_taken = models.CharField(
        max_length=24, choices=ActionTaken.choices, blank=True
    )
    action_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts_escalated_to",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-urgency", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_key"], name="alert_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, action_taken="")
                | (Q(acknowledged_at__isnull=False) & ~Q(action_taken="")),
                name="alert_acknowledged_with_action",
            ),
            models.CheckConstraint(
                condition=~Q(action_taken="other") | ~Q(action_note=""),
                name="alert_other_action_described",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient", "acknowledged_at"], name="alert_patient_open"
            ),
            models.Index(
                fields=["urgency", "acknowledged_at", "escalated_at", "created_at"],
                name="alert_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} alert ({self.rule})"

    def clean(self) -> None:
        if self.acknowledged_at is not None and not self.action_taken:
            raise ValidationError({"action_taken": "Say what was done."})
        if self.action_taken == ActionTaken.OTHER and not self.action_note.strip():
            raise ValidationError({"action_note": "Describe what was done."})

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def urgency_word(self) -> str:
        return {
            Urgency.URGENT: "urgent",
            Urgency.SAME_DAY: "same day",
            Urgency.ROUTINE: "routine",
        }.get(Urgency(self.urgency), "")

    @property
    def action_label(self) -> str:
        if self.action_taken == ActionTaken.OTHER:
            return self.action_note
        return self.get_action_taken_display() if self.action_taken else ""


class DutyShift(models.Model):
    """The site's duty clinician for a stretch of time, on the rota the service sets
    (Django's admin site). A risk answer for someone with no clinician yet — screened at
    intake, waiting for a course — goes to the clinician on duty at once: they are named
    on the request or added to the care team, and e-mailed (docs/alerts.md)."""

    site = models.ForeignKey(
        "accounts.Site", on_delete=models.CASCADE, related_name="duty_shifts"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        limit_choices_to={
            "role__in": [Role.CLINICIAN, Role.SUPERVISOR],
            "is_active": True,
        },
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="duty_shift_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "starts_at", "ends_at"], name="duty_on_at")
        ]

    def __str__(self) -> str:
        return f"{self.clinician} on duty at {self.site}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The shift must end after it starts."})
        clinician = getattr(self, "clinician", None)
        site = getattr(self, "site", None)
        if clinician is not None and site is not None:
            if clinician.role not in {Role.CLINICIAN, Role.SUPERVISOR}:
                raise ValidationError(
                    {"clinician": "Only a clinician or supervisor can be on duty."}
                )
            if not clinician.teams.filter(site=site).exists() and (
                clinician.site_id != site.pk
            ):
                raise ValidationError(
                    {"clinician": "Choose someone who works at this site."}
                )
