"""Ending a course ends its calendar: future appointments cancelled (or kept, when the
clinician says so) in the same transaction, their reminders and invitations stopped,
the calendar feed updated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import Clinic
from ipt import services as ipt_services
from ipt.choices import Outcome, Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase
from scheduling import services
from scheduling.choices import AppointmentStatus
from scheduling.models import Appointment
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def _weekly(clinic: Clinic, course: Course, count: int) -> list[Appointment]:
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    return [
        booked(
            clinic.patient,
            clinic.therapist_on_team,
            starts_at=start + timedelta(weeks=week),
            course=course,
        )
        for week in range(count)
    ]


def _statuses(appointments: list[Appointment]) -> list[str]:
    return [Appointment.objects.get(pk=a.pk).status for a in appointments]


def test_ending_early_cancels_every_future_appointment(
    clinic: Clinic, course: Course
) -> None:
    appointments = _weekly(clinic, course, 5)
    ipt_services.course_end(
        course=course,
        by=clinic.therapist_on_team,
        outcome=Outcome.DROPPED_OUT,
        reason="Moved away and asked to stop.",
    )
    assert _statuses(appointments) == [AppointmentStatus.CANCELLED] * 5
    assert services.future_appointments_of(course) == []
    assert services.messages_due(now=timezone.now()) == []


def test_an_appointment_kept_stays_booked(clinic: Clinic, course: Course) -> None:
    appointments = _weekly(clinic, course, 3)
    ipt_services.course_end(
        course=course,
        by=clinic.therapist_on_team,
        outcome=Outcome.TRANSFERRED,
        reason="Transferred to the team nearer home.",
        keep_appointments=[str(appointments[2].public_id)],
    )
    assert _statuses(appointments) == [
        AppointmentStatus.CANCELLED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.SCHEDULED,
    ]


def test_a_refused_end_cancels_nothing(clinic: Clinic, course: Course) -> None:
    appointments = _weekly(clinic, course, 2)
    with pytest.raises(ipt_services.Refused):
        ipt_services.course_end(
            course=course,
            by=clinic.therapist_on_team,
            outcome=Outcome.DROPPED_OUT,
            reason="",  # a reason is required: nothing changes
        )
    assert _statuses(appointments) == [AppointmentStatus.SCHEDULED] * 2


def test_the_end_page_asks_about_each_future_appointment_and_cancels_by_default(
    client: Client, clinic: Clinic, course: Course
) -> None:
    appointments = _weekly(clinic, course, 3)
    client.force_login(clinic.therapist_on_team)
    url = reverse("ipt:course-end", args=[clinic.patient.public_id, course.public_id])
    page = client.get(url).content.decode()
    assert page.count('name="keep_appointments"') == 3
    response = client.post(
        url,
        {
            "outcome": Outcome.STEPPED_UP,
            "reason": "Needs inpatient care for now.",
            "ended_on": timezone.localdate().isoformat(),
            "keep_appointments": [str(appointments[0].public_id)],
        },
    )
    assert response.status_code == 302
    assert _statuses(appointments) == [
        AppointmentStatus.SCHEDULED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.CANCELLED,
    ]


def test_an_unknown_appointment_to_keep_is_refused_and_nothing_changes(
    client: Client, clinic: Clinic, course: Course
) -> None:
    appointments = _weekly(clinic, course, 2)
    client.force_login(clinic.therapist_on_team)
    url = reverse("ipt:course-end", args=[clinic.patient.public_id, course.public_id])
    response = client.post(
        url,
        {
            "outcome": Outcome.STEPPED_UP,
            "reason": "Needs inpatient care for now.",
            "ended_on": timezone.localdate().isoformat(),
            "keep_appointments": ["not-an-appointment"],
        },
    )
    assert response.status_code == 200
    course.refresh_from_db()
    assert course.phase != Phase.ENDED
    assert _statuses(appointments) == [AppointmentStatus.SCHEDULED] * 2


def test_the_calendar_feed_no_longer_holds_the_ended_courses_sessions(
    client: Client, clinic: Clinic, course: Course
) -> None:
    _weekly(clinic, course, 2)
    token = services.feed_create(staff=clinic.therapist_on_team)
    url = reverse("scheduling:feed", kwargs={"token": token})

    def booked_events() -> list[object]:
        events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        return [e for e in events if str(e.get("status")) != "CANCELLED"]

    assert len(booked_events()) == 2
    ipt_services.course_end(
        course=course,
        by=clinic.therapist_on_team,
        outcome=Outcome.DROPPED_OUT,
        reason="Stopped coming and said so.",
    )
    assert booked_events() == []


def test_ending_lists_the_attended_sessions_without_a_signed_note(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    url = reverse("ipt:course-end", args=[clinic.patient.public_id, course.public_id])
    page = client.get(url).content.decode()
    attended = course.sessions.filter(attendance="attended").count()
    assert attended > 0
    assert f"{attended} attended session" in page
    assert "without a signed note" in page
