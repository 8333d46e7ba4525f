"""The IPT app's choices. Values shared with the pure modules (``ipt.phases``,
``ipt.suggestion``) are the same strings; ``test_choices`` keeps them in step."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    INITIAL = "initial", "Initial phase"
    MIDDLE = "middle", "Middle phase"
    TERMINATION = "termination", "Termination phase"
    ENDED = "ended", "Ended"


class Outcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    DROPPED_OUT = "dropped_out", "Dropped out"
    STEPPED_UP = "stepped_up", "Stepped up to more intensive care"
    TRANSFERRED = "transferred", "Transferred"


class Delivery(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    TWICE_WEEKLY = "twice_weekly", "Twice a week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class MeasureTiming(models.TextChoices):
    INTAKE = "intake", "At intake"
    BEFORE_SESSION = "before_session", "Before sessions"
    END = "end", "At the end"
    FOLLOW_UP = "follow_up", "At follow-up"


class ProblemArea(models.TextChoices):
    GRIEF = "grief", "Grief"
    DISPUTES = "disputes", "Interpersonal (role) dispute"
    TRANSITIONS = "transitions", "Role transition"
    DEFICITS = "deficits", "Interpersonal deficits"


class DisputeStage(models.TextChoices):
    RENEGOTIATION = "renegotiation", "Renegotiation"
    IMPASSE = "impasse", "Impasse"
    DISSOLUTION = "dissolution", "Dissolution"


class Relationship(models.TextChoices):
    PARTNER = "partner", _("Partner or spouse")
    EX_PARTNER = "ex_partner", _("Former partner")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Brother or sister")
    FAMILY = "family", _("Other family")
    FRIEND = "friend", _("Friend")
    COLLEAGUE = "colleague", _("Colleague or manager")
    NEIGHBOUR = "neighbour", _("Neighbour")
    RECOVERY_PEER = "recovery_peer", _("Sponsor or recovery peer")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Other")


class ContactFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    RARELY = "rarely", _("A few times a year or less")
    NONE = "none", _("No contact")


class Quality(models.TextChoices):
    GOOD = "good", _("Mostly good")
    MIXED = "mixed", _("Mixed")
    DIFFICULT = "difficult", _("Mostly difficult")


class ExpectationsMet(models.TextChoices):
    YES = "yes", "Met"
    PARTLY = "partly", "Partly met"
    NO = "no", "Not met"
    UNKNOWN = "unknown", "Not discussed yet"


class TimelineCategory(models.TextChoices):
    LIFE_EVENT = "life_event", "Life event"
    SYMPTOMS = "symptoms", "Symptom episode"
    SUBSTANCE_USE = "substance_use", "Substance use"


class EventKind(models.TextChoices):
    LOSS = "loss", "Death or loss"
    CONFLICT = "conflict", "Conflict"
    LIFE_CHANGE = "life_change", "Life change"
    ISOLATION = "isolation", "Isolation"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact date"
    MONTH = "month", "Month known"
    YEAR = "year", "Year known"
    APPROXIMATE = "approximate", "Approximate"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    MISSED = "missed", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class RiskLevel(models.TextChoices):
    NONE = "none", "No current risk identified"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High: acted on (see the risk notes)"


class TerminationDecision(models.TextChoices):
    END = "end", "End treatment"
    EXTEND = "extend", "Extend the course (with a reason)"
    MAINTENANCE = "maintenance", "Continue with maintenance IPT"
    STEP_UP = "step_up", "Step up care"
