"""Audit jobs (Huey): the periodic signed checkpoint of the chain's head."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from audit import services


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def audit_checkpoint() -> int | None:
    """Every ten minutes: the head's id, link and row count, signed, outside the
    database, so that removing the newest rows shows at the next audit_verify."""
    return services.checkpoint_write().head_id
