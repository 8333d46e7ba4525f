from django.apps import AppConfig


class PatientsConfig(AppConfig):
    """The patient record: identity, contact, diagnoses, concurrent treatments, care team."""

    name = "patients"
    verbose_name = "Patients"
