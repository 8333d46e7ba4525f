"""Bulk export jobs (Huey): take ids, call one service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from interop import export


@db_task()  # type: ignore[untyped-decorator]
def export_run(job_id: int) -> int:
    return export.export_run(job_id)


@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def exports_remove_expired() -> int:
    """Every quarter hour: export files past IPTCARE_FHIR_EXPORT_HOURS are deleted."""
    return export.exports_remove_expired()
