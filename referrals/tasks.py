"""Background jobs of the intake app: each takes ids and calls one service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from referrals import services


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def acknowledgement_send_task(referral_id: int) -> bool:
    """E-mail the acknowledgement of a callback request (sent at most once)."""
    return services.acknowledgement_send(referral_id=referral_id)
