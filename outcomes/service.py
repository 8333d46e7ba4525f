"""Service-level outcome statistics, as plain functions (no Django).

The per-course definitions stay in ``outcomes.calculations`` (recovery, reliable
change, the NHS Talking Therapies pair); this module only *counts* them across courses
and says how sure a rate is. Every definition is written out in ``docs/outcomes.md``
("Service outcomes"):

- ``course_figures`` picks a course's headline outcome: the paired PHQ-9/GAD-7 outcome
  when the course has both, otherwise the one measure it has (PHQ-9 first);
- ``rate`` is a count over a denominator, with its **Wilson** 95 % interval whenever
  the denominator is below the small-number threshold (default 10): a small rate is
  never shown as a bare percentage;
- ``suppressed`` says whether a group is too small to leave the service in an export
  (default: fewer than 5 courses), so that no one is re-identified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from outcomes.calculations import Change, Outcome, PairedOutcome

SMALL_NUMBER_DEFAULT = 10
SUPPRESS_BELOW_DEFAULT = 5
BENCHMARK_RECOVERY = 50.0  # NHS Talking Therapies' national recovery standard, %
WAIT_STANDARDS_WEEKS = (6, 18)
FOLLOW_UP_MONTHS = (1, 3, 6)
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    """``count`` of ``denominator``; ``percent`` is ``None`` for an empty denominator.

    ``small`` marks a denominator under the small-number threshold: the page then
    shows the count and the Wilson interval (``low``–``high``) instead of a bare
    percentage."""

    count: int
    denominator: int
    percent: float | None
    low: float | None
    high: float | None
    small: bool

    @property
    def text(self) -> str:
        """How the rate reads on a page or in an export."""
        if self.denominator == 0:
            return "no courses"
        if self.small:
            return (
                f"{self.count} of {self.denominator} "
                f"(95 % CI {_pct(self.low)}–{_pct(self.high)})"
            )
        return f"{_pct(self.percent)} ({self.count} of {self.denominator})"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


def wilson(count: int, denominator: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion, in percent (Wilson EB. *J Am Stat
    Assoc* 1927;22:209–12): it stays inside 0–100 and is honest at 0 of n and n of n,
    where the normal approximation collapses to a point."""
    if denominator <= 0:
        raise ValueError("A Wilson interval needs at least one course.")
    if not 0 <= count <= denominator:
        raise ValueError("The count must lie between 0 and the denominator.")
    p = count / denominator
    z2 = z * z
    centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator)
    half = (
        z
        * math.sqrt(p * (1 - p) / denominator + z2 / (4 * denominator * denominator))
        / (1 + z2 / denominator)
    )
    return round(100 * max(0.0, centre - half), 1), round(
        100 * min(1.0, centre + half), 1
    )


def rate(
    count: int, denominator: int, *, small_below: int = SMALL_NUMBER_DEFAULT
) -> Rate:
    """A rate with the honesty rules applied: the percentage always, and the Wilson
    interval for a denominator under ``small_below``."""
    if denominator <= 0:
        return Rate(count, 0, None, None, None, small=True)
    percent = round(100 * count / denominator, 1)
    small = denominator < small_below
    low, high = wilson(count, denominator) if small else (None, None)
    return Rate(count, denominator, percent, low, high, small)


def suppressed(denominator: int, *, minimum: int = SUPPRESS_BELOW_DEFAULT) -> bool:
    """A group of 1 to ``minimum`` − 1 courses is withheld from exports (an empty one
    reveals no one and is shown as empty)."""
    return 0 < denominator < minimum


@dataclass(frozen=True)
class CourseFigures:
    """One course's headline outcome, as the service counts it. ``None`` where the
    course has too few scores for the status (it is then not counted either way)."""

    measure: str  # "paired", an instrument id, or "" when there is no measure
    caseness: bool | None
    recovery: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None
    baseline_severity: float | None  # the PHQ-9 baseline, for case mix


def course_figures(
    depression: Outcome | None,
    anxiety: Outcome | None,
    paired: PairedOutcome | None,
) -> CourseFigures:
    """The paired outcome when the course has first and last scores on both measures;
    otherwise the single measure with two scores (PHQ-9 before GAD-7)."""
    baseline = (
        depression.baseline.value
        if depression is not None and depression.baseline is not None
        else None
    )
    if paired is not None and paired.caseness_at_start is not None:
        return CourseFigures(
            measure="paired",
            caseness=paired.caseness_at_start,
            recovery=paired.recovery,
            reliable_improvement=paired.reliable_improvement,
            reliable_deterioration=paired.reliable_deterioration,
            reliable_recovery=paired.reliable_recovery,
            baseline_severity=baseline,
        )
    for single in (depression, anxiety):
        if single is not None and single.scores >= 2:
            change = single.reliable_change
            return CourseFigures(
                measure=single.instrument_id,
                caseness=single.caseness_at_start,
                recovery=single.recovery,
                reliable_improvement=None
                if change is None
                else change is Change.IMPROVEMENT,
                reliable_deterioration=None
                if change is None
                else change is Change.DETERIORATION,
                reliable_recovery=single.reliable_recovery,
                baseline_severity=baseline,
            )
    return CourseFigures("", None, None, None, None, None, baseline)


def weeks_waited(referred_on: date, first_session_on: date) -> float:
    return (first_session_on - referred_on).days / 7


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


# A follow-up score counts for "N months" when it falls from two weeks before to four
# weeks after the day N months after the course ended.
FOLLOW_UP_EARLY_DAYS = 14
FOLLOW_UP_LATE_DAYS = 28


def follow_up_returned(ended_on: date, months: int, score_days: list[date]) -> bool:
    target = add_months(ended_on, months)
    return any(
        -FOLLOW_UP_EARLY_DAYS <= (day - target).days <= FOLLOW_UP_LATE_DAYS
        for day in score_days
    )


def follow_up_due(ended_on: date, months: int, today: date) -> bool:
    """A follow-up is counted once its window has closed."""
    return (today - add_months(ended_on, months)).days > FOLLOW_UP_LATE_DAYS
