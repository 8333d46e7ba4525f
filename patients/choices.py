from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    OTHER = "other", "Other (see note)"


class DiagnosisRank(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class TreatmentKind(models.TextChoices):
    CBT = "cbt", "CBT"
    DBT = "dbt", "DBT"
    GROUP = "group", "Group therapy"
    MEDICATION = "medication", "Medication"
    OTHER = "other", "Other"
