from django.db import models


class AppointmentKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual session"
    GROUP = "group", "Group session"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Party(models.TextChoices):
    """Who asked for a move or a cancellation."""

    PATIENT = "patient", "The patient"
    CLINIC = "clinic", "The clinic"


class AttendanceOutcome(models.TextChoices):
    """What happened at a session; empty until it is recorded."""

    ATTENDED = "attended", "Attended"
    LATE_CANCELLATION = "late_cancellation", "Late cancellation"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


# What an unplanned session (booked as it is recorded) may be: a late cancellation is of
# a booking made ahead.
UNPLANNED_OUTCOMES = (AttendanceOutcome.ATTENDED, AttendanceOutcome.DID_NOT_ATTEND)


class ChangeKind(models.TextChoices):
    MOVED = "moved", "Moved"
    CANCELLED = "cancelled", "Cancelled"


class EngagementKind(models.TextChoices):
    """Engagement signals the alerts app reads (docs/scheduling.md)."""

    MISSED_IN_A_ROW = "missed_in_a_row", "Did not attend twice or more in a row"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class Purpose(models.TextChoices):
    REMINDER = "reminder", "Appointment reminder"
    INVITATION = "invitation", "Questionnaire invitation"
