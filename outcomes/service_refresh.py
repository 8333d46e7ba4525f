"""The periodic job behind the service dashboard: recompute every course's row of
``CourseOutcome`` from the record, with the per-course definitions of
``outcomes.calculations`` and the fidelity elements of ``supervision.fidelity``.

A fixed number of queries per chunk of courses (``CHUNK``), whatever their size; the
dashboard then aggregates the one narrow table (docs/outcomes.md, "Service outcomes").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from ipt.choices import Outcome, Phase
from ipt.models import Course
from iptcare.lib.local_days import day_begins
from measures.models import Administration
from outcomes import calculations as calc
from outcomes import dashboard, service
from outcomes.definitions import outcome_instruments, rules_for
from outcomes.models import CourseOutcome
from outcomes.services import course_scores, in_chunks
from recovery import calculations as use_calc
from recovery.selectors import chunk_histories
from referrals.models import Referral
from supervision import facts, fidelity

HEADLINE = facts.SCORED
_day = facts.local_day


def _waited(referred_at: datetime | None, held: list[date]) -> int | None:
    if referred_at is None or not held:
        return None
    return max(0, (held[0] - _day(referred_at)).days)


def use_terms(outcome: use_calc.UseOutcome | None) -> dict[str, Any]:
    """One course's use outcome as the dashboard row stores it: abstinence in the last
    28 days and the heavy-drinking reduction through ``service_use_summary`` (so that a
    course counts exactly as the summary counts it), and the mean percentage of days
    abstinent at start and end over the substances known at both ends."""
    if outcome is None or not outcome.substances:
        return {"use_recorded": False}
    summary = use_calc.service_use_summary([outcome])
    both = [
        s
        for s in outcome.substances
        if s.pda_start is not None and s.pda_end is not None
    ]
    return {
        "use_recorded": True,
        "use_abstinent_last_28": bool(summary.abstinent_last_28)
        if summary.known_last_28
        else None,
        "use_pda_start": _mean([s.pda_start for s in both if s.pda_start is not None]),
        "use_pda_end": _mean([s.pda_end for s in both if s.pda_end is not None]),
        "use_heavy_reduction": summary.mean_heavy_reduction,
    }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _rows(chunk: list[Course], now: datetime) -> list[CourseOutcome]:
    ids = [c.pk for c in chunk]
    today = timezone.localdate()
    scores = course_scores(chunk, HEADLINE)
    gathered = facts.gather(chunk, scores)
    referred = dict(
        Referral.objects.filter(course_id__in=ids).values_list(
            "course_id", "created_at"
        )
    )
    # Follow-up scores fall after the course ended, outside ``course_scores``.
    instruments = outcome_instruments()
    ended = [c for c in chunk if c.ended_on is not None]
    after: dict[int, list[date]] = defaultdict(list)
    if ended:
        first_end = min(c.ended_on for c in ended if c.ended_on)
        for patient_id, when in Administration.objects.filter(
            patient_id__in={c.patient_id for c in ended},
            instrument_id__in=instruments,
            superseded_at__isnull=True,
            total__isnull=False,
            administered_at__gte=day_begins(first_end + timedelta(days=1)),
        ).values_list("patient_id", "administered_at"):
            after[patient_id].append(_day(when))
    rules = {i: rules_for(i) for i in HEADLINE}
    use = chunk_histories(ended)
    rows = []
    for course in chunk:
        outcomes: dict[str, calc.Outcome | None] = {}
        for instrument_id in HEADLINE:
            rule = rules[instrument_id]
            points = scores.get((course.pk, instrument_id), [])
            outcomes[instrument_id] = (
                calc.course_outcome(rule, points) if rule and points else None
            )
        depression, anxiety = outcomes["phq9"], outcomes["gad7"]
        paired = (
            calc.paired_outcome(depression, anxiety)
            if depression is not None and anxiety is not None
            else None
        )
        figures = service.course_figures(depression, anxiety, paired)
        held = list(gathered.facts[course.pk].attended)
        kept = {
            e.key: e.kept
            for e in fidelity.course_fidelity(gathered.facts[course.pk]).elements
        }
        follow = {}
        for months in service.FOLLOW_UP_MONTHS:
            due = course.ended_on is not None and service.follow_up_due(
                course.ended_on, months, today
            )
            follow[f"follow_up_{months}_due"] = due
            follow[f"follow_up_{months}_returned"] = bool(
                due
                and course.ended_on is not None
                and service.follow_up_returned(
                    course.ended_on, months, after[course.patient_id]
                )
            )
        patient = course.patient
        use_outcome = (
            use_calc.use_outcome(
                use[course.patient_id],
                treatment_start=course.opened_on,
                treatment_end=course.ended_on,
            )
            if course.ended_on is not None and use.get(course.patient_id)
            else None
        )
        rows.append(
            CourseOutcome(
                course=course,
                clinician_id=course.clinician_id,
                team_id=patient.team_id,
                site_id=patient.team.site_id if patient.team_id else None,
                program_id=course.program_id,
                problem_area=gathered.first_area[course.pk],
                referred_on=_day(referred[course.pk])
                if course.pk in referred
                else None,
                opened_on=course.opened_on,
                first_session_on=held[0] if held else None,
                waited_days=_waited(referred.get(course.pk), held),
                ended_on=course.ended_on,
                sessions_attended=len(held),
                sessions_missed=gathered.missed.get(course.pk, 0),
                sessions_planned=course.sessions_planned,
                finished=course.phase == Phase.ENDED and len(held) >= 2,
                dropped_out=course.outcome == Outcome.DROPPED_OUT,
                measure=figures.measure,
                caseness=figures.caseness,
                recovery=figures.recovery,
                reliable_improvement=figures.reliable_improvement,
                reliable_deterioration=figures.reliable_deterioration,
                reliable_recovery=figures.reliable_recovery,
                baseline_severity=figures.baseline_severity,
                computed_at=now,
                **use_terms(use_outcome),
                **follow,
                **{f"kept_{key}": value for key, value in kept.items()},
            )
        )
    return rows


def service_outcomes_refresh() -> int:
    """Recompute every course's dashboard row; returns the number of courses."""
    now = timezone.now()
    courses = list(Course.objects.select_related("patient__team").order_by("id"))
    for chunk in in_chunks(courses):
        rows = _rows(list(chunk), now)
        with transaction.atomic():
            CourseOutcome.objects.filter(course__in=[c.pk for c in chunk]).delete()
            CourseOutcome.objects.bulk_create(rows)
    CourseOutcome.objects.filter(computed_at__lt=now).delete()
    dashboard.SERVICE_FIGURES.move()
    audit.record(
        actor=None,
        action=Action.UPDATE,
        category="service_outcomes",
        detail=f"courses={len(courses)}",
    )
    return len(courses)
