"""Outcome statistics for one course and one instrument, as plain functions.

No Django here (``tests/test_calculations_purity.py`` imports this module with Django
blocked): the pages, the periodic jobs, the patient portal and the PDF report all call
the same functions over plain data. Every definition is written out, with its source,
in ``docs/outcomes.md``; the short version:

- **baseline** is the first score of the course, **latest** the last; **change** is
  latest − baseline (negative = fewer symptoms on a scale where higher is worse);
- **reliable improvement / deterioration**: a change of at least the instrument's
  reliable-change threshold (NHS Talking Therapies: PHQ-9 6, GAD-7 4), in the better or
  the worse direction; anything smaller is **no reliable change**;
- **caseness at start**: the baseline is at or above the caseness cut-off (PHQ-9 ≥ 10,
  GAD-7 ≥ 8); **recovery**: a case at the start and below the cut-off at the latest
  score; **reliable recovery**: recovery and reliable improvement (Clark et al. 2018);
- **response**: (baseline − latest) / baseline ≥ 50 %; **remission**: the latest score
  at or below the remission cut-off (PHQ-9 < 5, HRSD-17 ≤ 7);
- **not on track**: with enough finished courses of patients who started in the same
  severity band, the latest score is above the band most of those patients were in at
  that session (expected trajectory); until then the stated rule — no reliable
  improvement by session 6 — applies. A reliable deterioration is never on track.

A threshold that ``shared/instruments`` marks unverified is still used, but it is
carried as ``Threshold(verified=False)`` and every result built on it lists it in
``provisional``, which the pages show beside the result. Alerts are raised only from
verified thresholds (``InstrumentRules.alerting``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

DEFAULT_MINIMUM_COURSES = 50
"""Finished courses in a severity band before its expected trajectory replaces the
stated rule (issue #7; configurable through ``IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES``)."""
DEFAULT_SESSION = 6
"""The stated rule: a reliable improvement is expected by this session."""
DEFAULT_PERCENTILE = 90
"""The expected-trajectory band runs from the 10th to the 90th percentile of similar
patients' scores around the expected curve (shared/instruments §3.4)."""
MODEL_VERSION = "log-session-v1"


class Change(StrEnum):
    """Reliable change between the baseline and a later score."""

    IMPROVEMENT = "reliable_improvement"
    DETERIORATION = "reliable_deterioration"
    NO_CHANGE = "no_reliable_change"

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


class TrackRule(StrEnum):
    """Which not-on-track rule fired."""

    RELIABLE_DETERIORATION = "reliable_deterioration"
    NO_RELIABLE_IMPROVEMENT = "no_reliable_improvement"
    ABOVE_EXPECTED = "above_expected_trajectory"

    @property
    def words(self) -> str:
        return {
            TrackRule.RELIABLE_DETERIORATION: "reliable deterioration",
            TrackRule.NO_RELIABLE_IMPROVEMENT: "no reliable improvement by session",
            TrackRule.ABOVE_EXPECTED: "above the expected trajectory",
        }[self]


class TrackMethod(StrEnum):
    STATED_RULE = "stated_rule"
    EXPECTED_TRAJECTORY = "expected_trajectory"


@dataclass(frozen=True)
class Threshold:
    """A number a definition turns on, where it comes from, and whether
    ``shared/instruments`` marks it verified."""

    value: float
    source: str
    verified: bool = True
    label: str = ""

    def provisional_note(self, what: str, instrument: str) -> str | None:
        if self.verified:
            return None
        return (
            f"{instrument} {what} ({self.label or number(self.value)}): {self.source}"
        )


@dataclass(frozen=True)
class Band:
    """A severity band, inclusive at both ends."""

    label: str
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class InstrumentRules:
    """What the outcome statistics need to know about one instrument.

    ``remission`` is the highest score counted as remission (PHQ-9 4, i.e. "< 5";
    HRSD-17 7); ``response`` the fraction of the baseline a score must fall by (0.5).
    ``None`` means the definition does not apply to this instrument.
    """

    instrument_id: str
    name: str
    score_min: float = 0
    score_max: float | None = None
    higher_is_worse: bool = True
    bands: tuple[Band, ...] = ()
    caseness: Threshold | None = None
    reliable_change: Threshold | None = None
    response: Threshold | None = None
    remission: Threshold | None = None

    def band_for(self, value: float | None) -> str | None:
        if value is None:
            return None
        for band in self.bands:
            if band.contains(value):
                return band.label
        return None

    def is_case(self, value: float) -> bool | None:
        if self.caseness is None:
            return None
        if self.higher_is_worse:
            return value >= self.caseness.value
        return value <= self.caseness.value

    def worsening(self, before: float, after: float) -> float:
        """How much worse ``after`` is than ``before`` (negative: better)."""
        return after - before if self.higher_is_worse else before - after

    @property
    def alerting(self) -> bool:
        """Whether a not-on-track alert may be raised on this instrument: only on a
        reliable-change threshold that is verified."""
        return self.reliable_change is not None and self.reliable_change.verified


@dataclass(frozen=True)
class ScorePoint:
    """One score of the course. ``session`` is the number of attended sessions held
    on or before the day of the score (0 = before the first session)."""

    when: datetime | date
    value: float
    session: int | None = None
    note: str = ""  # "prorated from 8 of 9 items", shown beside the score

    @property
    def day(self) -> date:
        return self.when.date() if isinstance(self.when, datetime) else self.when


@dataclass(frozen=True)
class Outcome:
    """The outcome of one course on one instrument so far. ``None`` in a field means
    "does not apply or cannot be told yet"; ``notes`` say which and why."""

    instrument_id: str
    name: str
    scores: int
    baseline: ScorePoint | None
    latest: ScorePoint | None
    change: float | None
    reliable_change: Change | None
    caseness_at_start: bool | None
    recovery: bool | None
    reliable_recovery: bool | None
    response: bool | None
    remission: bool | None
    caseness_at_end: bool | None = None
    percent_change: float | None = None
    notes: tuple[str, ...] = ()
    provisional: tuple[str, ...] = ()

    @property
    def is_provisional(self) -> bool:
        return bool(self.provisional)

    @property
    def change_display(self) -> str:
        """Signed, as clinicians write it: "+3", "−6", "0"."""
        return "—" if self.change is None else signed(self.change)

    @property
    def percent_display(self) -> str:
        return "" if self.percent_change is None else f"{signed(self.percent_change)} %"


def number(value: float | None) -> str:
    """12.0 → "12", 4.25 → "4.25", −6 with a true minus sign."""
    if value is None:
        return "—"
    text = f"{round(value, 2):g}"
    return text.replace("-", "−")


def signed(value: float) -> str:
    return f"+{number(value)}" if value > 0 else number(value)


def _sort_key(point: ScorePoint) -> tuple[date, float]:
    if isinstance(point.when, datetime):
        return point.day, point.when.timestamp()
    return point.day, -math.inf


def jacobson_truax_threshold(sd: float, reliability: float) -> float:
    """The smallest reliable change in points, 1.96 · S_diff, where S_diff =
    √(2 · SE²) and SE = SD · √(1 − r) (Jacobson & Truax 1991). For instruments with
    no published threshold, from the service's own pre-treatment SD and a reliability;
    such a threshold is provisional."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("Give a positive SD and a reliability in [0, 1).")
    standard_error = sd * math.sqrt(1 - reliability)
    return 1.96 * math.sqrt(2 * standard_error**2)


def reliable_change(
    rules: InstrumentRules, before: float, after: float
) -> Change | None:
    """Reliable improvement, deterioration or neither; ``None`` without a threshold.

    A change of *at least* the threshold is reliable (NHS Talking Therapies: "a
    decrease of 6 or more" on the PHQ-9).
    """
    if rules.reliable_change is None:
        return None
    worse = rules.worsening(before, after)
    if abs(worse) >= rules.reliable_change.value:
        return Change.DETERIORATION if worse > 0 else Change.IMPROVEMENT
    return Change.NO_CHANGE


def response(rules: InstrumentRules, baseline: float, latest: float) -> bool | None:
    """A fall of at least half the baseline; undefined at a baseline of 0 (or at the
    floor of the scale) and for scales where higher is better."""
    if rules.response is None or not rules.higher_is_worse:
        return None
    room = baseline - rules.score_min
    if room <= 0:
        return None
    return (baseline - latest) / room >= rules.response.value


def remission(rules: InstrumentRules, latest: float) -> bool | None:
    if rules.remission is None:
        return None
    if rules.higher_is_worse:
        return latest <= rules.remission.value
    return latest >= rules.remission.value


def course_outcome(rules: InstrumentRules, scores: Sequence[ScorePoint]) -> Outcome:
    """Baseline, latest, change and every outcome status of one course on one
    instrument, from its scores in any order."""
    points = sorted(scores, key=_sort_key)
    name = rules.name
    provisional = _provisional(rules)
    if not points:
        return Outcome(
            instrument_id=rules.instrument_id,
            name=name,
            scores=0,
            baseline=None,
            latest=None,
            change=None,
            reliable_change=None,
            caseness_at_start=None,
            recovery=None,
            reliable_recovery=None,
            response=None,
            remission=None,
            notes=(f"No {name} score in this course yet.",),
            provisional=provisional,
        )
    baseline, latest = points[0], points[-1]
    notes: list[str] = []
    case = rules.is_case(baseline.value)
    if case is None:
        notes.append(
            f"The {name} has no caseness cut-off: caseness and recovery do not apply."
        )
    if len(points) < 2:
        notes.append(
            f"One {name} score so far: change and the end-of-course statuses need a second."
        )
        return Outcome(
            instrument_id=rules.instrument_id,
            name=name,
            scores=1,
            baseline=baseline,
            latest=latest,
            change=None,
            reliable_change=None,
            caseness_at_start=case,
            recovery=None,
            reliable_recovery=None,
            response=None,
            remission=None,
            notes=tuple(notes),
            provisional=provisional,
        )
    change = _tidy(latest.value - baseline.value)
    reliable = reliable_change(rules, baseline.value, latest.value)
    if reliable is None:
        notes.append(f"The {name} has no reliable-change threshold.")
    recovery: bool | None = None
    if case is True:
        recovery = rules.is_case(latest.value) is False
    elif case is False:
        notes.append(
            f"Not a case at the start ({name} {number(baseline.value)}, cut-off "
            f"{number(rules.caseness.value if rules.caseness else None)}): recovery does "
            "not apply (NHS Talking Therapies reports these courses separately)."
        )
    reliable_recovery = None
    if recovery is not None and reliable is not None:
        reliable_recovery = recovery and reliable is Change.IMPROVEMENT
    responded = response(rules, baseline.value, latest.value)
    if rules.response is not None and responded is None:
        notes.append(
            f"Response is undefined at a baseline of {number(baseline.value)}."
        )
    percent = None
    room = baseline.value - rules.score_min
    if rules.higher_is_worse and room > 0:
        percent = round(100 * (latest.value - baseline.value) / room, 1)
    return Outcome(
        instrument_id=rules.instrument_id,
        name=name,
        scores=len(points),
        baseline=baseline,
        latest=latest,
        change=change,
        reliable_change=reliable,
        caseness_at_start=case,
        recovery=recovery,
        reliable_recovery=reliable_recovery,
        response=responded,
        remission=remission(rules, latest.value),
        caseness_at_end=rules.is_case(latest.value),
        percent_change=percent,
        notes=tuple(notes),
        provisional=provisional,
    )


def _provisional(rules: InstrumentRules) -> tuple[str, ...]:
    notes = [
        threshold.provisional_note(what, rules.name)
        for what, threshold in (
            ("caseness cut-off", rules.caseness),
            ("reliable-change threshold", rules.reliable_change),
            ("response", rules.response),
            ("remission", rules.remission),
        )
        if threshold is not None
    ]
    return tuple(note for note in notes if note)


def _tidy(value: float) -> float:
    # Means subtract to 0.30000000000000004.
    return round(value, 6)


# --- NHS Talking Therapies: the depression and anxiety measures as a pair -----------


@dataclass(frozen=True)
class PairedOutcome:
    """The NHS Talking Therapies outcome of a course from its paired depression and
    anxiety scores (Clark et al. 2018; shared/instruments §3.1)."""

    caseness_at_start: bool | None
    recovery: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None
    notes: tuple[str, ...] = ()
    provisional: tuple[str, ...] = ()


TIE_RULE_NOTE = (
    "Reliable deterioration on the pair counts an increase on one measure only when the "
    "other did not reliably decrease: the NHS tie rule is unverified (shared/instruments §3.1)."
)


def paired_outcome(depression: Outcome, anxiety: Outcome) -> PairedOutcome:
    """Caseness: either measure at or above its cut-off at the start. Recovery: a case
    at the start and below both cut-offs at the end. Reliable improvement: a reliable
    decrease on at least one measure and no reliable increase on the other (and the
    mirror image for deterioration). Reliable recovery: both recovery and reliable
    improvement."""
    provisional = (*depression.provisional, *anxiety.provisional, TIE_RULE_NOTE)
    if depression.scores < 2 or anxiety.scores < 2:
        return PairedOutcome(
            None,
            None,
            None,
            None,
            None,
            notes=("Paired outcomes need a first and a last score on both measures.",),
            provisional=provisional,
        )
    starts = (depression.caseness_at_start, anxiety.caseness_at_start)
    case = None if None in starts else any(starts)
    changes = (depression.reliable_change, anxiety.reliable_change)
    improved = deteriorated = None
    if None not in changes:
        improved = Change.IMPROVEMENT in changes and Change.DETERIORATION not in changes
        deteriorated = (
            Change.DETERIORATION in changes and Change.IMPROVEMENT not in changes
        )
    recovery = None
    if case is True:
        recovery = (
            depression.caseness_at_end is False and anxiety.caseness_at_end is False
        )
    notes: list[str] = []
    if case is False:
        notes.append(
            "Not a case at the start on either measure: recovery does not apply."
        )
    reliable_recovery = None
    if recovery is not None and improved is not None:
        reliable_recovery = recovery and improved
    return PairedOutcome(
        caseness_at_start=case,
        recovery=recovery,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=reliable_recovery,
        notes=tuple(notes),
        provisional=provisional,
    )


# --- Expected trajectories and not on track -----------------------------------------


@dataclass(frozen=True)
class ExpectedModel:
    """How patients who started in one severity band changed, session by session, in
    the service's own finished courses.

    The expected change at session *s* is ``slope · ln(1 + s)`` points in the worse
    direction (negative: fewer symptoms) — the log-session curve of Finch, Lambert &
    Schaalje (2001) with the intake band as the condition. ``lower`` and ``upper`` are
    percentiles of the residuals around that curve (10th and 90th by default).
    """

    instrument_id: str
    band: str
    courses: int
    slope: float
    lower: float
    upper: float
    percentile: int = DEFAULT_PERCENTILE
    version: str = MODEL_VERSION

    def expected_worsening(self, session: int) -> float:
        return self.slope * math.log1p(max(session, 0))

    def range_at(
        self, rules: InstrumentRules, baseline: float, session: int
    ) -> tuple[float, float, float]:
        """(expected, low, high) scores at ``session`` for this baseline, clipped to
        the scale."""
        sign = 1 if rules.higher_is_worse else -1
        centre = baseline + sign * self.expected_worsening(session)
        edges = sorted((centre + sign * self.lower, centre + sign * self.upper))
        return (
            _clip(rules, centre),
            _clip(rules, edges[0]),
            _clip(rules, edges[1]),
        )


def _clip(rules: InstrumentRules, value: float) -> float:
    value = max(rules.score_min, value)
    if rules.score_max is not None:
        value = min(rules.score_max, value)
    return round(value, 2)


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear interpolation between closest ranks (NumPy's default), 0 ≤ pct ≤ 100."""
    if not values:
        raise ValueError("No values.")
    ordered_values = sorted(values)
    rank = (len(ordered_values) - 1) * pct / 100
    below, above = math.floor(rank), math.ceil(rank)
    weight = rank - below
    return ordered_values[below] * (1 - weight) + ordered_values[above] * weight


def fit_expected(
    rules: InstrumentRules,
    band: str,
    courses: Sequence[Sequence[ScorePoint]],
    *,
    pct: int = DEFAULT_PERCENTILE,
) -> ExpectedModel | None:
    """Fit the expected change for one starting band from finished courses (each a
    sequence of scores with session numbers). Courses with fewer than two scores, or
    whose baseline is in another band, are left out. ``None`` when none are left."""
    xs: list[float] = []
    ys: list[float] = []
    used = 0
    for course in courses:
        points = sorted(course, key=_sort_key)
        if len(points) < 2 or rules.band_for(points[0].value) != band:
            continue
        used += 1
        base = points[0]
        for point in points[1:]:
            session = point.session if point.session is not None else 0
            if session < 1:
                continue
            xs.append(math.log1p(session))
            ys.append(rules.worsening(base.value, point.value))
    if not used or not xs:
        return None
    denominator = sum(x * x for x in xs)
    slope = sum(x * y for x, y in zip(xs, ys, strict=True)) / denominator
    residuals = [y - slope * x for x, y in zip(xs, ys, strict=True)]
    return ExpectedModel(
        instrument_id=rules.instrument_id,
        band=band,
        courses=used,
        slope=round(slope, 4),
        lower=round(percentile(residuals, 100 - pct), 4),
        upper=round(percentile(residuals, pct), 4),
        percentile=pct,
    )


@dataclass(frozen=True)
class TrackStatus:
    """Whether a course is on track on one instrument, by which method, and — when it
    is not — which rule fired and why, in words a clinician reads at a glance."""

    instrument_id: str
    on_track: bool | None
    method: TrackMethod
    rule: TrackRule | None
    reason: str
    session: int | None = None
    model_courses: int = 0
    model_version: str = ""

    @property
    def not_on_track(self) -> bool:
        return self.on_track is False


def _usable(model: ExpectedModel | None, minimum_courses: int) -> bool:
    return model is not None and model.courses >= minimum_courses


def track_status(
    rules: InstrumentRules,
    scores: Sequence[ScorePoint],
    *,
    model: ExpectedModel | None = None,
    minimum_courses: int = DEFAULT_MINIMUM_COURSES,
    by_session: int = DEFAULT_SESSION,
) -> TrackStatus:
    """Not on track, judged on the latest score against the baseline.

    1. A reliable deterioration (latest worse than baseline by at least the
       reliable-change threshold) is never on track, whatever the method.
    2. With an expected trajectory for the baseline's severity band fitted from at
       least ``minimum_courses`` finished courses: not on track when the latest score
       is worse than the upper edge of the expected band at its session.
    3. Otherwise the stated rule: not on track when the latest score is at session
       ``by_session`` or later and is not a reliable improvement on the baseline.
    """
    name = rules.name
    points = sorted(scores, key=_sort_key)
    usable = _usable(model, minimum_courses)
    method = TrackMethod.EXPECTED_TRAJECTORY if usable else TrackMethod.STATED_RULE

    def status(
        on_track: bool | None,
        rule: TrackRule | None,
        reason: str,
        session: int | None = None,
    ) -> TrackStatus:
        return TrackStatus(
            instrument_id=rules.instrument_id,
            on_track=on_track,
            method=method,
            rule=rule,
            reason=reason,
            session=session,
            model_courses=model.courses if model else 0,
            model_version=model.version if model and usable else "",
        )

    if rules.reliable_change is None:
        return status(
            None,
            None,
            f"The {name} has no reliable-change threshold to judge progress by.",
        )
    if len(points) < 2:
        return status(None, None, f"Progress is judged from a second {name} score on.")
    baseline, latest = points[0], points[-1]
    threshold = rules.reliable_change.value
    session = latest.session
    at = f"at session {session}" if session else f"on {latest.day:%-d %b %Y}"
    moved = (
        f"the {name} has gone from {number(baseline.value)} to {number(latest.value)} "
        f"({signed(latest.value - baseline.value)})"
    )
    change = reliable_change(rules, baseline.value, latest.value)
    if change is Change.DETERIORATION:
        return status(
            False,
            TrackRule.RELIABLE_DETERIORATION,
            f"Reliable deterioration: {at} {moved}, at least the reliable-change "
            f"threshold of {number(threshold)} points in the worse direction.",
            session,
        )
    if usable and model is not None:
        if session is None or session < 1:
            return status(
                None,
                None,
                f"Progress against the expected trajectory is judged from session 1 on; {moved}.",
                session,
            )
        expected, low, high = model.range_at(rules, baseline.value, session)
        worse = rules.worsening(high, latest.value) > 0
        band = model.band
        if worse:
            return status(
                False,
                TrackRule.ABOVE_EXPECTED,
                f"Above the expected trajectory: {at} {moved}. Of {model.courses} finished "
                f"courses that started in the same band ({band}), the expected score at "
                f"session {session} is {number(expected)} and {model.percentile} in 100 "
                f"were at {number(high)} or better.",
                session,
            )
        return status(
            True,
            None,
            f"Within the expected trajectory: {at} {moved}; similar patients "
            f"({model.courses} finished courses starting {band}) were between "
            f"{number(low)} and {number(high)}.",
            session,
        )
    reference = (
        f" (stated rule: the service has {model.courses} finished courses starting in "
        f"this band, fewer than the {minimum_courses} an expected trajectory needs)"
        if model is not None
        else f" (stated rule, until the service has {minimum_courses} finished courses "
        "in this band)"
    )
    room = (
        baseline.value - rules.score_min
        if rules.higher_is_worse
        else (rules.score_max or baseline.value) - baseline.value
    )
    if change is not Change.IMPROVEMENT and room < threshold:
        return status(
            True,
            None,
            f"No reliable deterioration; {at} {moved}. From a baseline of "
            f"{number(baseline.value)} a reliable improvement ({number(threshold)} "
            "points) is not possible, so only deterioration is watched.",
            session,
        )
    if (
        session is not None
        and session >= by_session
        and change is not Change.IMPROVEMENT
    ):
        return status(
            False,
            TrackRule.NO_RELIABLE_IMPROVEMENT,
            f"No reliable improvement by session {by_session}: {at} {moved}; a reliable "
            f"improvement needs a change of at least {number(threshold)} points"
            f"{reference}.",
            session,
        )
    if change is Change.IMPROVEMENT:
        return status(
            True, None, f"Reliable improvement: {at} {moved}{reference}.", session
        )
    return status(
        True,
        None,
        f"No reliable deterioration; {at} {moved}. A reliable improvement of "
        f"{number(threshold)} points is expected by session {by_session}{reference}.",
        session,
    )


def track_history(
    rules: InstrumentRules,
    scores: Sequence[ScorePoint],
    *,
    model: ExpectedModel | None = None,
    minimum_courses: int = DEFAULT_MINIMUM_COURSES,
    by_session: int = DEFAULT_SESSION,
) -> list[TrackStatus]:
    """The status as it stood after each score from the second on, oldest first: a
    job that runs now still sees a deterioration that has since passed (two scores
    entered between runs, or a job that was down)."""
    points = sorted(scores, key=_sort_key)
    return [
        track_status(
            rules,
            points[: end + 1],
            model=model,
            minimum_courses=minimum_courses,
            by_session=by_session,
        )
        for end in range(1, len(points))
    ]


def first_fired(history: Sequence[TrackStatus]) -> dict[TrackRule, TrackStatus]:
    """The first status each rule fired at."""
    fired: dict[TrackRule, TrackStatus] = {}
    for status in history:
        if status.not_on_track and status.rule is not None:
            fired.setdefault(status.rule, status)
    return fired


@dataclass(frozen=True)
class ExpectedPoint:
    """The expected-trajectory band at one session, for the chart and its table."""

    session: int
    when: date
    expected: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Trajectory:
    """What the chart draws as the expected trajectory: either the fitted band or the
    stated rule's limit (a score above ``high`` is not on track)."""

    method: TrackMethod
    points: tuple[ExpectedPoint, ...] = field(default_factory=tuple)
    label: str = ""


def expected_trajectory(
    rules: InstrumentRules,
    scores: Sequence[ScorePoint],
    *,
    model: ExpectedModel | None = None,
    minimum_courses: int = DEFAULT_MINIMUM_COURSES,
    by_session: int = DEFAULT_SESSION,
) -> Trajectory:
    """The expected band at each later score's session: the fitted band (with the
    expected score) when the model is usable, or else the stated rule's limit — up to
    the baseline plus the reliable-change threshold before ``by_session``, and the
    baseline minus it from then on (in the scale's worse direction)."""
    points = sorted(scores, key=_sort_key)
    usable = _usable(model, minimum_courses)
    method = TrackMethod.EXPECTED_TRAJECTORY if usable else TrackMethod.STATED_RULE
    if not points or (not usable and rules.reliable_change is None):
        return Trajectory(method=method)
    baseline = points[0]
    sign = 1 if rules.higher_is_worse else -1
    out: list[ExpectedPoint] = []
    for point in points:
        session = point.session if point.session is not None else 0
        if usable and model is not None:
            expected, low, high = model.range_at(rules, baseline.value, session)
            out.append(ExpectedPoint(session, point.day, expected, low, high))
        elif rules.reliable_change is not None:
            step = rules.reliable_change.value
            limit = baseline.value + sign * (step if session < by_session else -step)
            out.append(
                ExpectedPoint(session, point.day, None, None, _clip(rules, limit))
            )
    if usable and model is not None:
        label = (
            f"Expected range ({100 - model.percentile}th–{model.percentile}th percentile, "
            f"{model.courses} finished courses starting {model.band})"
        )
    else:
        label = f"On-track limit (stated rule: reliable improvement by session {by_session})"
    return Trajectory(method=method, points=tuple(out), label=label)


def session_of(day: date, attended: Sequence[date]) -> int:
    """The number of attended sessions held on or before ``day``."""
    return sum(1 for held in attended if held <= day)
