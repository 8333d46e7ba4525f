"""The recovery app's choices."""

from django.db import models


class UseSource(models.TextChoices):
    TLFB = "tlfb", "Calendar before treatment (Timeline Followback)"
    SESSION = "session", "At a session"
    DIARY = "diary", "Patient's diary"


class Specimen(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral_fluid", "Oral fluid"
    BREATH = "breath", "Breath"


class TestResult(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NOT_TESTED = "not_tested", "Not tested"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a clinician"
    CONFIRMED = "confirmed", "Confirmed: the sobriety date moved"
    DISMISSED = "dismissed", "Not confirmed"


class MedicationGroup(models.TextChoices):
    SUBSTANCE_USE = "substance_use", "For substance use"
    CO_OCCURRING = "co_occurring", "For a co-occurring disorder"


class Adherence(models.TextChoices):
    AS_PRESCRIBED = "as_prescribed", "Taken as prescribed"
    SOME_MISSED = "some_missed", "Some doses missed"
    STOPPED = "stopped", "Stopped taking it"
    NOT_ASKED = "not_asked", "Not discussed"


class ContactMode(models.TextChoices):
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    MESSAGE = "message", "Letter or message"
