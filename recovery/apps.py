from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    """Recovery: substance use (days of use, Timeline Followback), drug and alcohol
    tests, sobriety dates, medication-assisted treatment, collateral contacts and the
    level of care."""

    name = "recovery"
    verbose_name = "Recovery"
