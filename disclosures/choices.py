"""The closed vocabularies of consent and disclosure (docs/decisions/0022)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentKind(models.TextChoices):
    """What a disclosure carries. A consent names the kinds it covers; an export or an
    API response names the kinds it sends. FHIR resource types map onto these
    (``rules.content_kind_for_fhir``)."""

    DEMOGRAPHICS = "demographics", _("Identity and contact details")
    COURSE_SUMMARY = "course_summary", _("Course summary")
    ATTENDANCE = "attendance", _("Attendance")
    SCORES = "scores", _("Rating-scale scores")
    DIAGNOSES = "diagnoses", _("Diagnoses")
    PROGRESS_NOTES = "progress_notes", _("Session progress notes")
    END_OF_TREATMENT_REPORT = "end_of_treatment_report", _("End-of-treatment report")
    LETTER = "letter", _("Letter")
    COUNSELING_NOTES = "counseling_notes", _("SUD counseling / psychotherapy notes")


class ConsentKind(models.TextChoices):
    TPO = "tpo", "Treatment, payment and health care operations (TPO)"
    SPECIFIC = "specific", "A specific disclosure"
    COUNSELING_NOTES = "counseling_notes", "SUD counseling notes"
    RESEARCH = "research", "Research"


class RecipientKind(models.TextChoices):
    """Who a recipient is. The first four are the class a single TPO consent may name
    (§2.31(a)(4)(i))."""

    TREATING_PROVIDER = "treating_provider", "Treating provider"
    HEALTH_PLAN = "health_plan", "Health plan"
    PAYER = "payer", "Third-party payer"
    PROGRAM_OPERATIONS = "program_operations", "Helping to operate this program"
    COURT = "court", "Court or court-ordered program"
    EMPLOYER = "employer", "Employer"
    RESEARCHER = "researcher", "Researcher"
    FAMILY = "family", "Family member or supporter"
    OTHER = "other", "Other"


TPO_RECIPIENT_KINDS = frozenset(
    {
        RecipientKind.TREATING_PROVIDER,
        RecipientKind.HEALTH_PLAN,
        RecipientKind.PAYER,
        RecipientKind.PROGRAM_OPERATIONS,
    }
)


class SignatureKind(models.TextChoices):
    DRAWN = "drawn", "Signed on screen"
    SCAN = "scan", "Scan of the signed paper form"


class Channel(models.TextChoices):
    """How a disclosure left the program."""

    PDF = "pdf", _("PDF document")
    CSV = "csv", _("CSV file")
    FHIR = "fhir", _("FHIR bundle")
    API = "api", _("FHIR API")
    PORTAL = "portal", _("Patient portal")
    PAPER = "paper", _("Paper")
    # A contact with a supporter (recovery): what was shared, said or written.
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Letter or message")


class LegalTextKey(models.TextChoices):
    PART2_NOTICE = "part2_notice", "§2.32 notice to accompany disclosure"
    TPO_STATEMENTS = "tpo_statements", "§2.31 statements of a TPO consent"


class LegalTextStatus(models.TextChoices):
    """Whether the stored wording was checked word for word against the official text."""

    VERBATIM = "verbatim", "Verbatim from the official text"
    INCOMPLETE = "incomplete", "Incomplete: not verified against the official text"
