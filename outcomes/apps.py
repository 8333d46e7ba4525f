from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcome statistics (pure Python), expected trajectories fitted from the service's
    own finished courses, not-on-track status and the progress chart."""

    name = "outcomes"
    verbose_name = "Outcomes"
