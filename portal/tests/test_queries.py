"""Portal pages cost the same number of queries for one row as for many: a patient
with a long diary, much homework and many people loads as fast as a new one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import PersonFactory, course_in_phase
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from portal.models import DiaryEntry, Homework
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db

PAGES = [
    "portal:home",
    "portal:diary",
    "portal:homework-list",
    "portal:people",
    "portal:sessions",
    "portal:plan",
]


def _patient_with(clinic: Clinic, size: int):  # type: ignore[no-untyped-def]
    patient = PatientFactory(team=clinic.team_a)
    CareTeamMemberFactory(patient=patient, staff=clinic.therapist_on_team)
    course = course_in_phase(
        Phase.MIDDLE, patient=patient, clinician=clinic.therapist_on_team
    )
    people = [PersonFactory(course=course) for _ in range(size)]
    today = timezone.localdate()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            patient=patient,
            course=course,
            day=today - dt.timedelta(days=n),
            mood=5,
            craving=2,
            person=people[n % size],
            what_happened="x",
        )
        for n in range(size)
    )
    Homework.objects.bulk_create(
        Homework(
            patient=patient,
            course=course,
            template="reach_out",
            set_by=clinic.therapist_on_team,
        )
        for _ in range(size)
    )
    return patient, course


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_portal_page_queries_do_not_grow(clinic: Clinic, name: str) -> None:
    counts = []
    for size in (1, 12):
        patient, _ = _patient_with(clinic, size)
        client = sign_in_patient(Client(), patient)
        counts.append(_count(client, reverse(name)))
    assert counts[0] == counts[1], counts


def test_session_preparation_queries_do_not_grow(clinic: Clinic) -> None:
    counts = []
    staff = Client()
    staff.force_login(clinic.therapist_on_team)
    for size in (1, 12):
        patient, course = _patient_with(clinic, size)
        url = reverse(
            "portal:staff-session-prep", args=[patient.public_id, course.public_id]
        )
        counts.append(_count(staff, url))
    assert counts[0] == counts[1], counts
