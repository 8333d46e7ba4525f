"""Background jobs (Huey): they take ids and call one service each.

``dispatch_messages`` runs every five minutes on the worker (``iptcare run_huey``) and
enqueues one ``send_reminder`` or ``send_invitation`` per message due. Those are
idempotent (``scheduling.services.reminder_send``): a retry, a duplicate enqueue or two
workers racing send each message once.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from scheduling import services
from scheduling.choices import Purpose


@db_task(retries=3, retry_delay=120)  # type: ignore[untyped-decorator]
def send_reminder(attendee_id: int, channel: str) -> bool:
    return services.reminder_send(attendee_id=attendee_id, channel=channel)


@db_task(retries=3, retry_delay=120)  # type: ignore[untyped-decorator]
def send_invitation(attendee_id: int, channel: str) -> bool:
    return services.invitation_send(attendee_id=attendee_id, channel=channel)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def dispatch_messages() -> int:
    """Enqueue every reminder and invitation now due; return how many."""
    due = services.messages_due()
    for item in due:
        task = send_reminder if item.purpose == Purpose.REMINDER else send_invitation
        task(item.attendee_id, str(item.channel))
    return len(due)
