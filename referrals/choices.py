from django.db import models


class RequestFor(models.TextChoices):
    """Who the callback request is about."""

    SELF = "self", "For myself"
    SOMEONE_ELSE = "someone_else", "For someone I care about"


class CallTime(models.TextChoices):
    """When the person would like to be called (site's local time)."""

    MORNING = "morning", "Mornings (9am–12pm)"
    AFTERNOON = "afternoon", "Afternoons (12pm–5pm)"
    EVENING = "evening", "Early evenings (5pm–7pm)"


class Status(models.TextChoices):
    """Where a request is on its way from the public form to a first session.

    In the intake queue: ``new``, ``in_contact``, ``unreachable``. On the waiting list:
    ``waiting``. Closed: the rest.
    """

    NEW = "new", "New"
    IN_CONTACT = "in_contact", "In contact"
    UNREACHABLE = "unreachable", "Unreachable"
    WAITING = "waiting", "On the waiting list"
    BOOKED = "booked", "Booked"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DUPLICATE = "duplicate", "Merged as a duplicate"


QUEUE_STATUSES = (Status.NEW, Status.IN_CONTACT, Status.UNREACHABLE)
OPEN_STATUSES = (*QUEUE_STATUSES, Status.WAITING)
CLOSED_STATUSES = (
    Status.BOOKED,
    Status.REFERRED_ELSEWHERE,
    Status.DECLINED,
    Status.WITHDRAWN,
    Status.DUPLICATE,
)


class AttemptOutcome(models.TextChoices):
    """What happened when the coordinator called."""

    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Voicemail left"
    SPOKE = "spoke", "Spoke to them"
    WRONG_NUMBER = "wrong_number", "Wrong number"


FAILED_OUTCOMES = (
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.VOICEMAIL,
    AttemptOutcome.WRONG_NUMBER,
)


class Closure(models.TextChoices):
    """The outcomes that close a request without acceptance."""

    REFERRED_ELSEWHERE = "referred_elsewhere", "Refer elsewhere"
    DECLINED = "declined", "Decline"
    WITHDRAWN = "withdrawn", "Withdrawn (the person no longer wants help from us)"


class NextStep(models.TextChoices):
    """After acceptance: a clinician now, or the waiting list."""

    BOOK = "book", "Assign a clinician and book the first appointment"
    WAIT = "wait", "Place on the waiting list"
