"""The patient page's rating-scale section: administrations with score, band and change
since the first, and open risk events, at a cost that does not grow with the list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic
from measures import selectors
from measures.tests.factories import AdministrationFactory, RiskEventFactory

# PHQ-9 totals 20, 14, 8: minus 6 is the NHS Talking Therapies reliable change.
PHQ9_COURSE = [
    [3, 3, 2, 2, 2, 2, 2, 2, 2],
    [2, 2, 2, 2, 2, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 0],
]


def _course(clinic: Clinic, count: int) -> None:
    start = timezone.now() - datetime.timedelta(days=7 * count)
    for week in range(count):
        AdministrationFactory(
            patient=clinic.patient,
            answers=PHQ9_COURSE[min(week, 2)],
            administered_at=start + datetime.timedelta(days=7 * week),
        )


def _patient_page(client: Client, clinic: Clinic) -> str:
    return client.get(
        reverse("patients:detail", args=[clinic.patient.public_id])
    ).content.decode()


def test_the_patient_page_lists_scores_bands_and_change_since_the_first(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given
    _course(clinic, 3)
    AdministrationFactory(patient=clinic.patient, instrument_id="gad7", answers=[1] * 7)
    # when
    html = _patient_page(as_therapist, clinic)
    # then
    section = html[html.index('id="measures"') :]
    assert "Rating scales" in section
    assert section.count("PHQ-9") == 3 and "GAD-7" in section
    assert "<td>severe</td>" in section and "<td>moderate</td>" in section  # 20, 14
    assert "−12" in section and "reliable improvement" in section  # 20 → 8
    assert "−6" in section  # 20 → 14
    assert section.count(">first<") == 2  # the first PHQ-9 and the only GAD-7


def test_change_follows_the_instruments_direction() -> None:
    worse = selectors.change_between("phq9", 5, 12)
    better = selectors.change_between("mspss", 3.0, 5.5)  # more support is better
    assert worse is not None and (worse.direction, worse.reliable) == ("worse", True)
    assert worse.points_display == "+7"
    assert better is not None and better.direction == "better"
    assert selectors.change_between("phq9", None, 12) is None


def test_open_risk_events_are_listed_on_the_patient_page(
    as_therapist: Client, clinic: Clinic
) -> None:
    RiskEventFactory(administration__patient=clinic.patient)
    html = _patient_page(as_therapist, clinic)
    assert "Open risk answers" in html
    assert "PHQ-9 item 9 (Self-harm thoughts)" in html


def test_acknowledged_risk_events_are_not_listed(
    as_therapist: Client, clinic: Clinic
) -> None:
    RiskEventFactory(
        administration__patient=clinic.patient,
        acknowledged_at=timezone.now(),
        acknowledged_by=clinic.therapist_on_team,
    )
    assert "Open risk answers" not in _patient_page(as_therapist, clinic)


def test_superseded_versions_are_not_listed(
    as_therapist: Client, clinic: Clinic
) -> None:
    original = AdministrationFactory(
        patient=clinic.patient, superseded_at=timezone.now()
    )
    AdministrationFactory(
        patient=clinic.patient,
        answers=[0] * 9,
        supersedes=original,
        series=original.series,
        revision=2,
        administered_at=original.administered_at,
    )
    section = _patient_page(as_therapist, clinic).split('id="measures"')[1]
    assert section.count("PHQ-9") == 1 and "(corrected)" in section


def test_the_coordinator_sees_no_rating_scales(client: Client, clinic: Clinic) -> None:
    AdministrationFactory(patient=clinic.patient)
    client.force_login(clinic.coordinator)
    assert 'id="measures"' not in _patient_page(client, clinic)


@pytest.mark.parametrize("count", [3, 30])
def test_the_patient_page_costs_the_same_for_3_and_30_administrations(
    as_therapist: Client,
    clinic: Clinic,
    count: int,
    django_assert_num_queries: object,
    settings: Any,
) -> None:
    # The page rendered afresh each time: a kept copy (decision 0066) would make the
    # baseline cheaper than any render.
    settings.IPTCARE_KEEP_PAGES = False
    # given: a baseline with one administration and one risk event of each
    AdministrationFactory(patient=clinic.patient, instrument_id="gad7", answers=[1] * 7)
    RiskEventFactory(administration__patient=clinic.patient)
    url = reverse("patients:detail", args=[clinic.patient.public_id])
    as_therapist.get(url)  # warm the session
    with CaptureQueriesContext(connection) as baseline:
        as_therapist.get(url)
    # when
    _course(clinic, count)
    for _ in range(count):
        RiskEventFactory(administration__patient=clinic.patient)
    # then
    with django_assert_num_queries(len(baseline.captured_queries)):  # type: ignore[operator]
        response = as_therapist.get(url)
    assert response.status_code == 200
