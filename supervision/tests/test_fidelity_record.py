"""IPT's structure read from the record: courses built in the database to keep and to
break each element, through the dashboard's refresh job (``supervision.facts``), and
the service's share of courses keeping each element, by clinician."""

from __future__ import annotations

import datetime
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access import ServiceScope
from accounts.models import Staff
from conftest import Clinic, signed_in
from ipt.choices import Attendance, Frequency, Outcome, Phase
from ipt.models import (
    Contract,
    Course,
    CourseProblemArea,
    CourseSession,
    InventoryPerson,
)
from ipt.models.termination import RelapsePreventionPlan
from ipt.tests.factories import CourseFactory, PersonFactory, program
from outcomes import dashboard
from outcomes.forms import default_period
from outcomes.models import CourseOutcome
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import score
from patients.tests.factories import PatientFactory
from supervision.fidelity import ELEMENTS

pytestmark = pytest.mark.django_db

KEYS = [key for key, _ in ELEMENTS]
# "At most two problem areas" cannot be broken in the record: the database refuses a
# third (``ipt_area_at_most_two``), so a course with an area always keeps it.
BREAKABLE = [key for key in KEYS if key != "areas"]


def _at(day: date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def ipt12(
    clinician: Staff,
    clinic: Clinic,
    *,
    broken: frozenset[str] = frozenset(),
    ended_days_ago: int = 10,
) -> Course:
    """An ended IPT-12 course (3 initial and 3 termination sessions, 12 weekly
    sessions, all attended) that kept every element of IPT's structure except those
    in ``broken``. Session n falls on ``first + 7·(n − 1)`` days; the initial phase's
    deadline is session 4, termination is due at session 12 − 3 + 1 = 10."""
    last = timezone.localdate() - timedelta(days=ended_days_ago)
    first = last - timedelta(weeks=11)

    def session(n: int) -> date:
        return first + timedelta(weeks=n - 1)

    course = CourseFactory(
        patient=PatientFactory(team=clinic.team_a),
        clinician=clinician,
        program=program("ipt12"),
        opened_on=first,
        phase=Phase.ENDED,
        ended_on=last,
        outcome=Outcome.COMPLETED,
        sessions_attended=12,
        # Formulation: agreed on the day of session 4, or never.
        formulation_agreed_on=None if "formulation" in broken else session(4),
        # Termination: begun at session 10, or a week late at session 11.
        termination_began_on=session(11 if "termination" in broken else 10),
    )
    CourseSession.objects.bulk_create(
        CourseSession(
            course=course,
            number=n,
            held_on=session(n),
            attendance=Attendance.ATTENDED,
            phase=Phase.MIDDLE,
            recorded_by=clinician,
        )
        for n in range(1, 13)
    )
    # Inventory: its first person on the day of session 4, or at session 5.
    person = PersonFactory(course=course)
    InventoryPerson.objects.filter(pk=person.pk).update(
        created_at=_at(session(5 if "inventory" in broken else 4))
    )
    # Problem areas: grief and a role transition, chosen at session 2 or, broken, at
    # session 5.
    chosen_on = session(5 if "problem_area" in broken else 2)
    for rank, area in enumerate(["grief", "transitions"], start=1):
        made = CourseProblemArea.objects.create(
            course=course, area=area, rank=rank, chosen_by=clinician
        )
        CourseProblemArea.objects.filter(pk=made.pk).update(created_at=_at(chosen_on))
    # Contract: agreed at session 3, or drafted and never agreed.
    Contract.objects.create(
        course=course,
        sessions_agreed=12,
        frequency=Frequency.WEEKLY,
        starts_on=first,
        missed_session_policy="Call to rearrange.",
        agreed_on=None if "contract" in broken else session(3),
    )
    # Measures: a PHQ-9 on the day of each session (12 of 12), or of 9 only (75 %,
    # under the 80 % a course must reach).
    for n in range(1, 10 if "measures" in broken else 13):
        score(course.patient, "phq9", 12, session(n))
    # Relapse-prevention plan: complete, or with no crisis plan (incomplete).
    RelapsePreventionPlan.objects.create(
        course=course,
        warning_signs="Sleeping badly.",
        interpersonal_triggers="Arguments at home.",
        coping_steps="Call a friend.",
        people_to_contact="Sister.",
        crisis_plan="" if "relapse_plan" in broken else "Call the duty line.",
    )
    return course


def _kept(course: Course) -> dict[str, bool | None]:
    row = CourseOutcome.objects.get(course=course)
    return {key: getattr(row, f"kept_{key}") for key in KEYS}


def test_a_course_built_to_keep_every_element_keeps_them_all(clinic: Clinic) -> None:
    course = ipt12(clinic.therapist_on_team, clinic)
    service_outcomes_refresh()
    assert _kept(course) == dict.fromkeys(KEYS, True)


@pytest.mark.parametrize("key", BREAKABLE)
def test_a_course_built_to_break_one_element_breaks_that_one(
    clinic: Clinic, key: str
) -> None:
    course = ipt12(clinic.therapist_on_team, clinic, broken=frozenset({key}))
    service_outcomes_refresh()
    assert _kept(course) == {k: k != key for k in KEYS}


def test_a_third_problem_area_is_refused_so_at_most_two_is_always_kept(
    clinic: Clinic,
) -> None:
    from django.db import IntegrityError, transaction

    course = ipt12(clinic.therapist_on_team, clinic)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseProblemArea.objects.create(
            course=course, area="deficits", rank=3, chosen_by=course.clinician
        )
    service_outcomes_refresh()
    assert _kept(course)["areas"] is True


def _board() -> dashboard.Dashboard:
    start, end = default_period(timezone.localdate())
    return dashboard.service_dashboard(
        scope=ServiceScope(whole_service=True),
        filters=dashboard.Filters(start=start, end=end),
    )


def test_the_share_keeping_each_element_by_clinician(clinic: Clinic) -> None:
    on_team, off_team = clinic.therapist_on_team, clinic.therapist_off_team
    everything = frozenset(BREAKABLE)
    # On-team: one course kept everything, one broke everything it could: 1 of 2
    # each (2 of 2 for at most two areas).
    ipt12(on_team, clinic)
    ipt12(on_team, clinic, broken=everything)
    # Off-team: one course kept everything: 1 of 1 each. Their course that broke
    # everything ended 400 days ago, outside the period: not counted.
    ipt12(off_team, clinic)
    ipt12(off_team, clinic, broken=everything, ended_days_ago=400)
    # And a course just opened (one session): nothing is due yet, so it is in no
    # denominator.
    opened = CourseFactory(
        patient=PatientFactory(team=clinic.team_a),
        clinician=off_team,
        program=program("ipt12"),
        opened_on=timezone.localdate() - timedelta(days=3),
        sessions_attended=1,
    )
    CourseSession.objects.create(
        course=opened,
        number=1,
        held_on=opened.opened_on,
        attendance=Attendance.ATTENDED,
        phase=Phase.INITIAL,
        recorded_by=off_team,
    )
    service_outcomes_refresh()
    assert set(_kept(opened).values()) == {None}
    board = _board()
    # Whole selection: 2 of the 3 courses in the period kept each element (3 of 3
    # kept at most two areas).
    assert {key: (r.count, r.denominator) for key, r in board.overall.fidelity} == {
        **dict.fromkeys(BREAKABLE, (2, 3)),
        "areas": (3, 3),
    }
    shares = {
        group.label: {key: (r.count, r.denominator) for key, r in group.fidelity}
        for group in board.by_clinician
    }
    assert shares[on_team.display_name] == {
        **dict.fromkeys(BREAKABLE, (1, 2)),
        "areas": (2, 2),
    }
    assert shares[off_team.display_name] == dict.fromkeys(KEYS, (1, 1))


def test_the_page_shows_each_clinicians_share(client: Client, clinic: Clinic) -> None:
    ipt12(clinic.therapist_on_team, clinic)
    ipt12(clinic.therapist_on_team, clinic, broken=frozenset({"contract"}))
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    page = client.get(reverse("outcomes:service")).content.decode()
    row = page.split("Treatment contract agreed", 1)[1].split("</tr>", 1)[0]
    # Whole selection and the one clinician: 1 of 2 (Wilson 9.5 %–90.5 %, printed
    # rounded half to even).
    assert row.count("1 of 2 (95 % CI 10 %–90 %)") == 2
    other = page.split("Formulation agreed with the patient", 1)[1].split("</tr>")[0]
    assert other.count("2 of 2 (95 % CI 34 %–100 %)") == 2  # Wilson 34.2 %–100 %
