"""Alert jobs (Huey). Periodic ones scan the sources and escalate; each takes no
patient data and calls one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alerts import services


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def alerts_raise_from_events() -> int:
    """Every minute: risk answers and engagement events without an alert yet."""
    return services.alerts_from_risk_events() + services.alerts_from_engagement_events()


@db_task()  # type: ignore[untyped-decorator]
def alerts_raise_for_new_risk() -> int:
    """Queued after a risk answer is committed, so its alert exists at once; the
    every-minute scan stays as the safety net if the queue was down."""
    return services.alerts_from_risk_events()


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def alerts_escalate() -> int:
    """Every five minutes: urgent alerts left unacknowledged too long go to the
    team's supervisor."""
    return services.alerts_escalate_overdue() + services.intake_risks_escalate_overdue()


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def intake_risk_notify(referral_id: int) -> int:
    """Queued when a screening with a risk answer commits: the duty clinician is told
    at once, before the person has a record."""
    return services.intake_risk_notify(referral_id=referral_id)


@db_periodic_task(crontab(minute="20", hour="*"))  # type: ignore[untyped-decorator]
def alerts_missing_questionnaires() -> int:
    """Hourly: questionnaires missing for three sessions in a row."""
    return services.alerts_for_missing_questionnaires()


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def alert_notify(alert_id: int, event: str) -> int:
    return services.alert_notify(alert_id=alert_id, event=event)
