from django.db import models


class Source(models.TextChoices):
    """Where an administration's answers came from."""

    CLINICIAN = "clinician", "Clinician"
    PATIENT_PORTAL = "patient_portal", "Patient portal"
    IMPORT = "import", "Import"
    INTAKE_SCREENING = "intake_screening", "Intake screening"


class RiskKind(models.TextChoices):
    """What a critical answer signals; the alerts app routes on it."""

    SUICIDE_RISK = "suicide_risk", "Suicide risk"
    RISK_TAKING = "risk_taking", "Risk-taking"
