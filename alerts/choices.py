from django.db import models


class AlertKind(models.TextChoices):
    RISK = "risk", "Risk"
    RELAPSE = "relapse", "Relapse"
    ENGAGEMENT = "engagement", "Engagement"
    NOT_ON_TRACK = "not_on_track", "Not on track"


class Urgency(models.IntegerChoices):
    """How soon someone must act; the inbox sorts on it (highest first). Only urgent
    alerts escalate (``IPTCARE_ALERT_ESCALATE_AFTER_MINUTES``)."""

    ROUTINE = 1, "Routine: review before the next session"
    SAME_DAY = 2, "Same day"
    URGENT = 3, "Urgent: act now"


class SourceType(models.TextChoices):
    """Where the event an alert was raised from is recorded."""

    RISK_EVENT = "risk_event", "Risk answer on a questionnaire"
    ENGAGEMENT_EVENT = "engagement_event", "Attendance"
    DIARY_ENTRY = "diary_entry", "Diary"
    DRUG_TEST = "drug_test", "Drug or alcohol test"
    PORTAL_ANSWER = "portal_answer", "Risk answer in the portal, not yet sent"
    COURSE = "course", "Course"


class ActionTaken(models.TextChoices):
    """What the clinician did: acknowledging an alert needs one."""

    SAFETY_PLAN_REVIEWED = (
        "safety_plan_reviewed",
        "Reviewed the safety plan with the patient",
    )
    CALLED_PATIENT = "called_patient", "Called the patient"
    RISK_ASSESSMENT = "risk_assessment", "Completed a risk assessment"
    CRISIS_REFERRAL = "crisis_referral", "Referred to crisis or emergency services"
    DISCUSSED_IN_SESSION = (
        "discussed_in_session",
        "Discussed with the patient in session",
    )
    REVIEWED_PLAN = "reviewed_plan", "Reviewed the treatment plan"
    DISCUSSED_SUPERVISION = "discussed_supervision", "Discussed in supervision"
    OTHER = "other", "Other (say what)"
