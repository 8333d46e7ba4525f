"""Periodic outcome work: refitting the expected trajectories from the service's own
finished courses, and recomputing every open course's not-on-track status (raising an
alert, once, when a rule fires). Both are called by ``outcomes.tasks``; neither runs
on a page view."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts import rules as alert_rules
from alerts.choices import SourceType
from alerts.services import alert_raise
from audit import services as audit
from audit.choices import Action
from ipt.choices import Attendance, Phase
from ipt.models import Course, CourseSession
from iptcare.lib.dates import shifted
from iptcare.lib.local_days import day_begins
from measures.models import Administration
from outcomes import calculations as calc
from outcomes.definitions import alerting_instruments, outcome_instruments, rules_for
from outcomes.models import ExpectedTrajectory

CHUNK = 500


def course_scores(
    courses: Sequence[Course], instruments: Sequence[str]
) -> dict[tuple[int, str], list[calc.ScorePoint]]:
    """Each course's scores on each instrument with their session numbers: two
    queries per chunk of courses, whatever their size."""
    lookback = timedelta(days=settings.IPTCARE_OUTCOMES_BASELINE_DAYS)
    attended: dict[int, list[date]] = defaultdict(list)
    for course_id, held_on in (
        CourseSession.objects.filter(course__in=courses, attendance=Attendance.ATTENDED)
        .order_by("course_id", "held_on")
        .values_list("course_id", "held_on")
    ):
        attended[course_id].append(held_on)
    by_patient: dict[int, list[Course]] = defaultdict(list)
    for course in courses:
        by_patient[course.patient_id].append(course)
    # The clinic's day of each score: the zone looked up once, not once per score
    # (a supervisor's review reads every score of a team's open courses).
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    earliest = min((c.opened_on for c in courses), default=today)
    scores: dict[tuple[int, str], list[calc.ScorePoint]] = defaultdict(list)
    for patient_id, instrument_id, when, total in (
        Administration.objects.filter(
            patient_id__in=list(by_patient),
            instrument_id__in=list(instruments),
            superseded_at__isnull=True,
            total__isnull=False,
            administered_at__gte=day_begins(shifted(earliest, -lookback), zone),
        )
        .order_by("administered_at", "id")
        .values_list("patient_id", "instrument_id", "administered_at", "total")
    ):
        day = when.astimezone(zone).date()
        for course in by_patient[patient_id]:
            end = course.ended_on or today
            if shifted(course.opened_on, -lookback) <= day <= end:
                session = calc.session_of(day, attended[course.pk])
                scores[(course.pk, instrument_id)].append(
                    calc.ScorePoint(when=when, value=float(total or 0), session=session)
                )
    return scores


def in_chunks(courses: Sequence[Course]) -> Iterator[Sequence[Course]]:
    for start in range(0, len(courses), CHUNK):
        yield courses[start : start + CHUNK]


@transaction.atomic
def trajectories_refit(*, percentile: int = calc.DEFAULT_PERCENTILE) -> int:
    """Fit the expected trajectory of every outcome instrument and starting band from
    the finished courses (ended, with at least two attended sessions — the NHS Talking
    Therapies definition of a finished course). Replaces the previous fit; returns the
    number of (instrument, band) trajectories stored."""
    instruments = outcome_instruments()
    finished = list(
        Course.objects.filter(phase=Phase.ENDED, sessions_attended__gte=2)
        .only("id", "patient_id", "opened_on", "ended_on")
        .order_by("id")
    )
    per_band: dict[tuple[str, str], list[list[calc.ScorePoint]]] = defaultdict(list)
    for chunk in in_chunks(finished):
        for (_, instrument_id), points in course_scores(chunk, instruments).items():
            rules = rules_for(instrument_id)
            if rules is None or len(points) < 2:
                continue
            band = rules.band_for(points[0].value)
            if band:
                per_band[(instrument_id, band)].append(points)
    now = timezone.now()
    kept = []
    for (instrument_id, band), courses in per_band.items():
        rules = rules_for(instrument_id)
        assert rules is not None  # noqa: S101 - filtered above
        model = calc.fit_expected(rules, band, courses, pct=percentile)
        if model is None:
            continue
        row, _ = ExpectedTrajectory.objects.update_or_create(
            instrument_id=instrument_id,
            band=band,
            defaults={
                "courses": model.courses,
                "slope": model.slope,
                "lower": model.lower,
                "upper": model.upper,
                "percentile": model.percentile,
                "version": model.version,
                "fitted_at": now,
            },
        )
        kept.append(row.pk)
    ExpectedTrajectory.objects.exclude(pk__in=kept).delete()
    audit.record(
        actor=None,
        action=Action.UPDATE,
        category="expected_trajectory",
        detail=f"fitted={len(kept)}; finished_courses={len(finished)}",
    )
    return len(kept)


def not_on_track_check() -> int:
    """Recompute the not-on-track status of every open course on each instrument with
    a verified reliable-change threshold (PHQ-9, GAD-7) — as it stood after each of
    its scores, so a deterioration between two runs is not missed — and raise an alert
    the first time each rule fires for a course and instrument. Returns alerts raised."""
    instruments = alerting_instruments()
    models = {
        (row.instrument_id, row.band): row.as_model()
        for row in ExpectedTrajectory.objects.all()
    }
    options = {
        "minimum_courses": settings.IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES,
        "by_session": settings.IPTCARE_OUTCOMES_STATED_RULE_SESSION,
    }
    open_courses = list(
        Course.objects.exclude(phase=Phase.ENDED)
        .select_related("patient")
        .order_by("id")
    )
    raised = 0
    for chunk in in_chunks(open_courses):
        scores = course_scores(chunk, instruments)
        with transaction.atomic():
            for course in chunk:
                for instrument_id in instruments:
                    rules = rules_for(instrument_id)
                    points = scores.get((course.pk, instrument_id), [])
                    if rules is None or len(points) < 2:
                        continue
                    band = rules.band_for(points[0].value) or ""
                    history = calc.track_history(
                        rules,
                        points,
                        model=models.get((instrument_id, band)),
                        **options,
                    )
                    for rule, status in calc.first_fired(history).items():
                        alert = alert_raise(
                            patient=course.patient,
                            finding=alert_rules.not_on_track(
                                rules.name, rule.value, status.reason
                            ),
                            source_type=SourceType.COURSE,
                            source_key=f"{course.pk}:{instrument_id}:{rule.value}",
                            course=course,
                        )
                        raised += alert is not None
    return raised
