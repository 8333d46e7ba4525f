"""Reads for the course report: one course of a patient the caller already got through
``accounts.access`` (which audited the read), and everything the report prints.

The course is fetched *through* the patient, so another patient's course id is a 404.
The outcomes are the progress page's own (``outcomes.selectors.patient_progress``):
the same statistics, the same chart and the same table. A fixed number of queries,
whatever the number of sessions, goals, ratings or scores.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from disclosures import rules as disclosure_rules
from ipt import gas
from ipt.choices import Attendance, Phase
from ipt.models import (
    Contract,
    Course,
    CourseExtension,
    CourseProblemArea,
    CourseSession,
    GoalRating,
    RelapsePreventionPlan,
    TerminationReview,
)
from ipt.selectors import GoalRow
from outcomes import selectors as outcomes
from outcomes.charts import PhaseSpan

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

PLAN_FIELDS = (
    ("warning_signs", "Warning signs"),
    ("interpersonal_triggers", "Interpersonal triggers"),
    ("other_triggers", "Other triggers"),
    ("coping_steps", "Coping steps"),
    ("people_to_contact", "People to contact"),
    ("crisis_plan", "Crisis plan"),
)


@dataclass(frozen=True)
class PhaseRow:
    """A phase of the course with its dates and its sessions by attendance."""

    phase: str
    label: str
    start: date | None
    end: date | None
    attended: int
    missed: int
    cancelled: int


@dataclass(frozen=True)
class CourseReport:
    """Everything the course report prints."""

    patient: Patient
    course: Course
    progress: outcomes.Progress
    contract: Contract | None
    extensions: list[CourseExtension]
    areas: list[CourseProblemArea]
    goals: list[GoalRow]
    gas_t_score: float | None
    sessions: list[CourseSession]
    phases: list[PhaseRow]
    review: TerminationReview | None
    relapse_plan: RelapsePreventionPlan | None
    generated_at: datetime
    generated_by: Staff
    emergency_access: bool = False
    part2: bool = False
    """42 CFR Part 2 records: the report is marked and leaves only as a disclosure."""

    @property
    def disclosure_path(self) -> str:
        """Where a clinician prepares the disclosure that lets the report leave."""
        return reverse(
            "disclosures:disclosure-new", kwargs={"public_id": self.patient.public_id}
        )

    @property
    def ended(self) -> bool:
        return self.course.phase == Phase.ENDED

    @property
    def title(self) -> str:
        return "End-of-treatment report" if self.ended else "Progress report"

    @property
    def attended(self) -> int:
        return sum(row.attended for row in self.phases)

    @property
    def missed(self) -> int:
        return sum(row.missed for row in self.phases)

    @property
    def cancelled(self) -> int:
        return sum(row.cancelled for row in self.phases)

    @property
    def plan_sections(self) -> list[tuple[str, str]]:
        """The relapse-prevention plan's written parts, as (heading, text)."""
        if self.relapse_plan is None:
            return []
        written = [
            (label, str(getattr(self.relapse_plan, name, "")).strip())
            for name, label in PLAN_FIELDS
        ]
        return [(label, text) for label, text in written if text]


def _related(course: Course, name: str) -> object | None:
    """A reverse one-to-one loaded by ``select_related``, or None when there is none."""
    try:
        related: object = getattr(course, name)
    except ObjectDoesNotExist:
        return None
    return related


def _phase_rows(
    sessions: list[CourseSession], spans: tuple[PhaseSpan, ...]
) -> list[PhaseRow]:
    dates = {span.phase: (span.start, span.end) for span in spans}
    rows = []
    for phase in (Phase.INITIAL, Phase.MIDDLE, Phase.TERMINATION):
        held = [session for session in sessions if session.phase == phase]
        start, end = dates.get(str(phase), (None, None))
        if not held and start is None:
            continue
        if start is None and held:
            # A phase begun and left on one day has no span of its own: its sessions'
            # dates are the truth, never a dash.
            start = min(s.held_on for s in held)
            end = max(s.held_on for s in held)
        rows.append(
            PhaseRow(
                phase=str(phase),
                label=str(phase.label),
                start=start,
                end=end,
                attended=sum(s.attendance == Attendance.ATTENDED for s in held),
                missed=sum(s.attendance == Attendance.MISSED for s in held),
                cancelled=sum(s.attendance == Attendance.CANCELLED for s in held),
            )
        )
    return rows


def _gas_t_score(course: Course, goals: list[GoalRow]) -> float | None:
    """The T-score stored when the course ended; otherwise the one the goals' latest
    ratings give (None until every goal is rated), as the termination page shows it."""
    if course.phase == Phase.ENDED and course.gas_t_score is not None:
        return course.gas_t_score
    if not goals or any(row.latest is None for row in goals):
        return None
    levels = [row.latest.level for row in goals if row.latest is not None]
    weights = [float(row.goal.weight) for row in goals]
    return round(gas.t_score(levels, weights), 1)


def course_report(
    *,
    patient: Patient,
    course_public_id: uuid.UUID,
    by: Staff,
    emergency_access: bool = False,
) -> CourseReport:
    """The report of one of the patient's courses (404 for a course of anyone else).
    Twelve queries, whatever the course holds."""
    course = (
        Course.objects.select_related(
            "program",
            "clinician",
            "contract",
            "termination_review__decided_by",
            "relapse_plan",
        )
        .filter(public_id=course_public_id, patient=patient)
        .first()
    )
    if course is None:
        raise Http404("No such course.")
    course.patient = patient  # already loaded: no second query
    progress = outcomes.patient_progress(
        patient=patient, course_public_id=course.public_id
    )
    sessions = list(course.sessions.order_by("held_on", "id"))
    goals = [
        GoalRow(goal, list(goal.ratings.all()))
        for goal in course.goals.prefetch_related(
            Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "id"))
        )
    ]
    review = _related(course, "termination_review")
    plan = _related(course, "relapse_plan")
    contract = _related(course, "contract")
    return CourseReport(
        patient=patient,
        course=course,
        progress=progress,
        contract=contract if isinstance(contract, Contract) else None,
        extensions=list(course.extensions.all()),
        areas=list(course.problem_areas.all()),
        goals=goals,
        gas_t_score=_gas_t_score(course, goals),
        sessions=sessions,
        phases=_phase_rows(sessions, progress.window.phases),
        review=review if isinstance(review, TerminationReview) else None,
        relapse_plan=plan if isinstance(plan, RelapsePreventionPlan) else None,
        generated_at=timezone.localtime(),
        generated_by=by,
        emergency_access=emergency_access,
        part2=disclosure_rules.is_part2(patient),
    )
