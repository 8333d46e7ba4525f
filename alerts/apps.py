from typing import Any

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Risk, relapse, engagement and not-on-track alerts: raised once per source event,
    listed in each clinician's inbox by urgency, acknowledged with the action taken, and
    escalated to the team's supervisor when an urgent one waits too long."""

    name = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from accounts.models import BreakGlassAccess, Staff
        from alerts.counter import INBOX
        from alerts.models import Alert
        from patients.models import CareTeamMember, Patient

        # What an inbox counts: the alerts, and who may see which patient (care teams,
        # a supervisor's teams, break-the-glass, a patient's team, a person's role).
        for model in (Alert, CareTeamMember, BreakGlassAccess, Patient):
            post_save.connect(INBOX.move, sender=model, dispatch_uid=f"inbox-{model}")
            post_delete.connect(
                INBOX.move, sender=model, dispatch_uid=f"inbox-del-{model}"
            )
        post_save.connect(_staff_saved, sender=Staff, dispatch_uid="inbox-staff")
        m2m_changed.connect(
            INBOX.move, sender=Staff.teams.through, dispatch_uid="inbox-teams"
        )


def _staff_saved(update_fields: Any = None, **signal: Any) -> None:
    from alerts.counter import INBOX

    # Signing in writes only ``last_login``: that changes no one's inbox.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    INBOX.move()
