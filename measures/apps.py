from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Rating scales: instrument definitions and scoring (pure Python), administrations."""

    name = "measures"
    verbose_name = "Rating scales"
