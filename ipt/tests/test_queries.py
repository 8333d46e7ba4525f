"""Page cost does not grow with the course: the same number of queries for 3 people,
entries and notes as for 30; the caseload's Phase column adds one query per page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import (
    GoalFactory,
    PersonFactory,
    TimelineEntryFactory,
    attended_sessions,
    course_in_phase,
    signed_note,
)
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _course_with(clinic: Clinic, size: int) -> Course:
    """A course in termination with ``size`` people, entries and signed notes, for a
    patient of its own (signed notes are never deleted, so each size gets a new one)."""
    patient = PatientFactory(team=clinic.team_a)
    CareTeamMemberFactory(patient=patient, staff=clinic.therapist_on_team)
    course = course_in_phase(
        Phase.TERMINATION, patient=patient, clinician=clinic.therapist_on_team
    )
    Course.objects.filter(pk=course.pk).update(sessions_planned=40)
    course.refresh_from_db()
    attended_sessions(course, size, phase=Phase.TERMINATION)
    for session in course.sessions.order_by("-number")[:size]:
        signed_note(session)
    for index in range(size):
        PersonFactory(course=course, closeness=1 + index % 5)
        TimelineEntryFactory(course=course)
    for position in (2, 3):
        GoalFactory(course=course, position=position)
    return course


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


PAGES = ["ipt:course-detail", "ipt:inventory", "ipt:timeline", "ipt:termination"]


@pytest.mark.parametrize("name", PAGES)
def test_a_course_page_costs_the_same_for_3_and_for_30(
    client: Client, clinic: Clinic, django_db_blocker: Any, name: str
) -> None:
    client.force_login(clinic.therapist_on_team)
    counts = []
    for size in (3, 30):
        course = _course_with(clinic, size)
        url = reverse(
            name,
            kwargs={
                "public_id": course.patient.public_id,
                "course_id": course.public_id,
            },
        )
        counts.append(_queries(client, url))
    assert counts[0] == counts[1], counts
    print(f"{name}: {counts[0]} queries")  # noqa: T201 - reported in the summary


def test_the_course_page_query_count_is_pinned(clinic: Clinic, client: Client) -> None:
    """The number itself, so that a new query per section is a conscious change."""
    client.force_login(clinic.therapist_on_team)
    course = _course_with(clinic, 5)
    url = reverse(
        "ipt:course-detail",
        kwargs={"public_id": course.patient.public_id, "course_id": course.public_id},
    )
    client.get(url)  # the session row and the like, created on the first request
    # 26: the supervisor's advice (#14) and the patient's medication (#19) joined the
    # page in one query each; PostgreSQL adds one for the audit chain's lock.
    assert _queries(client, url) <= 27


def test_the_caseload_phase_column_costs_one_query_for_5_or_50_patients(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    counts = []
    for size in (5, 50):
        for _ in range(size - len(counts) * 5):
            patient = PatientFactory(team=clinic.team_a)
            CareTeamMemberFactory(patient=patient, staff=clinic.therapist_on_team)
            course_in_phase(
                Phase.MIDDLE, patient=patient, clinician=clinic.therapist_on_team
            )
        counts.append(_queries(client, reverse("patients:caseload")))
    assert counts[0] == counts[1], counts
    page = client.get(reverse("patients:caseload")).content.decode()
    assert "Middle, 8 of 12" in page
