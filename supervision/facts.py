"""The record's facts about courses' structure, gathered for ``supervision.fidelity``
in a fixed number of queries per chunk of courses: used by the dashboard's refresh
job (every course) and by the course page (one course)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from ipt.choices import Attendance
from ipt.models import (
    Contract,
    Course,
    CourseProblemArea,
    CourseSession,
    InventoryPerson,
)
from ipt.models.termination import RelapsePreventionPlan
from iptcare.lib.dates import shifted
from measures.models import Administration
from outcomes import calculations as calc
from supervision.fidelity import CourseFacts

if TYPE_CHECKING:
    from ipt.selectors import CourseDetail

SCORED = ("phq9", "gad7")


def local_day(when: datetime) -> date:
    return timezone.localtime(when).date()


@dataclass(frozen=True)
class Gathered:
    """Per course: its fidelity facts, its missed sessions and its first-ranked area."""

    facts: dict[int, CourseFacts]
    missed: dict[int, int]
    first_area: dict[int, str]


def gather(
    courses: Sequence[Course],
    scores: Mapping[tuple[int, str], Sequence[calc.ScorePoint]],
) -> Gathered:
    """``scores`` are ``outcomes.services.course_scores`` of these courses on
    ``SCORED`` (the caller has them already)."""
    ids = [c.pk for c in courses]
    attended: dict[int, list[date]] = defaultdict(list)
    missed: dict[int, int] = defaultdict(int)
    for course_id, held_on, attendance in (
        CourseSession.objects.filter(course_id__in=ids)
        .order_by("course_id", "held_on", "id")
        .values_list("course_id", "held_on", "attendance")
    ):
        if attendance == Attendance.ATTENDED:
            attended[course_id].append(held_on)
        elif attendance == Attendance.MISSED:
            missed[course_id] += 1
    inventory = dict(
        InventoryPerson.objects.filter(course_id__in=ids)
        .values("course_id")
        .annotate(first=Min("created_at"))
        .values_list("course_id", "first")
    )
    areas: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
    for course_id, rank, area, created in CourseProblemArea.objects.filter(
        course_id__in=ids
    ).values_list("course_id", "rank", "area", "created_at"):
        areas[course_id].append((rank, area, created))
    contracts = dict(
        Contract.objects.filter(course_id__in=ids).values_list("course_id", "agreed_on")
    )
    plans = {
        plan.course_id: plan.is_complete
        for plan in RelapsePreventionPlan.objects.filter(course_id__in=ids)
    }
    facts = {}
    first_area = {}
    for course in courses:
        chosen = sorted(areas[course.pk])
        first_area[course.pk] = chosen[0][1] if chosen else ""
        facts[course.pk] = CourseFacts(
            initial_sessions=course.initial_sessions,
            termination_sessions=course.termination_sessions,
            planned=course.sessions_planned,
            phase=course.phase,
            outcome=course.outcome,
            attended=tuple(attended[course.pk]),
            inventory_first_on=local_day(inventory[course.pk])
            if course.pk in inventory
            else None,
            problem_area_first_on=min(
                (local_day(c) for _, _, c in chosen), default=None
            ),
            problem_areas=len(chosen),
            formulation_agreed_on=course.formulation_agreed_on,
            contract_agreed_on=contracts.get(course.pk),
            termination_began_on=course.termination_began_on,
            relapse_plan_written=plans.get(course.pk, False),
            score_days=tuple(
                p.day for i in SCORED for p in scores.get((course.pk, i), [])
            ),
        )
    return Gathered(facts=facts, missed=dict(missed), first_area=first_area)


def score_days(course: Course) -> tuple[date, ...]:
    """The days of the course's PHQ-9 and GAD-7 scores (one query), on the same
    window as ``outcomes.services.course_scores``."""
    lookback = timedelta(days=settings.IPTCARE_OUTCOMES_BASELINE_DAYS)
    end = course.ended_on or timezone.localdate()
    days = (
        local_day(when)
        for when in Administration.objects.filter(
            patient_id=course.patient_id,
            instrument_id__in=SCORED,
            superseded_at__isnull=True,
            total__isnull=False,
            administered_at__date__gte=shifted(course.opened_on, -lookback),
        ).values_list("administered_at", flat=True)
    )
    return tuple(sorted(day for day in days if day <= end))


def from_course_page(detail: CourseDetail) -> CourseFacts:
    """The facts from what the course page has loaded already (``ipt.selectors.
    course_detail``), plus the scores' days: one query more for the page."""
    course = detail.course
    areas = list(detail.areas)
    return CourseFacts(
        initial_sessions=course.initial_sessions,
        termination_sessions=course.termination_sessions,
        planned=course.sessions_planned,
        phase=course.phase,
        outcome=course.outcome,
        attended=tuple(sorted(s.held_on for s in detail.attended)),
        inventory_first_on=min(
            (local_day(p.created_at) for p in detail.people), default=None
        ),
        problem_area_first_on=min(
            (local_day(a.created_at) for a in areas), default=None
        ),
        problem_areas=len(areas),
        formulation_agreed_on=course.formulation_agreed_on,
        contract_agreed_on=detail.contract.agreed_on if detail.contract else None,
        termination_began_on=course.termination_began_on,
        relapse_plan_written=bool(
            detail.relapse_plan and detail.relapse_plan.is_complete
        ),
        score_days=score_days(course),
    )
