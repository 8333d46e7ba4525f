"""Appointments: the slot on a clinician's calendar, the patients at it, their
attendance, the series a contract books, and what the background jobs send.

Times are stored as instants (UTC) with the time zone of the site they were booked in;
pages, messages and calendars show them on that site's clocks.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ipt.choices import Frequency
from scheduling import recurrence
from scheduling.choices import (
    AppointmentKind,
    AppointmentStatus,
    AttendanceOutcome,
    ChangeKind,
    Channel,
    EngagementKind,
    Party,
    Purpose,
)


class AppointmentSeries(models.Model):
    """A regular series booked in one go: a course's contract ("Tuesdays at 18:00,
    weekly, 12 sessions") or a group's meetings. Its appointments are ordinary
    appointments afterwards: each may be moved or cancelled on its own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        max_length=12,
        choices=AppointmentKind.choices,
        default=AppointmentKind.INDIVIDUAL,
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointment_series",
    )
    group = models.ForeignKey(
        "ipt.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment_series",
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    first_date = models.DateField()
    local_time = models.TimeField()
    second_weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField()
    sessions = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64)
    place = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_date", "-id"]
        verbose_name_plural = "appointment series"
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False) | Q(group__isnull=False),
                name="appointment_series_for_course_or_group",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.sessions} sessions, {self.get_frequency_display().lower()}, "
            f"from {self.first_date:%d %b %Y} at {self.local_time:%H:%M}"
        )


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def scheduled(self) -> AppointmentQuerySet:
        return self.filter(status=AppointmentStatus.SCHEDULED)

    def for_clinician(
        self, staff_id: int, group_ids: list[int] | None = None
    ) -> AppointmentQuerySet:
        """The clinician's own appointments and those of groups they facilitate
        (``group_ids``, when already read: ``facilitated_group_ids``)."""
        from ipt.models import Group

        # The groups are read first: most clinicians facilitate none, and then the
        # calendar is their own appointments alone. As a subquery, PostgreSQL merged
        # the group ids with the index on ``group_id`` (nulls included), reading every
        # appointment of the service on a day without group sessions: 28 ms at 20,000
        # patients (decisions/0064). The own arm and the group arm stay two id sets,
        # UNIONed, each from this queryset so that a time window given first
        # (``between``) narrows both through their indexes (decisions/0031).
        if group_ids is None:
            group_ids = list(
                Group.objects.filter(facilitators=staff_id)
                .order_by()
                .values_list("pk", flat=True)
            )
        own = self.filter(clinician_id=staff_id)
        if not group_ids:
            return own
        groups = self.filter(group_id__in=group_ids).order_by().values("id")
        return self.filter(pk__in=own.order_by().values("id").union(groups))

    def between(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Appointment(models.Model):
    """A session on a clinician's calendar: when, how long, where (a place or a video
    link), with whom (``attendees``: one patient, or each member of a group)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        max_length=12,
        choices=AppointmentKind.choices,
        default=AppointmentKind.INDIVIDUAL,
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    group = models.ForeignKey(
        "ipt.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    place = models.CharField(
        max_length=200,
        blank=True,
        help_text="Sent to the patient in reminders: no clinical words.",
    )
    video_link = models.URLField(max_length=300, blank=True)
    status = models.CharField(
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.SCHEDULED,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(
                fields=["clinician", "starts_at"], name="appointment_clinician_start"
            ),
            models.Index(
                fields=["status", "starts_at"], name="appointment_status_start"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(kind="group", group__isnull=False)
                | (~Q(kind="group") & Q(group__isnull=True)),
                name="appointment_group_when_group_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.local_starts_at:%a %d %b %Y %H:%M}"

    @property
    def local_starts_at(self) -> datetime:
        return recurrence.local(self.starts_at, self.time_zone)

    @property
    def local_ends_at(self) -> datetime:
        return recurrence.local(self.ends_at, self.time_zone)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def duration_minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)

    @property
    def slot(self) -> recurrence.Slot:
        return recurrence.Slot(self.starts_at, self.ends_at)

    @property
    def is_cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_group(self) -> bool:
        return self.kind == AppointmentKind.GROUP

    @property
    def where(self) -> str:
        if self.place and self.video_link:
            return f"{self.place} or by video"
        return self.place or ("By video" if self.video_link else "")


class Attendee(models.Model):
    """A patient at an appointment, through their course when they have one, and what
    happened: attended, late cancellation or did not attend (empty until recorded).
    Recording it counts the session on the course (``course_session``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="attendees"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="attendances"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendees",
    )
    attendance = models.CharField(
        max_length=20, choices=AttendanceOutcome.choices, blank=True
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    course_session = models.OneToOneField(
        "ipt.CourseSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendee",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["appointment__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "patient"], name="attendee_once_per_appointment"
            ),
            models.CheckConstraint(
                condition=Q(attendance="", attendance_recorded_at__isnull=True)
                | (~Q(attendance="") & Q(attendance_recorded_at__isnull=False)),
                name="attendee_recorded_when_attendance",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "attendance"], name="attendee_patient_open")
        ]

    def __str__(self) -> str:
        return f"Attendee ({self.get_attendance_display() or 'not recorded'})"

    @property
    def is_recorded(self) -> bool:
        return bool(self.attendance)


class AppointmentChange(models.Model):
    """A move or a cancellation: who asked (patient or clinic) and why. The reason is
    kept here; the audit trail records only that it was given."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    requested_by = models.CharField(max_length=10, choices=Party.choices)
    reason = models.TextField()
    previous_starts_at = models.DateTimeField()
    new_starts_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.get_requested_by_display().lower()}'s request"


class EngagementEvent(models.Model):
    """An engagement signal, recorded when attendance is taken, for the alerts app to
    turn into an alert: ``missed_in_a_row`` did-not-attends in a row (2 or more) on the
    patient's course (or, without a course, their appointments). Never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=EngagementKind.choices)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="engagement_events"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="engagement_events",
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="engagement_events"
    )
    missed_in_a_row = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "patient", "appointment"],
                name="engagement_event_once",
            )
        ]
        indexes = [
            models.Index(fields=["patient", "created_at"], name="engagement_patient")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.missed_in_a_row})"


class SentMessage(models.Model):
    """A message to a patient, written *before* it is sent and in the same transaction:
    ``key`` is unique, so a retried or duplicated job finds the row and sends nothing
    twice; a failed send rolls the row back so that a retry may send it."""

    key = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="sent_messages"
    )
    attendee = models.ForeignKey(
        Attendee, on_delete=models.CASCADE, related_name="sent_messages"
    )
    appointment_starts_at = models.DateTimeField()
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    instruments = models.JSONField(
        default=list,
        blank=True,
        help_text="Invitations: the instrument ids the patient is asked to complete.",
    )
    sent_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(
                fields=["attendee", "purpose", "channel"], name="sent_message_attendee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} by {self.get_channel_display().lower()}"


class CalendarFeed(models.Model):
    """A clinician's private calendar subscription. The URL carries a secret token;
    only its SHA-256 digest is stored. Revoked feeds answer 404; a clinician has at
    most one live feed (making a new one revokes the old)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_staff",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"Calendar feed of {self.staff} ({state})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
