from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Documents made from patient data: the course report (progress or end of
    treatment) as a PDF, drawn by WeasyPrint from a Django template."""

    name = "reports"
    verbose_name = "Reports"
