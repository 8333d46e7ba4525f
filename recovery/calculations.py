"""Substance use in numbers: days of use and abstinence, heavy-drinking days, outcome
terms per course, sobriety dates and expected positives on drug tests.

Plain functions over plain data (no Django imports): the recovery pages, the progress
page, the portal and the service dashboard call them with rows turned into these
dataclasses, and the tests call them with hand-built histories.

How reports are counted (``docs/recovery.md``):
- A **report** says how many days of use a substance had from ``first_day`` to
  ``last_day``: one day (the pre-treatment calendar, the diary) or a period (a session's
  "since last time").
- A day covered by a period report is counted by that period; a one-day report inside
  it is not counted again. Two one-day reports of the same day count once (use if
  either says use).
- A window that cuts through a period takes that period's days of use in proportion to
  the days it covers (a session's count says how many days, not which).
- Days no report covers are **unknown**: they count neither as use nor as abstinence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from iptcare.lib.dates import shifted

OUTCOME_WINDOW_DAYS = 28


@dataclass(frozen=True)
class UseReport:
    """Days of use of one substance between two days (both included)."""

    first_day: date
    last_day: date
    days_used: int
    heavy_days: int | None = None  # asked for alcohol only; None where not asked

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def is_period(self) -> bool:
        return self.days > 1


def report_problems(
    *, first_day: date, last_day: date, days_used: int, heavy_days: int | None
) -> list[str]:
    """Why a report cannot be right, in words for the form (empty when it can)."""
    problems = []
    days = (last_day - first_day).days + 1
    if days < 1:
        problems.append("The period ends before it begins.")
        return problems
    if days_used < 0:
        problems.append("Days of use cannot be negative.")
    if days_used > days:
        problems.append(
            f"{days_used} days of use is more than the {days} days of the period."
        )
    if heavy_days is not None:
        if heavy_days < 0:
            problems.append("Heavy-drinking days cannot be negative.")
        elif heavy_days > days_used:
            problems.append(
                "Heavy-drinking days cannot be more than the days of drinking."
            )
    return problems


def is_heavy(amount: float | None, threshold: float | None) -> bool:
    """A heavy day: at least ``threshold`` units (standard drinks) that day."""
    return amount is not None and threshold is not None and amount >= threshold


@dataclass(frozen=True)
class WindowCount:
    """What the reports say about a window of days."""

    days: int
    known_days: float
    used_days: float
    heavy_days: float | None
    any_use: bool  # some report touching the window reports use

    @property
    def abstinent_days(self) -> float:
        return self.known_days - self.used_days

    @property
    def percent_days_abstinent(self) -> float | None:
        if self.known_days <= 0:
            return None
        return round(100 * self.abstinent_days / self.known_days, 1)

    @property
    def complete(self) -> bool:
        return self.known_days >= self.days


def _overlap(report: UseReport, start: date, end: date) -> int:
    first = max(report.first_day, start)
    last = min(report.last_day, end)
    return max(0, (last - first).days + 1)


def _covered(day: date, periods: Sequence[UseReport]) -> bool:
    return any(p.first_day <= day <= p.last_day for p in periods)


def count_window(reports: Iterable[UseReport], start: date, end: date) -> WindowCount:
    """Known days, days of use and heavy days of one substance from ``start`` to
    ``end`` (both included), by the counting rules of the module docstring."""
    reports = list(reports)
    periods = [r for r in reports if r.is_period]
    known = used = 0.0
    heavy: float | None = None
    any_use = False
    for period in periods:
        overlap = _overlap(period, start, end)
        if not overlap:
            continue
        share = overlap / period.days
        known += overlap
        used += period.days_used * share
        any_use = any_use or period.days_used > 0
        if period.heavy_days is not None:
            heavy = (heavy or 0.0) + period.heavy_days * share
    single: dict[date, UseReport] = {}
    for report in reports:
        day = report.first_day
        if report.is_period or not start <= day <= end or _covered(day, periods):
            continue
        earlier = single.get(day)
        if earlier is None or report.days_used > earlier.days_used:
            single[day] = report
    for report in single.values():
        known += 1
        if report.days_used:
            used += 1
            any_use = True
        if report.heavy_days is not None:
            heavy = (heavy or 0.0) + min(report.heavy_days, 1)
    return WindowCount(
        days=(end - start).days + 1,
        known_days=round(known, 2),
        used_days=round(used, 2),
        heavy_days=None if heavy is None else round(heavy, 2),
        any_use=any_use,
    )


class Abstinence(StrEnum):
    """Whether a window was free of use, as far as the reports can say."""

    ABSTINENT = "abstinent"  # every day reported, none with use
    USED = "used"  # some report touching the window reports use
    UNKNOWN = "unknown"  # no use reported, but days without a report


def abstinence(count: WindowCount) -> Abstinence:
    """Abstinence is claimed only when every day is accounted for; a period with use
    that the window only cuts through still counts as use (the safe side)."""
    if count.any_use:
        return Abstinence.USED
    if count.complete:
        return Abstinence.ABSTINENT
    return Abstinence.UNKNOWN


@dataclass(frozen=True)
class WeekUse:
    """Days of use in one week (of the substance used most that week)."""

    starts_on: date
    days_used: float | None  # None: nothing reported that week


def weekly_use(
    histories: Mapping[str, Sequence[UseReport]], start: date, end: date
) -> list[WeekUse]:
    """Week by week from ``start``: the most days of use any one substance had (a
    session's count does not say whether two substances were used on the same days,
    so the weeks show the larger, never a sum that could pass seven)."""
    weeks = []
    day = start
    while day <= end:
        last = min(day + timedelta(days=6), end)
        counts = [count_window(r, day, last) for r in histories.values()]
        known = [c for c in counts if c.known_days > 0]
        weeks.append(
            WeekUse(
                starts_on=day,
                days_used=round(max(c.used_days for c in known), 1) if known else None,
            )
        )
        day += timedelta(days=7)
    return weeks


# --- Outcome terms per course -------------------------------------------------------


@dataclass(frozen=True)
class SubstanceOutcome:
    """One substance's outcome over a course."""

    substance: str
    start: WindowCount  # the 28 days before treatment (or its first 28 days)
    end: WindowCount  # the last 28 days of treatment
    start_before_treatment: bool

    @property
    def pda_start(self) -> float | None:
        return self.start.percent_days_abstinent

    @property
    def pda_end(self) -> float | None:
        return self.end.percent_days_abstinent

    @property
    def pda_change(self) -> float | None:
        if self.pda_start is None or self.pda_end is None:
            return None
        return round(self.pda_end - self.pda_start, 1)

    @property
    def heavy_start(self) -> float | None:
        return _per_window(self.start.heavy_days, self.start.known_days)

    @property
    def heavy_end(self) -> float | None:
        return _per_window(self.end.heavy_days, self.end.known_days)

    @property
    def heavy_reduction(self) -> float | None:
        """Heavy-drinking days per 28 days at the start minus at the end (positive:
        fewer heavy days)."""
        if self.heavy_start is None or self.heavy_end is None:
            return None
        return round(self.heavy_start - self.heavy_end, 1)

    @property
    def end_abstinence(self) -> Abstinence:
        return abstinence(self.end)


def _per_window(heavy: float | None, known: float) -> float | None:
    """Heavy days scaled to 28 reported days, so that windows with gaps compare."""
    if heavy is None or known <= 0:
        return None
    return round(heavy * OUTCOME_WINDOW_DAYS / known, 1)


@dataclass(frozen=True)
class UseOutcome:
    """A course's use outcome: the service dashboard counts these."""

    treatment_start: date
    treatment_end: date
    substances: tuple[SubstanceOutcome, ...]

    @property
    def abstinent_last_28(self) -> Abstinence:
        """Abstinent from every substance reported in the last 28 days of treatment."""
        states = [s.end_abstinence for s in self.substances]
        if not states:
            return Abstinence.UNKNOWN
        if Abstinence.USED in states:
            return Abstinence.USED
        if all(state is Abstinence.ABSTINENT for state in states):
            return Abstinence.ABSTINENT
        return Abstinence.UNKNOWN

    def substance(self, code: str) -> SubstanceOutcome | None:
        return next((s for s in self.substances if s.substance == code), None)


def use_outcome(
    histories: Mapping[str, Sequence[UseReport]],
    *,
    treatment_start: date,
    treatment_end: date,
    window: int = OUTCOME_WINDOW_DAYS,
) -> UseOutcome:
    """The outcome terms of one course from its reports, per substance: percentage of
    days abstinent in the 28 days before treatment (falling back to its first 28 days
    when nothing was reported before it) and in the last 28 days of treatment,
    heavy-drinking days in both, and abstinence in the last 28 days."""
    outcomes = []
    end_start = max(treatment_start, treatment_end - timedelta(days=window - 1))
    for code, reports in sorted(histories.items()):
        before = count_window(
            reports, treatment_start - timedelta(days=window), treatment_start - _DAY
        )
        start_before = before.known_days > 0
        start = before
        if not start_before:
            start = count_window(
                reports,
                treatment_start,
                min(treatment_end, treatment_start + timedelta(days=window - 1)),
            )
        end = count_window(reports, end_start, treatment_end)
        outcomes.append(
            SubstanceOutcome(
                substance=code,
                start=start,
                end=end,
                start_before_treatment=start_before,
            )
        )
    return UseOutcome(
        treatment_start=treatment_start,
        treatment_end=treatment_end,
        substances=tuple(outcomes),
    )


_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ServiceUseSummary:
    """Use outcomes over many courses, with honest denominators."""

    courses: int
    abstinent_last_28: int
    known_last_28: int  # courses whose last 28 days are known (abstinent or used)
    alcohol_courses: int  # courses with heavy-drinking days at both ends
    mean_heavy_reduction: float | None
    mean_pda_change: float | None  # over substances with both ends known


def service_use_summary(outcomes: Iterable[UseOutcome]) -> ServiceUseSummary:
    """What the service dashboard shows for use: abstinent courses out of those whose
    last 28 days are known, the mean change in percentage of days abstinent, and the
    mean reduction in heavy-drinking days."""
    outcomes = list(outcomes)
    states = [o.abstinent_last_28 for o in outcomes]
    reductions = [
        s.heavy_reduction
        for o in outcomes
        for s in o.substances
        if s.heavy_reduction is not None
    ]
    changes = [
        s.pda_change for o in outcomes for s in o.substances if s.pda_change is not None
    ]
    return ServiceUseSummary(
        courses=len(outcomes),
        abstinent_last_28=states.count(Abstinence.ABSTINENT),
        known_last_28=sum(state is not Abstinence.UNKNOWN for state in states),
        alcohol_courses=len(reductions),
        mean_heavy_reduction=_mean(reductions),
        mean_pda_change=_mean(changes),
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


# --- Sobriety dates -----------------------------------------------------------------


@dataclass(frozen=True)
class UseEvidence:
    """Reported use or an unexpected positive test after the sobriety date, and what
    the clinician decided: ``confirmed`` moves the date to the day after
    ``last_use``; unconfirmed (pending or dismissed) evidence moves nothing."""

    day: date
    last_use: date
    confirmed: bool = False


def sobriety_since(
    recorded: date | None, evidence: Iterable[UseEvidence]
) -> date | None:
    """The sobriety date: the recorded one, moved to the day after the last use only
    by evidence a clinician confirmed; never moved back."""
    since = recorded
    for item in evidence:
        if not item.confirmed:
            continue
        after = item.last_use + _DAY
        if since is None or after > since:
            since = after
    return since


def days_sober(since: date | None, today: date) -> int | None:
    """Full days since the sobriety date (0 on the day itself); None without one or
    for a date still ahead."""
    if since is None or since > today:
        return None
    return (today - since).days


def awaiting_confirmation(
    since: date | None, evidence: Iterable[UseEvidence]
) -> list[UseEvidence]:
    """Unconfirmed evidence that would move the date if a clinician confirmed it."""
    return [
        item
        for item in evidence
        if not item.confirmed and (since is None or item.last_use >= since)
    ]


# --- Drug and alcohol tests -------------------------------------------------------

POSITIVE, NEGATIVE, NOT_TESTED = "positive", "negative", "not_tested"


@dataclass(frozen=True)
class Prescription:
    """A medication the patient takes, as far as tests need it: the analytes it makes
    positive and the days it was taken."""

    expected_analytes: frozenset[str]
    started_on: date
    stopped_on: date | None = None

    def taken_on(self, day: date) -> bool:
        # A test the day after stopping can still be positive: a week's grace.
        last = (
            None
            if self.stopped_on is None
            else shifted(self.stopped_on, timedelta(days=7))
        )
        return self.started_on <= day and (last is None or day <= last)


def expected_positives(
    prescriptions: Iterable[Prescription], day: date
) -> frozenset[str]:
    """Analytes a test on ``day`` is expected to find because of prescribed medication
    (buprenorphine on a patient who takes it): not counted against the patient."""
    expected: set[str] = set()
    for prescription in prescriptions:
        if prescription.taken_on(day):
            expected |= prescription.expected_analytes
    return frozenset(expected)


def unexpected_positives(
    results: Mapping[str, str], expected: frozenset[str]
) -> list[str]:
    """Positive analytes that prescribed medication does not explain, in order."""
    return sorted(
        code
        for code, result in results.items()
        if result == POSITIVE and code not in expected
    )


def result_problems(
    *,
    day: date | None,
    today: date,
    specimen: str,
    panel_specimens: Sequence[str],
    panel_analytes: Sequence[str],
    results: Mapping[str, str],
) -> list[str]:
    """Why a test result cannot be right (empty when it can), in words for the form:
    a date ahead of today, a specimen the panel is not run on (a breath sample on a
    urine panel), an analyte not on the panel, an unknown result, nothing tested."""
    problems = []
    if day is not None and day > today:
        problems.append("The test date is in the future.")
    if specimen not in panel_specimens:
        problems.append(
            "This panel is not run on that specimen: choose the panel for a "
            f"{specimen.replace('_', ' ')} sample."
        )
    unknown = sorted(set(results) - set(panel_analytes))
    if unknown:
        problems.append(f"Not on this panel: {', '.join(unknown)}.")
    if any(value not in (POSITIVE, NEGATIVE, NOT_TESTED) for value in results.values()):
        problems.append("Each result is positive, negative or not tested.")
    if not any(value in (POSITIVE, NEGATIVE) for value in results.values()):
        problems.append("Record at least one result: positive or negative.")
    return problems
