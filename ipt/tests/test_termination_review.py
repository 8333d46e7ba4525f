"""The progress review reads first and latest scores from the measures app, with the
goals' ratings and the GAS T-score so far."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic
from ipt import selectors, services
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from measures.tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db


def test_score_changes_take_the_first_and_latest_current_score(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    now = timezone.now()
    opened = timezone.make_aware(
        datetime.datetime.combine(course.opened_on, datetime.time(9))
    )
    # intake two weeks before opening (counted), one a year before (not), then weekly
    AdministrationFactory(
        patient=clinic.patient,
        answers=[3] * 9,
        administered_at=opened - datetime.timedelta(days=400),
    )
    AdministrationFactory(
        patient=clinic.patient,
        answers=[2] * 9,
        administered_at=opened - datetime.timedelta(days=14),
    )
    AdministrationFactory(
        patient=clinic.patient,
        answers=[1] * 9,
        administered_at=now - datetime.timedelta(days=7),
    )
    AdministrationFactory(
        patient=clinic.patient,
        instrument_id="gad7",
        answers=[1] * 7,
        administered_at=now,
    )
    AdministrationFactory(answers=[0] * 9)  # someone else's
    # when
    changes = selectors.course_score_changes(course)
    # then
    assert changes is not None
    by_id = {change.instrument: change for change in changes}
    assert (by_id["phq9"].first, by_id["phq9"].latest, by_id["phq9"].count) == (
        18,
        9,
        2,
    )
    assert by_id["phq9"].change == -9
    assert by_id["phq9"].name == "PHQ-9"
    assert by_id["gad7"].count == 1


def test_the_termination_page_shows_scores_goals_and_the_gas_score(
    client: Client, clinic: Clinic
) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    AdministrationFactory(patient=clinic.patient, answers=[2] * 9)
    services.goal_rate(goal=course.goals.get(), by=clinic.therapist_on_team, level=2)
    client.force_login(clinic.therapist_on_team)
    page = client.get(
        reverse(
            "ipt:termination",
            kwargs={
                "public_id": clinic.patient.public_id,
                "course_id": course.public_id,
            },
        )
    ).content.decode()
    assert "PHQ-9" in page
    assert "GAS T-score so far" in page
    assert "70.0" in page  # one goal at +2
    assert "Relapse-prevention plan" in page


def test_the_termination_page_says_a_prorated_score_was_prorated(
    client: Client, clinic: Clinic
) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    now = timezone.now()
    AdministrationFactory(
        patient=clinic.patient,
        answers=[2] * 8 + [0],
        administered_at=now - datetime.timedelta(days=7),
    )
    AdministrationFactory(
        patient=clinic.patient,
        answers=[1, 1, None, 1, 1, 1, 1, 1, 0],
        administered_at=now,
    )
    changes = selectors.course_score_changes(course)
    assert changes is not None
    assert (changes[0].first_note, changes[0].latest_note) == (
        "",
        "prorated from 8 of 9 items",
    )
    client.force_login(clinic.therapist_on_team)
    page = client.get(
        reverse(
            "ipt:termination",
            kwargs={
                "public_id": clinic.patient.public_id,
                "course_id": course.public_id,
            },
        )
    ).content.decode()
    assert page.count("prorated from 8 of 9 items") == 1
