from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Risk, relapse, engagement and not-on-track alerts: raised once per source event,
    listed in each clinician's inbox by urgency, acknowledged with the action taken, and
    escalated to the team's supervisor when an urgent one waits too long."""

    name = "alerts"
    verbose_name = "Alerts"
