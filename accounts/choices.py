from django.db import models


class Role(models.TextChoices):
    """What a staff member does in the clinic; access follows from it (docs/access.md)."""

    INTAKE = "intake", "Intake coordinator"
    CLINICIAN = "clinician", "Clinician"
    SUPERVISOR = "supervisor", "Supervisor"
    # The service's aggregates only (outcomes, fidelity): no patient, no clinical record.
    CLINICAL_LEAD = "clinical_lead", "Clinical lead"
    ADMINISTRATOR = "administrator", "Administrator"


class CareTeamRole(models.TextChoices):
    PRIMARY = "primary", "Primary clinician"
    CLINICIAN = "clinician", "Clinician"
    PRESCRIBER = "prescriber", "Prescriber"
    OTHER = "other", "Other"


# Roles that may treat patients and so may be put on a care team or break the glass.
CLINICAL_ROLES = frozenset({Role.CLINICIAN, Role.SUPERVISOR})
