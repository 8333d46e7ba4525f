"""Intake's waiting-time arithmetic: plain Python over plain data, no Django.

- ``contact_due_on``: the day by which a new request must have been answered
  (working days, weekends skipped).
- ``waiting_time_figures``: the share of people who started treatment within 6 and
  within 18 weeks of referral, by site and by month of starting: the NHS Talking
  Therapies waiting-time standards (75 % within 6 weeks, 95 % within 18 weeks).
- ``waiting_snapshot``: how many are waiting now, and how many of them have already
  waited past 6 and 18 weeks.

Definitions (docs/intake.md): *referred* is the day the callback request arrived;
*started* is the day of the first treatment appointment; *within 6 weeks* means a
wait of at most 42 days (18 weeks: 126 days).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

SIX_WEEKS_DAYS = 6 * 7
EIGHTEEN_WEEKS_DAYS = 18 * 7
SIX_WEEK_STANDARD_PERCENT = 75
EIGHTEEN_WEEK_STANDARD_PERCENT = 95
SATURDAY = 5  # date.weekday(): Monday is 0
ALL_SITES = ""


def is_working_day(day: date, closed_days: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < SATURDAY and day not in closed_days


def contact_due_on(
    received_on: date, working_days: int, closed_days: Iterable[date] = ()
) -> date:
    """The last day on which the request is still answered in time: the
    ``working_days``-th working day after the day it arrived.

    Monday's request with one working day is due by the end of Tuesday; Friday's,
    Saturday's and Sunday's by the end of Monday. ``closed_days`` (bank holidays) are
    skipped like weekends. ``working_days`` of 0 means the same day (or the next working
    day, if it arrived on a day the service is closed).
    """
    if working_days < 0:
        raise ValueError("working_days cannot be negative")
    closed = frozenset(closed_days)
    day = received_on
    if working_days == 0:
        while not is_working_day(day, closed):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            counted += 1
    return day


def is_overdue(due_on: date, today: date) -> bool:
    return today > due_on


def days_waited(referred_on: date, started_on: date) -> int:
    """Whole days from referral to the first treatment appointment."""
    waited = (started_on - referred_on).days
    if waited < 0:
        raise ValueError("treatment cannot start before the referral")
    return waited


def weeks_text(days: int) -> str:
    """'3 days', '1 week', '6 weeks 2 days' — the wait as staff say it."""
    weeks, rest = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} week{'s' if weeks != 1 else ''}")
    if rest or not weeks:
        parts.append(f"{rest} day{'s' if rest != 1 else ''}")
    return " ".join(parts)


def age_text_changes_at(seconds: float) -> float:
    """The age, in seconds, at which ``age_text(seconds)`` next reads otherwise: the
    next whole minute in the first hour, the next whole hour after it."""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return (minutes + 1) * 60.0
    return (minutes // 60 + 1) * 3600.0


def age_text(seconds: float) -> str:
    """How long a request has waited in the queue: '40 min', '5 h', '2 days 3 h'."""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days, hours = divmod(hours, 24)
    text = f"{days} day{'s' if days != 1 else ''}"
    return f"{text} {hours} h" if hours else text


@dataclass(frozen=True)
class Start:
    """One person who started treatment: their site, when referred, when started."""

    site: str
    referred_on: date
    started_on: date


@dataclass(frozen=True)
class MonthFigures:
    """People who started treatment in one month at one site (``site`` is
    ``ALL_SITES`` for the whole service)."""

    site: str
    month: date  # the first day of the month
    started: int
    within_6_weeks: int
    within_18_weeks: int

    @property
    def percent_6_weeks(self) -> float:
        return _percent(self.within_6_weeks, self.started)

    @property
    def percent_18_weeks(self) -> float:
        return _percent(self.within_18_weeks, self.started)

    @property
    def meets_6_week_standard(self) -> bool:
        # Whole numbers compared, so 3 of 4 is exactly 75 % and meets it.
        return self.within_6_weeks * 100 >= SIX_WEEK_STANDARD_PERCENT * self.started

    @property
    def meets_18_week_standard(self) -> bool:
        return (
            self.within_18_weeks * 100 >= EIGHTEEN_WEEK_STANDARD_PERCENT * self.started
        )


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _month_of(day: date) -> date:
    return day.replace(day=1)


def waiting_time_figures(
    starts: Iterable[Start], *, all_sites: bool = True
) -> list[MonthFigures]:
    """Figures for each site and month in which anyone started, sorted by site name
    then month; with ``all_sites`` (and more than one site) a service-wide row per
    month comes first."""
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    sites: set[str] = set()
    for start in starts:
        waited = days_waited(start.referred_on, start.started_on)
        keys = [(start.site, _month_of(start.started_on))]
        sites.add(start.site)
        if all_sites:
            keys.append((ALL_SITES, _month_of(start.started_on)))
        for key in keys:
            row = counts[key]
            row[0] += 1
            row[1] += waited <= SIX_WEEKS_DAYS
            row[2] += waited <= EIGHTEEN_WEEKS_DAYS
    if len(sites) < 2:
        counts = {key: row for key, row in counts.items() if key[0] != ALL_SITES}
    return [
        MonthFigures(site, month, *row) for (site, month), row in sorted(counts.items())
    ]


@dataclass(frozen=True)
class Snapshot:
    """People on a site's waiting list now, by how long they have waited since
    referral."""

    site: str
    waiting: int
    over_6_weeks: int
    over_18_weeks: int


def waiting_snapshot(
    waiting: Iterable[tuple[str, date]], today: date
) -> list[Snapshot]:
    """``waiting``: (site, referred_on) of each person still waiting to start."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for site, referred_on in waiting:
        waited = (today - referred_on).days
        row = counts[site]
        row[0] += 1
        row[1] += waited > SIX_WEEKS_DAYS
        row[2] += waited > EIGHTEEN_WEEKS_DAYS
    return [Snapshot(site, *row) for site, row in sorted(counts.items())]


def started_on(
    *,
    first_attended: date | None,
    sessions_recorded: bool,
    first_appointment: date | None,
    today: date,
) -> date | None:
    """The day treatment started, or ``None`` while it has not.

    The first attended session when attendance is recorded. Until a course has any
    attendance recorded (before the scheduling app records it), the first appointment
    booked at acceptance counts, once its day has come.
    """
    if first_attended is not None:
        return first_attended
    if sessions_recorded or first_appointment is None or first_appointment > today:
        return None
    return first_appointment


def unreachable_after(consecutive_failures: int, limit: int) -> bool:
    """A request is unreachable once the calls since the last conversation (or since
    it arrived) that reached no one number ``limit``."""
    return consecutive_failures >= limit
