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


# Roles that may treat patients and so may be put on a care team or break the glass:
# the one place that says which roles have clinical access. Giving a role in this set
# to anyone (or a site or team with it) needs a second person's approval
# (accounts/services.py, docs/access.md); a new role that reads clinical content goes
# here, one that sees aggregates only does not.
CLINICAL_ROLES = frozenset({Role.CLINICIAN, Role.SUPERVISOR})


class AccessChangeStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
