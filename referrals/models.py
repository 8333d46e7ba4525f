"""Requests for help, from the public callback form to their outcome.

A ``Referral`` is one callback request: what the person typed on the public form, then
what intake learns and decides. Everything in it is patient data (a request names a
person and how to reach them), so it has a ``public_id`` for URLs and every read and
write is audited (category ``referral``).
"""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referrals.choices import (
    QUEUE_STATUSES,
    AttemptOutcome,
    CallTime,
    RequestFor,
    Status,
)


class Referral(models.Model):
    """A callback request and its way through intake.

    The first block of fields is the public form's, kept as the person typed it. The
    ``given_name``/``family_name``/``date_of_birth``/``patient_phone``/``patient_email``
    block describes the person to be treated, confirmed on the telephone (for a
    request made by someone who cares about them, the contact details differ). The
    rest is intake's: status, urgency, the contact target, and the outcome.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        "accounts.Site", on_delete=models.PROTECT, related_name="referrals"
    )
    # --- As typed on the public form
    request_for = models.CharField(max_length=20, choices=RequestFor.choices)
    name = models.CharField("name", max_length=120)
    about_name = models.CharField(
        "the name of the person it is about", max_length=120, blank=True
    )
    phone = models.CharField(max_length=32, blank=True)
    phone_digits = models.CharField(
        max_length=10, blank=True, help_text="The last ten digits, for matching."
    )
    email = models.EmailField(blank=True)
    call_times = models.JSONField(default=list, blank=True)
    """``CallTime`` values; empty means any time."""
    may_leave_voicemail = models.BooleanField(default=False)
    may_text = models.BooleanField(default=False)
    consented_at = models.DateTimeField()
    message = models.TextField(blank=True)
    # --- The person to be treated, as confirmed by intake
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    patient_phone = models.CharField("telephone", max_length=32, blank=True)
    patient_email = models.EmailField("e-mail", blank=True)
    # --- Intake's work
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    contact_due_on = models.DateField(
        help_text="The last day on which the first contact is in time."
    )
    first_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The first call: this meets the contact target.",
    )
    first_contact_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The first call in which someone spoke to them.",
    )
    urgent_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a screening answer signalled risk; urgent requests lead the queue.",
    )
    unreachable_since = models.DateTimeField(null=True, blank=True)
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the acknowledgement e-mail was sent."
    )
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="The patient record: linked as a duplicate, or made on acceptance.",
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # --- Outcome
    program = models.ForeignKey(
        "ipt.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_assigned",
    )
    course = models.ForeignKey(
        "ipt.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The first session, booked on the clinician's calendar at acceptance "
        "or from the waiting list (none on requests booked before intake booked "
        "through scheduling).",
    )
    first_appointment_at = models.DateTimeField(
        "first appointment",
        null=True,
        blank=True,
        help_text="When the first session was booked for, as booked (the appointment "
        "itself may move later). Until attendance is recorded on the course, the "
        "waiting-time report counts treatment as started on this day.",
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    priority_reason = models.TextField(
        blank=True, help_text="Set: this person moves ahead on the waiting list."
    )
    priority_set_at = models.DateTimeField(null=True, blank=True)
    priority_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    risk_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinician told at once of a risk answer given at screening: "
        "the site's duty clinician (a supervisor when nobody is on duty).",
    )
    risk_notified_at = models.DateTimeField(null=True, blank=True)
    risk_escalated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The risk answer was still open before acceptance after "
        "IPTCARE_ALERT_ESCALATE_AFTER_MINUTES: the site's supervisors were told.",
    )
    referred_to = models.CharField(max_length=200, blank=True)
    outcome_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["site", "status", "created_at"], name="referral_queue"
            ),
            models.Index(fields=["phone_digits"], name="referral_phone_digits"),
            models.Index(fields=["email"], name="referral_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="", email=""), name="referral_has_a_contact"
            ),
            models.CheckConstraint(
                condition=~Q(status="booked")
                | Q(first_appointment_at__isnull=False, patient__isnull=False),
                name="referral_booked_has_appointment",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting")
                | Q(accepted_at__isnull=False, patient__isnull=False),
                name="referral_waiting_is_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {str(self.public_id)[:8]} ({self.get_status_display()})"

    @property
    def in_queue(self) -> bool:
        return self.status in QUEUE_STATUSES

    @property
    def is_urgent(self) -> bool:
        return self.urgent_since is not None

    @property
    def is_prioritised(self) -> bool:
        return bool(self.priority_reason)

    @property
    def site_zone(self) -> ZoneInfo:
        return ZoneInfo(self.site.time_zone)

    def is_overdue(self, today: date) -> bool:
        """Not called at all, and the contact target's last day has passed."""
        return self.first_attempt_at is None and today > self.contact_due_on

    @property
    def call_time_labels(self) -> list[str]:
        labels = dict(CallTime.choices)
        return [str(labels[value]) for value in self.call_times if value in labels]

    @property
    def person_name(self) -> str:
        """The name of the person to be treated, as well as intake knows it."""
        if self.given_name or self.family_name:
            return f"{self.given_name} {self.family_name}".strip()
        if self.request_for == RequestFor.SELF:
            return self.name
        return self.about_name or "(not yet known)"

    @property
    def has_person_details(self) -> bool:
        return bool(self.given_name and self.family_name and self.date_of_birth)


class ContactAttempt(models.Model):
    """One telephone call to the person who asked for a callback, and what happened."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="attempts"
    )
    attempted_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.attempted_at:%Y-%m-%d %H:%M}"

    @property
    def failed(self) -> bool:
        return self.outcome != AttemptOutcome.SPOKE


class ScreeningAdministration(models.Model):
    """A rating scale given during the screening call, before a patient record exists:
    the link from the request to the measures app's ``Administration``."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="screenings"
    )
    administration = models.OneToOneField(
        "measures.Administration",
        on_delete=models.PROTECT,
        related_name="screening",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Screening {self.administration.instrument_id}"


class PriorityChange(models.Model):
    """A priority override on the waiting list, given or taken away, with its reason:
    the history behind ``Referral.priority_reason``."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="priority_changes"
    )
    prioritised = models.BooleanField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{'Prioritised' if self.prioritised else 'Priority removed'} {self.created_at:%Y-%m-%d}"
