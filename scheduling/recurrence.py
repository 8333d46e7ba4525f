"""Session series in a site's local time, as plain functions (no Django imports).

A series is a first date, a wall-clock time, a duration and a time zone: "Tuesdays at
18:00 in Europe/London for 12 weeks". Each occurrence is computed from the *local* date
and time and only then turned into an instant, so 18:00 stays 18:00 on the clocks of the
clinic across a daylight-saving change (its UTC time moves instead).

- A local time that does not exist (the hour the clocks go forward) moves forward by
  the gap: 01:30 on the spring change in London is 02:30.
- A local time that happens twice (the hour the clocks go back) is the first of the two.

Frequencies follow the treatment contract (``ipt.choices.Frequency``): weekly, twice a
week (the first date's weekday and a second one), every two weeks, and monthly (the same
weekday of the same week of each month: "the second Tuesday"; a fifth weekday that a
month lacks becomes that month's last).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")

WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MAX_OCCURRENCES = 60


class Frequency(StrEnum):
    WEEKLY = "weekly"
    TWICE_WEEKLY = "twice_weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class InvalidSeries(ValueError):
    """The series cannot be built as asked; the message says why, for a clinician."""


@dataclass(frozen=True, order=True)
class Slot:
    """A stretch of time, as aware datetimes in UTC."""

    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Slot) -> bool:
        """Back-to-back slots (one ends as the next starts) do not overlap."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidSeries(f"Unknown time zone {name!r}.") from error


def local_instant(day: date, at: time, time_zone: str) -> datetime:
    """The instant (UTC) when the clocks in ``time_zone`` show ``at`` on ``day``."""
    tz = zone(time_zone)
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0)).replace(tzinfo=tz)
    # For a wall time in the spring gap, fold=0 applies the offset from before the
    # change, which lands one gap-length later on the clocks: moved forward, as wanted.
    return wall.astimezone(UTC)


def local(instant: datetime, time_zone: str) -> datetime:
    """The wall-clock time of an instant in ``time_zone``."""
    return instant.astimezone(zone(time_zone))


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    day = first + timedelta(days=offset + 7 * (nth - 1))
    while day.month != month:  # no fifth such weekday this month: the last one
        day -= timedelta(days=7)
    return day


def occurrence_dates(
    *,
    first: date,
    count: int,
    frequency: Frequency | str,
    second_weekday: int | None = None,
) -> list[date]:
    """The dates of a series of ``count`` sessions starting on ``first``."""
    frequency = Frequency(frequency)
    if not 1 <= count <= MAX_OCCURRENCES:
        raise InvalidSeries(f"A series has 1 to {MAX_OCCURRENCES} sessions.")
    if frequency == Frequency.WEEKLY:
        return [first + timedelta(weeks=n) for n in range(count)]
    if frequency == Frequency.FORTNIGHTLY:
        return [first + timedelta(weeks=2 * n) for n in range(count)]
    if frequency == Frequency.TWICE_WEEKLY:
        if second_weekday is None or not 0 <= second_weekday <= 6:
            raise InvalidSeries("Twice a week needs the second day of the week.")
        if second_weekday == first.weekday():
            raise InvalidSeries(
                f"The second day must differ from the first ({WEEKDAYS[first.weekday()]})."
            )
        days = {first.weekday(), second_weekday}
        dates: list[date] = []
        day = first
        while len(dates) < count:
            if day.weekday() in days:
                dates.append(day)
            day += timedelta(days=1)
        return dates
    nth = (first.day - 1) // 7 + 1
    dates = []
    for n in range(count):
        month_index = first.month - 1 + n
        year, month = first.year + month_index // 12, month_index % 12 + 1
        dates.append(_nth_weekday(year, month, first.weekday(), nth))
    return dates


def series_slots(
    *,
    first: date,
    at: time,
    duration: timedelta,
    time_zone: str,
    count: int,
    frequency: Frequency | str = Frequency.WEEKLY,
    second_weekday: int | None = None,
) -> list[Slot]:
    """Each session of the series as a slot in UTC, at ``at`` local time every time."""
    if duration <= timedelta(0):
        raise InvalidSeries("A session lasts some minutes.")
    slots = []
    for day in occurrence_dates(
        first=first, count=count, frequency=frequency, second_weekday=second_weekday
    ):
        start = local_instant(day, at, time_zone)
        slots.append(Slot(start, start + duration))
    return slots


def clashes(
    wanted: Iterable[Slot], booked: Sequence[tuple[Slot, T]]
) -> list[tuple[Slot, T]]:
    """Each booked slot (with what it stands for) that overlaps a wanted one, in time
    order, each once."""
    found: dict[int, tuple[Slot, T]] = {}
    for slot in wanted:
        for index, (other, item) in enumerate(booked):
            if slot.overlaps(other):
                found.setdefault(index, (other, item))
    return sorted(found.values(), key=lambda pair: pair[0])


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """The instants at which ``day`` begins and ends in ``time_zone`` (23 or 25 hours
    long on a change day)."""
    return (
        local_instant(day, time.min, time_zone),
        local_instant(day + timedelta(days=1), time.min, time_zone),
    )


def initials(given_name: str, family_name: str) -> str:
    """'Ada', 'Lovelace' → 'A.L.'; what a calendar may show instead of a name."""
    letters = [part[0].upper() for part in (given_name, family_name) if part.strip()]
    return "".join(f"{letter}." for letter in letters) or "?"
