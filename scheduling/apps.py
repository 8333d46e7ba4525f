from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Appointments and their series, attendance, group sessions, calendar feeds, and the
    background jobs that send reminders and questionnaire invitations."""

    name = "scheduling"
    verbose_name = "Scheduling"
