"""A session recorded on the course page on a day that has one already needs saying
so: nothing is recorded until the clinician confirms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def _url(course: Course) -> str:
    return reverse(
        "ipt:session-record", args=[course.patient.public_id, course.public_id]
    )


def test_a_second_session_on_the_same_day_needs_confirming(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    day = course.sessions.order_by("-held_on").first().held_on  # type: ignore[union-attr]
    before = course.sessions.count()
    fields = {"held_on": day.isoformat(), "at": "00:10", "duration_minutes": "50"}
    page = client.post(_url(course), {**fields, "attendance": "attended"})
    assert page.status_code == 200
    assert "already recorded on this day" in page.content.decode()
    assert course.sessions.count() == before
    confirmed = client.post(
        _url(course), {**fields, "attendance": "attended", "same_day": "on"}
    )
    assert confirmed.status_code == 302
    assert course.sessions.count() == before + 1


def test_the_form_points_to_the_appointment_for_a_booked_session(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.therapist_on_team)
    page = client.get(_url(course)).content.decode()
    assert reverse("scheduling:today") in page
