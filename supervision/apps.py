from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision: the supervisor's caseload review, supervision notes with their
    actions, and IPT fidelity (the course's structure kept, session checklists)."""

    name = "supervision"
    verbose_name = "Supervision"
