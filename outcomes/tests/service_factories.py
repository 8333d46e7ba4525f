"""Courses built for the service dashboard's tests: ended (or open) with a first and
a last PHQ-9 (and optionally GAD-7) score, then the dashboard rows recomputed."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import Staff, Team
from ipt.choices import Attendance, Outcome, Phase
from ipt.models import Course, CourseSession
from ipt.tests.factories import CourseFactory
from measures.tests.factories import AdministrationFactory
from patients.tests.factories import PatientFactory


def answers(instrument_id: str, total: int) -> list[int]:
    """Item answers (0–3) that add up to ``total``."""
    items = {"phq9": 9, "gad7": 7}[instrument_id]
    out = []
    for _ in range(items):
        value = min(3, total)
        out.append(value)
        total -= value
    assert total == 0, "more than the scale's maximum"
    return out


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def score(patient: Any, instrument_id: str, total: int, day: datetime.date) -> None:
    AdministrationFactory(
        patient=patient,
        instrument_id=instrument_id,
        answers=answers(instrument_id, total),
        administered_at=_at(day),
    )


def service_course(
    *,
    clinician: Staff,
    team: Team,
    phq9: tuple[int, int] | None = (15, 5),
    gad7: tuple[int, int] | None = None,
    ended_on: datetime.date | None = None,
    sessions: int = 6,
    missed: int = 0,
    outcome: str = Outcome.COMPLETED,
    weeks: int = 10,
    patient: Any = None,
    **fields: Any,
) -> Course:
    """A course of ``sessions`` attended sessions over ``weeks`` weeks, ended on
    ``ended_on`` (open when ``None``), with first and last scores on the opening and
    the last day. A new patient of ``team`` unless ``patient`` is given."""
    last = ended_on or timezone.localdate()
    opened = last - datetime.timedelta(weeks=weeks)
    patient = patient or PatientFactory(team=team)
    course = CourseFactory(
        patient=patient,
        clinician=clinician,
        opened_on=opened,
        phase=Phase.ENDED if ended_on else Phase.MIDDLE,
        ended_on=ended_on,
        outcome=outcome if ended_on else "",
        sessions_attended=sessions,
        **fields,
    )
    step = (last - opened) / max(1, sessions + missed)
    CourseSession.objects.bulk_create(
        [
            CourseSession(
                course=course,
                number=n + 1 if n < sessions else None,
                held_on=opened + step * (n + 1) - datetime.timedelta(days=1),
                attendance=Attendance.ATTENDED if n < sessions else Attendance.MISSED,
                phase=Phase.MIDDLE,
                recorded_by=clinician,
            )
            for n in range(sessions + missed)
        ]
    )
    for instrument_id, pair in (("phq9", phq9), ("gad7", gad7)):
        if pair is not None:
            score(patient, instrument_id, pair[0], opened)
            score(patient, instrument_id, pair[1], last)
    return course
