"""Factories for the IPT app. Programs come from the data migration (``program``);
the builders make a course ready for a given step without going through the services
(and so without audit rows), for tests that start in the middle of a course."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import StaffFactory
from ipt.choices import (
    ContactFrequency,
    DatePrecision,
    EventKind,
    ExpectationsMet,
    Frequency,
    NoteStatus,
    Phase,
    ProblemArea,
    Quality,
    Relationship,
    TimelineCategory,
)
from ipt.defaults import programs_ensure
from ipt.models import (
    Contract,
    Course,
    CourseProblemArea,
    CourseSession,
    Goal,
    Group,
    InventoryPerson,
    Program,
    SessionNote,
    TimelineEntry,
)
from patients.tests.factories import PatientFactory


def program(code: str = "ipt12") -> Program:
    """A default program (restored first if a transactional test flushed them)."""
    programs_ensure()
    return Program.objects.get(code=code)


class CourseFactory(DjangoModelFactory[Course]):
    class Meta:
        model = Course

    patient = factory.SubFactory(PatientFactory)
    program = factory.LazyFunction(lambda: program("ipt12"))
    clinician = factory.SubFactory(StaffFactory)
    opened_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=90)
    )
    initial_sessions = factory.LazyAttribute(lambda o: o.program.initial_sessions)
    termination_sessions = factory.LazyAttribute(
        lambda o: o.program.termination_sessions
    )
    sessions_planned = factory.LazyAttribute(lambda o: o.program.sessions)


class PersonFactory(DjangoModelFactory[InventoryPerson]):
    class Meta:
        model = InventoryPerson

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    relationship = Relationship.FRIEND
    contact_frequency = ContactFrequency.WEEKLY
    closeness = 3
    quality = Quality.GOOD
    expectations_met = ExpectationsMet.YES


class TimelineEntryFactory(DjangoModelFactory[TimelineEntry]):
    class Meta:
        model = TimelineEntry

    course = factory.SubFactory(CourseFactory)
    category = TimelineCategory.LIFE_EVENT
    kind = EventKind.LIFE_CHANGE
    title = factory.Sequence(lambda n: f"Event {n}")
    started_on = datetime.date(2025, 3, 1)
    precision = DatePrecision.MONTH


class GoalFactory(DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    course = factory.SubFactory(CourseFactory)
    area = ProblemArea.DISPUTES
    position = 1
    description = factory.Sequence(lambda n: f"Goal {n}")
    level_minus_2 = "Rows every day"
    level_minus_1 = "Rows most days"
    level_0 = "Talks it through once a week"
    level_plus_1 = "Talks it through most weeks"
    level_plus_2 = "Agreed a new way of sharing the chores"


class GroupFactory(DjangoModelFactory[Group]):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Evening group {n}")
    program = factory.LazyFunction(lambda: program("group"))
    team = factory.SubFactory("accounts.tests.factories.TeamFactory")

    @factory.post_generation
    def facilitators(
        self, create: bool, extracted: list[Any] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.facilitators.set(extracted)


def ready_for_middle(course: Course, *, area: str = ProblemArea.DISPUTES) -> Course:
    """Give an initial-phase course what the middle phase needs: an area (a dispute at
    renegotiation), an agreed formulation, an agreed contract and one goal."""
    chooser = course.clinician
    CourseProblemArea.objects.create(
        course=course,
        area=area,
        rank=1,
        dispute_stage="renegotiation" if area == ProblemArea.DISPUTES else "",
        chosen_by=chooser,
    )
    today = timezone.localdate()
    course.formulation = "Low mood since the arguments with her partner began."
    course.formulation_agreed_on = today
    course.save(update_fields=["formulation", "formulation_agreed_on"])
    Contract.objects.create(
        course=course,
        sessions_agreed=course.sessions_planned,
        frequency=Frequency.WEEKLY,
        starts_on=course.opened_on,
        missed_session_policy="Call to rearrange; two missed in a row, we review.",
        agreed_on=today,
    )
    GoalFactory(course=course, area=area)
    return course


def attended_sessions(
    course: Course, count: int, *, phase: str | None = None
) -> list[CourseSession]:
    """``count`` attended sessions after those already held (bulk, no services)."""
    start = course.sessions_attended
    first_day = course.opened_on
    sessions = CourseSession.objects.bulk_create(
        CourseSession(
            course=course,
            number=start + index + 1,
            held_on=first_day + datetime.timedelta(days=7 * (start + index)),
            phase=phase or course.phase,
            recorded_by=course.clinician,
        )
        for index in range(count)
    )
    course.sessions_attended = start + count
    course.save(update_fields=["sessions_attended"])
    return sessions


def course_in_phase(phase: str, **kwargs: Any) -> Course:
    """A course in the middle or termination phase, with its sessions held."""
    course = CourseFactory(**kwargs)
    ready_for_middle(course)
    if phase == Phase.INITIAL:
        return course
    attended_sessions(course, course.initial_sessions, phase=Phase.INITIAL)
    course.phase = Phase.MIDDLE
    course.save(update_fields=["phase"])
    middle_sessions = course.plan.termination_starts_at - 1 - course.sessions_attended
    if phase == Phase.MIDDLE:
        attended_sessions(course, max(0, middle_sessions - 1), phase=Phase.MIDDLE)
        return course
    attended_sessions(course, middle_sessions, phase=Phase.MIDDLE)
    course.phase = Phase.TERMINATION
    course.save(update_fields=["phase"])
    attended_sessions(course, 1, phase=Phase.TERMINATION)
    return course


def signed_note(session: CourseSession, **fields: Any) -> SessionNote:
    return SessionNote.objects.create(
        session=session,
        author=session.course.clinician,
        phase=session.phase,
        status=NoteStatus.SIGNED,
        signed_at=timezone.now(),
        signed_by=session.course.clinician,
        risk_level="none",
        plan="Carry on with the role play.",
        **fields,
    )
