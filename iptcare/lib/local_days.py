"""The instants of the clinic's local days, for counting rows by a range on a
timestamp column (which an index on it can serve) rather than by the local date of
each row (``created_at__date``, which no index serves and which converts every row).

A local day runs from its first instant to the next day's first instant. The first
instant is local midnight, except where a clock change skips midnight (the clocks go
from 23:59:59 to 01:00: America/Sao_Paulo before 2019, America/Havana, Asia/Beirut),
where the day begins when the clock jumps; where midnight happens twice (the clocks
go back from 01:00 to 00:00), the day begins at the first. ``datetime.combine(day,
time(0))`` made aware names a time that never happened on the first, and the second
of the two on the other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db.models import Q
from django.utils import timezone

_TICK = timedelta(microseconds=1)
_LAST_INSTANT = datetime.max.replace(tzinfo=UTC)


def day_begins(day: date, zone: tzinfo | None = None) -> datetime:
    """The first instant (in UTC) whose local date in ``zone`` (the current time
    zone, as ``__date`` reads it) is ``day`` or later."""
    zone = zone or timezone.get_current_timezone()
    wall = datetime.combine(day, time.min)
    # The two readings of local midnight: the same unless a clock change is at it.
    try:
        earliest, latest = sorted(
            wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)
        )
    except OverflowError:  # the first or last day Python has, in a zone off UTC
        return datetime.min.replace(tzinfo=UTC) if day.year == 1 else _LAST_INSTANT
    if earliest.astimezone(zone).date() >= day:
        return earliest
    # Midnight never happened: the day began when the clock jumped over it, after
    # the earlier reading (still the day before) and by the later one (in the day).
    before, within = earliest, latest
    while within - before > _TICK:
        middle = before + (within - before) // 2
        if middle.astimezone(zone).date() >= day:
            within = middle
        else:
            before = middle
    return within


def days_between(
    start: date, end: date, zone: tzinfo | None = None
) -> tuple[datetime, datetime]:
    """The local days ``start`` to ``end`` (both included) as instants: from the first
    instant of ``start`` up to, not including, the first instant of the day after
    ``end``."""
    if end == date.max:  # a stored date at the calendar's end: no day after it
        return day_begins(start, zone), _LAST_INSTANT
    return day_begins(start, zone), day_begins(end + timedelta(days=1), zone)


def on_local_days(field: str, start: date, end: date, zone: tzinfo | None = None) -> Q:
    """Rows whose ``field`` (a timestamp) falls on the local days ``start`` to
    ``end``: what ``{field}__date__gte=start, {field}__date__lte=end`` selects, as a
    range on the column."""
    begins, ends = days_between(start, end, zone)
    return Q(**{f"{field}__gte": begins, f"{field}__lt": ends})
