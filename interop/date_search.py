"""FHIR date search values (``date=[prefix]value``) as conditions a query can use.

A search value stands for the whole span its precision names (FHIR search, "date"):
``2026`` is the year, ``2026-03`` the month, ``2026-03-05`` the UTC day,
``2026-03-05T10:00Z`` the minute. Spans are half open, ``[start, end)``, and the
prefixes compare that span with the column: ``ge`` from its start, ``gt`` from its end,
``lt`` before its start, ``le`` before its end. Python's datetimes hold only 0001-01-01
to 9999-12-31, and an offset can carry a bound past either end once it is put in UTC;
such a bound is an edge of the calendar (``BEFORE_ALL``, ``AFTER_ALL``), so a search
there answers what it asks instead of overflowing.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from django.db.models import Q

PREFIXES = ("eq", "ge", "le", "gt", "lt")

_VALUE = re.compile(
    r"(?P<year>[0-9]{4})"
    r"(?:-(?P<month>[0-9]{2})"
    r"(?:-(?P<day>[0-9]{2})"
    r"(?:T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2}))?)?)?",
    re.ASCII,
)
"""FHIR's date and dateTime forms; a time needs its zone (an instant, not a wall
clock). ASCII only: ``\\d`` would take other scripts' digits."""


class Edge(enum.Enum):
    BEFORE_ALL = "before every date"
    AFTER_ALL = "after every date"


Bound = datetime | date | Edge

NOTHING = Q(pk__in=[])
"""A condition no row meets."""


@dataclass(frozen=True)
class DateSearch:
    """A parsed search value: its prefix and the span it names, in its own zone."""

    prefix: str
    start: datetime
    end: datetime | None
    """The start of the next unit of precision; ``None`` past 9999-12-31."""
    to_the_day: bool
    """Given as a year, month or day, without a time of day."""


def _next(moment: datetime, unit: str, fraction_digits: int) -> datetime | None:
    try:
        if unit == "year":
            return moment.replace(year=moment.year + 1)
        if unit == "month":
            if moment.month == 12:
                return moment.replace(year=moment.year + 1, month=1)
            return moment.replace(month=moment.month + 1)
        step = {
            "day": timedelta(days=1),
            "minute": timedelta(minutes=1),
            "second": timedelta(seconds=1),
            "fraction": timedelta(microseconds=10 ** (6 - fraction_digits)),
        }[unit]
        return moment + step
    except (ValueError, OverflowError):  # year 10000
        return None


def _zone(text: str) -> timezone:
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if minutes >= 60 or (hours, minutes) > (14, 0):  # FHIR's range of offsets
        raise ValueError(text)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def parse(value: str) -> DateSearch:
    """``[eq|ge|le|gt|lt]`` then a date or a date-time with a zone; ``ValueError``
    for anything else (a day that does not exist, year 0000, an offset past ±14:00)."""
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    raw = value[2:] if value[:2] in PREFIXES else value
    match = _VALUE.fullmatch(raw)
    if match is None:
        raise ValueError(value)
    part = match.groupdict()
    fraction = part["fraction"] or ""
    start = datetime(
        int(part["year"]),
        int(part["month"] or 1),
        int(part["day"] or 1),
        int(part["hour"] or 0),
        int(part["minute"] or 0),
        int(part["second"] or 0),
        int(fraction.ljust(6, "0")) if fraction else 0,
        tzinfo=_zone(part["zone"]) if part["zone"] else UTC,
    )
    unit = next(
        unit
        for unit, given in (
            ("fraction", part["fraction"]),
            ("second", part["second"]),
            ("minute", part["hour"]),
            ("day", part["day"]),
            ("month", part["month"]),
            ("year", part["year"]),
        )
        if given
    )
    return DateSearch(
        prefix=prefix,
        start=start,
        end=_next(start, unit, len(fraction)),
        to_the_day=part["hour"] is None,
    )


def _in_utc(moment: datetime | None) -> Bound:
    if moment is None:
        return Edge.AFTER_ALL
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # an offset carried it past 0001 or 9999
        return Edge.BEFORE_ALL if moment.year == 1 else Edge.AFTER_ALL


def _condition(column: str, prefix: str, start: Bound, end: Bound) -> Q:
    def at_or_after(bound: Bound) -> Q:
        if isinstance(bound, Edge):
            return Q() if bound is Edge.BEFORE_ALL else NOTHING
        return Q(**{f"{column}__gte": bound})

    def before(bound: Bound) -> Q:
        if isinstance(bound, Edge):
            return NOTHING if bound is Edge.BEFORE_ALL else Q()
        return Q(**{f"{column}__lt": bound})

    return {
        "eq": lambda: at_or_after(start) & before(end),
        "ge": lambda: at_or_after(start),
        "gt": lambda: at_or_after(end),
        "lt": lambda: before(start),
        "le": lambda: before(end),
    }[prefix]()


def instant_condition(column: str, search: DateSearch) -> Q:
    """The rows whose instant ``column`` the search asks for."""
    return _condition(column, search.prefix, _in_utc(search.start), _in_utc(search.end))


def day_condition(column: str, search: DateSearch) -> Q:
    """The rows whose date ``column`` the search asks for; only a value given to the
    day or coarser makes sense of a day (``ValueError`` otherwise)."""
    if not search.to_the_day:
        raise ValueError("a day column takes a date")
    end: Bound = search.end.date() if search.end is not None else Edge.AFTER_ALL
    return _condition(column, search.prefix, search.start.date(), end)
