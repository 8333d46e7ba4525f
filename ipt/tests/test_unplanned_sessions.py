"""One way to record a session: the course page's form is for a session that was never
booked, and recording it books its appointment on the spot (attended or did not attend)
in the same transaction, so every session of the course belongs to an appointment."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Attendance, Phase
from ipt.models import Course, CourseSession
from ipt.tests.factories import course_in_phase
from scheduling import services as scheduling
from scheduling.choices import AppointmentStatus, AttendanceOutcome
from scheduling.models import Appointment, Attendee
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def _url(course: Course, name: str = "ipt:session-record") -> str:
    return reverse(name, args=[course.patient.public_id, course.public_id])


def _an_hour_ago() -> datetime.datetime:
    return timezone.localtime() - datetime.timedelta(hours=1)


def _post(when: datetime.datetime, **fields: str) -> dict[str, str]:
    return {
        "held_on": when.date().isoformat(),
        "at": f"{when:%H:%M}",
        "duration_minutes": "50",
        "attendance": "attended",
        "same_day": "on",  # the fixture's sessions may share today's date
        **fields,
    }


def _counts() -> tuple[int, int, int]:
    return (
        Appointment.objects.count(),
        Attendee.objects.count(),
        CourseSession.objects.count(),
    )


def test_an_unplanned_session_is_booked_on_the_spot_and_counted(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    attended_before = course.sessions_attended
    when = _an_hour_ago()
    response = client.post(_url(course), _post(when))
    assert response.status_code == 302
    attendee = Attendee.objects.select_related("appointment", "course_session").get(
        course=course
    )
    appointment = attendee.appointment
    assert appointment.status == AppointmentStatus.SCHEDULED
    assert appointment.clinician == course.clinician
    assert appointment.local_starts_at.strftime("%Y-%m-%d %H:%M") == when.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert appointment.duration_minutes == 50
    assert attendee.attendance == AttendanceOutcome.ATTENDED
    session = attendee.course_session
    assert session is not None
    assert session.number == attended_before + 1
    assert session.held_on == when.date()
    course.refresh_from_db()
    assert course.sessions_attended == attended_before + 1
    categories = set(
        AuditEvent.objects.filter(patient=clinic.patient).values_list(
            "category", flat=True
        )
    )
    assert {"appointment", "attendance", "ipt_session"} <= categories


def test_a_session_not_attended_is_recorded_missed_and_unnumbered(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    attended_before = course.sessions_attended
    client.post(_url(course), _post(_an_hour_ago(), attendance="did_not_attend"))
    attendee = Attendee.objects.select_related("course_session").get(course=course)
    assert attendee.attendance == AttendanceOutcome.DID_NOT_ATTEND
    assert attendee.course_session is not None
    assert attendee.course_session.attendance == Attendance.MISSED
    assert attendee.course_session.number is None
    course.refresh_from_db()
    assert course.sessions_attended == attended_before


def test_every_session_recorded_from_the_page_belongs_to_an_appointment(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    made_before = set(CourseSession.objects.values_list("pk", flat=True))
    for hours in (5, 3):
        when = timezone.localtime() - datetime.timedelta(hours=hours)
        assert client.post(_url(course), _post(when)).status_code == 302
    made = CourseSession.objects.exclude(pk__in=made_before)
    assert made.count() == 2
    assert not made.filter(attendee__isnull=True).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"at": ""}, "This field is required."),
        ({"at": "25:99"}, "Enter a valid time."),
        ({"duration_minutes": "5"}, "greater than or equal to 10"),
        ({"attendance": "late_cancellation"}, "Select a valid choice."),
        ({"held_on": "2099-01-01"}, "The date is in the future."),
    ],
)
def test_bad_input_says_what_is_wrong_and_books_nothing(
    client: Client,
    clinic: Clinic,
    course: Course,
    change: dict[str, str],
    message: str,
) -> None:
    client.force_login(clinic.therapist_on_team)
    before = _counts()
    response = client.post(_url(course), _post(_an_hour_ago(), **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_a_session_later_today_is_refused_as_not_yet_begun(
    client: Client, clinic: Clinic, course: Course
) -> None:
    later = timezone.localtime() + datetime.timedelta(minutes=30)
    if later.date() != timezone.localdate():
        pytest.skip("half an hour from now is tomorrow")
    client.force_login(clinic.therapist_on_team)
    before = _counts()
    response = client.post(_url(course), _post(later))
    assert "recorded once it has begun" in response.content.decode()
    assert _counts() == before


def test_a_booked_session_at_that_time_is_named_instead_of_a_second_booking(
    client: Client, clinic: Clinic, course: Course
) -> None:
    when = _an_hour_ago().replace(second=0, microsecond=0)
    booked(clinic.patient, clinic.therapist_on_team, starts_at=when, course=course)
    client.force_login(clinic.therapist_on_team)
    before = _counts()
    response = client.post(_url(course), _post(when))
    page = response.content.decode()
    assert "That time clashes." in page
    assert _counts() == before


def test_an_ended_course_records_no_unplanned_session(
    clinic: Clinic, course: Course
) -> None:
    course.phase, course.outcome = Phase.ENDED, "transferred"
    course.ended_on = timezone.localdate()
    course.save(update_fields=["phase", "outcome", "ended_on"])
    before = _counts()
    when = _an_hour_ago()
    with pytest.raises(scheduling.Refused, match="The course has ended"):
        scheduling.unplanned_session_record(
            by=clinic.therapist_on_team,
            course=course,
            day=when.date(),
            at=when.time(),
            duration_minutes=50,
            outcome=AttendanceOutcome.ATTENDED,
        )
    assert _counts() == before


def test_a_late_cancellation_is_not_an_unplanned_session(
    clinic: Clinic, course: Course
) -> None:
    when = _an_hour_ago()
    kwargs: dict[str, Any] = {
        "by": clinic.therapist_on_team,
        "course": course,
        "day": when.date(),
        "at": when.time(),
        "duration_minutes": 50,
    }
    with pytest.raises(scheduling.Refused):
        scheduling.unplanned_session_record(
            **kwargs, outcome=AttendanceOutcome.LATE_CANCELLATION
        )
    assert not Appointment.objects.exists()


def test_ending_the_course_lists_the_unplanned_session_without_a_signed_note(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    client.post(_url(course), _post(_an_hour_ago()))
    session = Attendee.objects.get(course=course).course_session
    assert session is not None
    page = client.get(_url(course, "ipt:course-end")).content.decode()
    assert "without a signed note" in page
    note = reverse(
        "ipt:note",
        args=[course.patient.public_id, course.public_id, session.public_id],
    )
    assert note in page
