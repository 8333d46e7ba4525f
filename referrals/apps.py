from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Intake: the public callback form, the intake queue, screening, the waiting list."""

    name = "referrals"
    verbose_name = "Intake"
