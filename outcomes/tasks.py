"""Outcome jobs (Huey): refit the expected trajectories nightly; recompute who is not
on track every hour (raising each not-on-track alert once)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from outcomes import service_refresh, services


@db_periodic_task(crontab(minute="10", hour="2"))  # type: ignore[untyped-decorator]
def trajectories_refit() -> int:
    return services.trajectories_refit()


@db_periodic_task(crontab(minute="40", hour="*"))  # type: ignore[untyped-decorator]
def not_on_track_check() -> int:
    return services.not_on_track_check()


@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def service_outcomes_refresh() -> int:
    return service_refresh.service_outcomes_refresh()
