"""Account jobs (Huey): each takes no patient data and calls one service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from accounts import services


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def access_change_notify(change_id: int) -> int:
    return services.access_change_notify(change_id=change_id)
