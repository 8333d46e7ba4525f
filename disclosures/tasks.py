"""Background jobs (Huey): they take ids and call one service each."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from disclosures import retention, services


@db_task(retries=2, retry_delay=60)  # type: ignore[untyped-decorator]
def make_access_pack(pack_id: int) -> str:
    return str(services.access_pack_make(pack_id=pack_id).status)


@db_periodic_task(crontab(minute="30", hour="2"))  # type: ignore[untyped-decorator]
def review_retention() -> int:
    """List what the retention schedule says is due; erase nothing (decision 0025)."""
    return retention.review_run()
