"""Builders for report tests: a course with sessions, goals, ratings, scores, a
termination review and a relapse-prevention plan, made with factories (no services,
so no audit rows)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from ipt.choices import Attendance, Phase, TerminationDecision
from ipt.models import (
    Course,
    CourseSession,
    GoalRating,
    RelapsePreventionPlan,
    TerminationReview,
)
from ipt.tests.factories import course_in_phase
from measures.tests.factories import AdministrationFactory
from patients.models import Patient


def answers_for(total: int, items: int) -> list[int]:
    """Item answers (0–3) adding up to ``total``."""
    base, extra = divmod(total, items)
    return [base + (1 if i < extra else 0) for i in range(items)]


def score(patient: Patient, instrument: str, total: int, day: datetime.date) -> None:
    """A PHQ-9 (item 9 kept at 0: no risk answer) or GAD-7 total on ``day``."""
    if instrument == "phq9":
        answers = [*answers_for(total, 8), 0]
    else:
        answers = answers_for(total, 7)
    AdministrationFactory(
        patient=patient,
        instrument_id=instrument,
        answers=answers,
        administered_at=timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9, 0))
        ),
    )


def report_course(
    *,
    patient: Patient,
    clinician: Any,
    phq9: Sequence[int] = (),
    gad7: Sequence[int] = (),
    missed: int = 0,
    rated: bool = True,
    review: bool = True,
    plan: bool = True,
) -> Course:
    """A termination-phase course: its sessions (weekly from the day it opened), a goal
    rated at each phase, the n-th score on the day of session n (the first at intake,
    three days before the course opened), ``missed`` missed sessions, and the review
    and the plan."""
    course = course_in_phase(Phase.TERMINATION, patient=patient, clinician=clinician)
    course.opened_on = timezone.localdate() - datetime.timedelta(weeks=14)
    course.middle_began_on = course.opened_on + datetime.timedelta(weeks=3)
    course.termination_began_on = course.opened_on + datetime.timedelta(weeks=10)
    course.save()
    for index, session in enumerate(course.sessions.order_by("number")):
        session.held_on = course.opened_on + datetime.timedelta(weeks=index)
        session.save(update_fields=["held_on"])
    for index in range(missed):
        CourseSession.objects.create(
            course=course,
            held_on=course.opened_on + datetime.timedelta(weeks=index, days=3),
            attendance=Attendance.MISSED,
            phase=Phase.MIDDLE,
            recorded_by=clinician,
        )
    goal = course.goals.get()
    if rated:
        for weeks, level in ((4, -1), (11, 1)):
            GoalRating.objects.create(
                goal=goal,
                level=level,
                rated_on=course.opened_on + datetime.timedelta(weeks=weeks),
                rated_by=clinician,
            )
    days = [course.opened_on - datetime.timedelta(days=3)] + [
        course.opened_on + datetime.timedelta(weeks=week) for week in range(13)
    ]
    for day, total in zip(days, phq9, strict=False):
        score(patient, "phq9", total, day)
    for day, total in zip(days, gad7, strict=False):
        score(patient, "gad7", total, day)
    if review:
        TerminationReview.objects.create(
            course=course,
            progress_summary="Mood lifted as the rows with her partner eased.",
            decision=TerminationDecision.END,
            decision_reason="Goals met; plan agreed.",
            decided_on=timezone.localdate(),
            decided_by=clinician,
        )
    if plan:
        RelapsePreventionPlan.objects.create(
            course=course,
            warning_signs="Sleeping badly; skipping the Tuesday meeting.",
            coping_steps="Call the sponsor; walk with the dog.",
        )
    return course
