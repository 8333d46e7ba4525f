"""Reads for the progress pages: a patient's course, its scores, sessions and life
events, turned into outcome statistics and charts by the pure modules.

Callers have got the patient through ``accounts.access`` (which audited the read);
everything here is fetched *through* that patient, so a foreign course id is a 404.
A fixed number of queries whatever the number of scores, sessions or courses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ipt.choices import Attendance, Phase, TimelineCategory
from ipt.models import Course, CourseSession, TimelineEntry
from iptcare.lib.dates import shifted
from iptcare.lib.drawing import drawn_or_none
from measures.choices import Source
from measures.models import Administration, prorated_note_for
from outcomes import calculations as calc
from outcomes.charts import (
    ENGLISH,
    WIDE,
    ChartData,
    ChartSize,
    ChartTable,
    ChartWording,
    Marker,
    PhaseSpan,
    chart_table,
    render_svg,
)
from outcomes.definitions import outcome_instruments, rules_for
from outcomes.models import ExpectedTrajectory

if TYPE_CHECKING:
    from patients.models import Patient

PRIMARY = "phq9"


def _local_day(when: datetime) -> date:
    return timezone.localtime(when).date()


@dataclass(frozen=True)
class CourseWindow:
    """The course a page shows and the facts its charts and statistics need."""

    course: Course | None
    start: date
    end: date
    attended: tuple[date, ...] = ()
    missed: tuple[date, ...] = ()
    phases: tuple[PhaseSpan, ...] = ()
    life_events: tuple[Marker, ...] = ()


@dataclass(frozen=True)
class InstrumentProgress:
    rules: calc.InstrumentRules
    outcome: calc.Outcome
    status: calc.TrackStatus
    chart: ChartData
    table: ChartTable

    @property
    def svg(self) -> SafeString:
        """The chart, drawn on first use. Safe as markup: matplotlib escapes its text,
        and no free text a person typed is drawn (life events are numbered; their
        titles are in the table)."""
        svg = drawn_or_none(lambda: render_svg(self.chart), picture="progress chart")
        return mark_safe(svg or "")  # noqa: S308


@dataclass(frozen=True)
class Progress:
    """Everything the progress page shows for one course (or, for a patient with no
    course, for all their scores)."""

    window: CourseWindow
    courses: list[Course]
    instruments: list[InstrumentProgress]
    paired: calc.PairedOutcome | None = None
    minimum_courses: int = calc.DEFAULT_MINIMUM_COURSES
    by_session: int = calc.DEFAULT_SESSION
    notes: list[str] = field(default_factory=list)

    @property
    def course(self) -> Course | None:
        return self.window.course

    @property
    def not_on_track(self) -> list[InstrumentProgress]:
        return [i for i in self.instruments if i.status.not_on_track]


def phase_spans(course: Course, end: date) -> tuple[PhaseSpan, ...]:
    """The course's phases as date ranges, from the days each began."""
    starts = [
        (Phase.INITIAL, course.opened_on),
        (Phase.MIDDLE, course.middle_began_on),
        (Phase.TERMINATION, course.termination_began_on),
    ]
    known = [(phase, day) for phase, day in starts if day is not None]
    spans = []
    for index, (phase, day) in enumerate(known):
        last = (
            known[index + 1][1] - timedelta(days=1) if index + 1 < len(known) else end
        )
        if last >= day:
            label = Phase(phase).label.replace(" phase", "")
            spans.append(PhaseSpan(phase=str(phase), label=label, start=day, end=last))
    return tuple(spans)


def course_window(
    *, patient: Patient, courses: Sequence[Course], course: Course | None
) -> CourseWindow:
    """The dates a course's statistics cover: from ``IPTCARE_OUTCOMES_BASELINE_DAYS``
    before it opened (the intake scores; never before an earlier course ended) to the
    day it ended, or today. Two queries (sessions, life events)."""
    today = timezone.localdate()
    if course is None:
        return CourseWindow(course=None, start=today - timedelta(days=365), end=today)
    start = shifted(
        course.opened_on, -timedelta(days=settings.IPTCARE_OUTCOMES_BASELINE_DAYS)
    )
    earlier = [
        c.ended_on
        for c in courses
        if c.pk != course.pk and c.ended_on and c.ended_on <= course.opened_on
    ]
    if earlier:
        start = max(start, max(earlier) + timedelta(days=1))
    end = course.ended_on or today
    sessions = list(
        CourseSession.objects.filter(course=course)
        .order_by("held_on", "id")
        .values_list("held_on", "attendance")
    )
    attended = tuple(day for day, kind in sessions if kind == Attendance.ATTENDED)
    missed = tuple(day for day, kind in sessions if kind == Attendance.MISSED)
    events = (
        TimelineEntry.objects.filter(
            course=course,
            category=TimelineCategory.LIFE_EVENT,
            started_on__gte=start,
            started_on__lte=end,
        )
        .order_by("started_on", "id")
        .values_list("started_on", "title")
    )
    return CourseWindow(
        course=course,
        start=start,
        end=end,
        attended=attended,
        missed=missed,
        phases=phase_spans(course, end),
        life_events=tuple(Marker(day, title) for day, title in events),
    )


def _scores(
    patient: Patient, window: CourseWindow, instruments: Iterable[str]
) -> dict[str, list[calc.ScorePoint]]:
    rows = Administration.objects.filter(
        patient=patient,
        instrument_id__in=list(instruments),
        superseded_at__isnull=True,
        total__isnull=False,
        administered_at__date__gte=window.start,
        administered_at__date__lte=window.end,
    ).values_list("instrument_id", "administered_at", "total", "answers", "source")
    scores: dict[str, list[calc.ScorePoint]] = {}
    for instrument_id, when, total, answers, source in rows.order_by(
        "administered_at", "id"
    ):
        day = _local_day(when)
        session = calc.session_of(day, window.attended) if window.course else None
        if session is not None and source == Source.INTAKE_SCREENING:
            session = 0  # intake, even when sessions were dated on the same day
        note = prorated_note_for(instrument_id, answers, total)
        scores.setdefault(instrument_id, []).append(
            calc.ScorePoint(
                when=when, value=float(total or 0), session=session, note=note
            )
        )
    return scores


def expected_models() -> dict[tuple[str, str], calc.ExpectedModel]:
    """Every fitted expected trajectory, by (instrument, band): one query."""
    return {
        (row.instrument_id, row.band): row.as_model()
        for row in ExpectedTrajectory.objects.all()
    }


def instrument_progress(
    *,
    rules: calc.InstrumentRules,
    scores: Sequence[calc.ScorePoint],
    window: CourseWindow,
    models: dict[tuple[str, str], calc.ExpectedModel],
    key: str,
    size: ChartSize = WIDE,
    wording: ChartWording = ENGLISH,
) -> InstrumentProgress:
    """Outcome, not-on-track status and chart of one instrument (no query); the
    chart's own words in ``wording``'s language."""
    minimum = settings.IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES
    by_session = settings.IPTCARE_OUTCOMES_STATED_RULE_SESSION
    outcome = calc.course_outcome(rules, scores)
    band = rules.band_for(outcome.baseline.value) if outcome.baseline else None
    model = models.get((rules.instrument_id, band or ""))
    options = {"model": model, "minimum_courses": minimum, "by_session": by_session}
    status = calc.track_status(rules, scores, **options)  # type: ignore[arg-type]
    trajectory = (
        calc.expected_trajectory(rules, scores, **options)  # type: ignore[arg-type]
        if window.course is not None
        else None
    )
    chart = ChartData(
        key=key,
        rules=rules,
        scores=tuple(scores),
        phases=window.phases,
        life_events=window.life_events,
        missed_sessions=tuple(Marker(day, "missed session") for day in window.missed),
        trajectory=trajectory,
        start=window.course.opened_on if window.course else None,
        end=window.end if window.course else None,
        size=size,
        wording=wording,
    )
    return InstrumentProgress(rules, outcome, status, chart, chart_table(chart))


def patient_courses(patient: Patient) -> list[Course]:
    return list(
        Course.objects.filter(patient=patient)
        .select_related("program")
        .order_by("-opened_on", "-id")
    )


ALL = "all"


def chosen_course(
    courses: Sequence[Course], public_id: uuid.UUID | str | None
) -> Course | None:
    """The course asked for (404 if it is not this patient's), else the open one, else
    the latest; ``"all"`` for no course (every score of the last year)."""
    if public_id == ALL:
        return None
    if public_id is not None:
        for course in courses:
            if course.public_id == public_id:
                return course
        raise Http404("No such course.")
    for course in courses:
        if course.is_open:
            return course
    return courses[0] if courses else None


def patient_progress(
    *,
    patient: Patient,
    course_public_id: uuid.UUID | str | None = None,
    only: Sequence[str] | None = None,
    size: ChartSize = WIDE,
    wording: ChartWording = ENGLISH,
) -> Progress:
    """The progress of the patient's chosen course on each instrument with a score in
    it (the PHQ-9 always). Five queries: courses, sessions, life events, scores,
    expected trajectories."""
    courses = patient_courses(patient)
    course = chosen_course(courses, course_public_id)
    window = course_window(patient=patient, courses=courses, course=course)
    wanted = list(only) if only else outcome_instruments()
    scores = _scores(patient, window, wanted)
    models = expected_models()
    shown = [i for i in wanted if i in scores or i == PRIMARY]
    suffix = (course.public_id.hex[:8] if course else "all") + (
        "" if size == WIDE else f"-{size.name}"
    )
    instruments = []
    for instrument_id in shown:
        rules = rules_for(instrument_id)
        if rules is None:
            continue
        instruments.append(
            instrument_progress(
                rules=rules,
                scores=scores.get(instrument_id, []),
                window=window,
                models=models,
                key=f"{instrument_id}-{suffix}",
                size=size,
                wording=wording,
            )
        )
    by_id = {i.rules.instrument_id: i for i in instruments}
    paired = None
    if "phq9" in by_id and "gad7" in by_id and course is not None:
        paired = calc.paired_outcome(by_id["phq9"].outcome, by_id["gad7"].outcome)
    return Progress(
        window=window,
        courses=courses,
        instruments=instruments,
        paired=paired,
        minimum_courses=settings.IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES,
        by_session=settings.IPTCARE_OUTCOMES_STATED_RULE_SESSION,
    )
