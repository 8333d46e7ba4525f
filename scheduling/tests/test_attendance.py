"""Attendance drives the course's session count and phase; two did-not-attends in a
row are recorded as an engagement event; group sessions record every member."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from accounts.choices import CareTeamRole
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Attendance, Phase
from ipt.models import Course, CourseSession, GroupMember, GroupSession
from ipt.tests.factories import CourseFactory, GroupFactory, course_in_phase, program
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from scheduling import recurrence, services
from scheduling.choices import AttendanceOutcome, EngagementKind
from scheduling.models import Appointment, Attendee, EngagementEvent
from scheduling.services import Refused
from scheduling.tests.factories import booked, group_booked

pytestmark = pytest.mark.django_db


def _attendee(appointment: Appointment) -> Attendee:
    return appointment.attendees.get()


def _past(days: int) -> object:
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def middle_course(clinic: Clinic) -> Course:
    """IPT-12 in its middle phase with 8 sessions held: termination starts at 10."""
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def _record(clinic: Clinic, course: Course, days_ago: int, outcome: str) -> Attendee:
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=_past(days_ago),
        course=course,
    )
    return services.attendance_record(
        by=clinic.therapist_on_team,
        attendee=_attendee(appointment),
        outcome=AttendanceOutcome(outcome),
    )


def test_an_attended_session_counts_on_the_course_and_moves_it_into_termination(
    clinic: Clinic, middle_course: Course
) -> None:
    assert middle_course.sessions_attended == 8
    # when: session 9
    attendee = _record(clinic, middle_course, 14, "attended")
    # then
    middle_course.refresh_from_db()
    assert middle_course.sessions_attended == 9
    assert middle_course.phase == Phase.MIDDLE
    assert attendee.course_session is not None
    assert attendee.course_session.number == 9
    # when: session 10 is the first of the last three
    _record(clinic, middle_course, 7, "attended")
    # then
    middle_course.refresh_from_db()
    assert middle_course.sessions_attended == 10
    assert middle_course.phase == Phase.TERMINATION


@pytest.mark.parametrize(
    ("outcome", "on_course"),
    [
        ("did_not_attend", Attendance.MISSED),
        ("late_cancellation", Attendance.CANCELLED),
    ],
)
def test_a_missed_or_late_cancelled_session_is_noted_without_using_up_the_contract(
    clinic: Clinic, middle_course: Course, outcome: str, on_course: str
) -> None:
    attendee = _record(clinic, middle_course, 7, outcome)
    middle_course.refresh_from_db()
    assert middle_course.sessions_attended == 8
    session = CourseSession.objects.get(pk=attendee.course_session_id)
    assert session.number is None
    assert session.attendance == on_course


def test_two_did_not_attends_in_a_row_record_an_engagement_event(
    clinic: Clinic, middle_course: Course
) -> None:
    # given
    _record(clinic, middle_course, 21, "did_not_attend")
    assert not EngagementEvent.objects.exists()
    # when
    second = _record(clinic, middle_course, 14, "did_not_attend")
    # then
    event = EngagementEvent.objects.get()
    assert event.kind == EngagementKind.MISSED_IN_A_ROW
    assert (event.patient, event.course) == (clinic.patient, middle_course)
    assert event.appointment == second.appointment
    assert event.missed_in_a_row == 2
    # a third in a row raises another, longer run
    _record(clinic, middle_course, 7, "did_not_attend")
    assert list(EngagementEvent.objects.values_list("missed_in_a_row", flat=True)) == [
        3,
        2,
    ]


def test_an_attended_session_between_two_misses_breaks_the_run(
    clinic: Clinic, middle_course: Course
) -> None:
    _record(clinic, middle_course, 21, "did_not_attend")
    _record(clinic, middle_course, 14, "attended")
    _record(clinic, middle_course, 7, "did_not_attend")
    assert not EngagementEvent.objects.exists()


def test_a_cancelled_appointment_between_two_misses_does_not_break_the_run(
    clinic: Clinic, middle_course: Course
) -> None:
    _record(clinic, middle_course, 21, "did_not_attend")
    cancelled = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=_past(14),
        course=middle_course,
        status="cancelled",
    )
    assert cancelled.is_cancelled
    _record(clinic, middle_course, 7, "did_not_attend")
    assert EngagementEvent.objects.get().missed_in_a_row == 2


def test_attendance_is_recorded_once_and_only_after_the_start(
    clinic: Clinic, middle_course: Course
) -> None:
    future = booked(clinic.patient, clinic.therapist_on_team, course=middle_course)
    with pytest.raises(Refused, match="once the session has begun"):
        services.attendance_record(
            by=clinic.therapist_on_team,
            attendee=_attendee(future),
            outcome=AttendanceOutcome.ATTENDED,
        )
    attendee = _record(clinic, middle_course, 7, "attended")
    with pytest.raises(Refused, match="already recorded"):
        services.attendance_record(
            by=clinic.therapist_on_team,
            attendee=attendee,
            outcome=AttendanceOutcome.DID_NOT_ATTEND,
        )
    middle_course.refresh_from_db()
    assert middle_course.sessions_attended == 9


def test_a_course_refusal_changes_nothing(clinic: Clinic) -> None:
    # given: a course whose contract is used up
    course = CourseFactory(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        phase=Phase.TERMINATION,
        sessions_attended=12,
    )
    appointment = booked(
        clinic.patient, clinic.therapist_on_team, starts_at=_past(1), course=course
    )
    # when / then
    with pytest.raises(Refused, match="extension"):
        services.attendance_record(
            by=clinic.therapist_on_team,
            attendee=_attendee(appointment),
            outcome=AttendanceOutcome.ATTENDED,
        )
    assert _attendee(appointment).attendance == ""
    assert not CourseSession.objects.filter(course=course).exists()


def test_an_appointment_without_a_course_records_attendance_only(
    clinic: Clinic,
) -> None:
    appointment = booked(clinic.patient, clinic.therapist_on_team, starts_at=_past(1))
    attendee = services.attendance_record(
        by=clinic.therapist_on_team,
        attendee=_attendee(appointment),
        outcome=AttendanceOutcome.ATTENDED,
    )
    assert attendee.attendance == AttendanceOutcome.ATTENDED
    assert attendee.course_session is None
    row = AuditEvent.objects.filter(category="attendance").get()
    assert row.patient == clinic.patient
    assert row.detail.startswith("attendance=attended")


# --- Groups -------------------------------------------------------------------------
def _group_with_members(clinic: Clinic, size: int) -> tuple[object, list[Course]]:
    group = GroupFactory(team=clinic.team_a, facilitators=[clinic.therapist_on_team])
    courses = []
    for _ in range(size):
        patient = PatientFactory(team=clinic.team_a)
        CareTeamMemberFactory(
            patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
        )
        course = CourseFactory(
            patient=patient,
            clinician=clinic.therapist_on_team,
            program=program("group"),
            phase=Phase.MIDDLE,
            sessions_attended=2,
        )
        GroupMember.objects.create(group=group, course=course)
        courses.append(course)
    return group, courses


def test_a_group_session_is_one_appointment_with_each_members_attendance(
    clinic: Clinic,
) -> None:
    # given
    group, courses = _group_with_members(clinic, 3)
    appointment = group_booked(group, clinic.therapist_on_team, starts_at=_past(1))
    assert appointment.attendees.count() == 3
    outcomes = dict(
        zip(
            [str(c.public_id) for c in courses],
            [
                AttendanceOutcome.ATTENDED,
                AttendanceOutcome.DID_NOT_ATTEND,
                AttendanceOutcome.LATE_CANCELLATION,
            ],
            strict=True,
        )
    )
    # when
    services.group_attendance_record(
        by=clinic.therapist_on_team, appointment=appointment, outcomes=outcomes
    )
    # then: one meeting of the group, one session on each member's course
    meeting = GroupSession.objects.get(group=group)
    assert meeting.course_sessions.count() == 3
    counted = {
        c.pk: c.sessions_attended
        for c in Course.objects.filter(pk__in=[c.pk for c in courses])
    }
    assert counted == {courses[0].pk: 3, courses[1].pk: 2, courses[2].pk: 2}
    recorded = dict(appointment.attendees.values_list("course_id", "attendance"))
    assert recorded[courses[1].pk] == AttendanceOutcome.DID_NOT_ATTEND
    assert AuditEvent.objects.filter(category="attendance").count() == 3


def test_a_group_session_needs_every_members_attendance(clinic: Clinic) -> None:
    group, courses = _group_with_members(clinic, 2)
    appointment = group_booked(group, clinic.therapist_on_team, starts_at=_past(1))
    with pytest.raises(Refused, match="every member"):
        services.group_attendance_record(
            by=clinic.therapist_on_team,
            appointment=appointment,
            outcomes={str(courses[0].public_id): AttendanceOutcome.ATTENDED},
        )
    assert not GroupSession.objects.exists()
    assert not appointment.attendees.exclude(attendance="").exists()


def test_group_series_books_every_member_and_checks_every_facilitator(
    clinic: Clinic,
) -> None:
    group, _ = _group_with_members(clinic, 4)
    group.facilitators.add(clinic.supervisor)
    start = timezone.localdate() + timedelta(days=7)
    # the co-facilitator is busy at the third meeting
    booked(
        clinic.patient,
        clinic.supervisor,
        starts_at=recurrence.local_instant(
            start + timedelta(weeks=2), time(18, 30), "Europe/London"
        ),
    )
    with pytest.raises(Refused, match=clinic.supervisor.display_name):
        services.group_series_book(
            by=clinic.therapist_on_team,
            group=group,
            clinician=clinic.therapist_on_team,
            first_date=start,
            at=time(18),
            duration_minutes=90,
            sessions=8,
            frequency="weekly",
            place="Group room",
        )
    series = services.group_series_book(
        by=clinic.therapist_on_team,
        group=group,
        clinician=clinic.therapist_on_team,
        first_date=start,
        at=time(10),
        duration_minutes=90,
        sessions=8,
        frequency="weekly",
        place="Group room",
    )
    assert series.appointments.count() == 8
    assert Attendee.objects.filter(appointment__series=series).count() == 32
