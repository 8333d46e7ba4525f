"""A risk question left unanswered is never hidden by prorating: the clinician sees
"risk question not answered" beside the prorated total, and an alert asks them to put
the question today (PHQ-9 item 9, CORE-10 item 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import Alert
from alerts.rules import SAME_DAY, URGENT
from conftest import Clinic
from measures import services as measures
from measures.choices import Source

pytestmark = pytest.mark.django_db


def record(clinic: Clinic, instrument_id: str, answers: list[int | None]) -> Any:
    return measures.administration_record(
        by=clinic.therapist_on_team,
        instrument_id=instrument_id,
        answers=answers,
        source=Source.CLINICIAN,
        patient=clinic.patient,
    )


@pytest.mark.parametrize(
    ("instrument_id", "answers", "item"),
    [
        ("phq9", [1, 1, 1, 1, 1, 1, 1, 1, None], 9),
        ("core10", [1, 1, 1, 1, 1, None, 1, 1, 1, 1], 6),
    ],
)
def test_an_unanswered_risk_question_raises_an_alert_to_ask_it(
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
    instrument_id: str,
    answers: list[int | None],
    item: int,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        administration = record(clinic, instrument_id, answers)
    assert administration.total is not None  # prorated, yet…
    alert = Alert.objects.get(patient=clinic.patient)
    assert alert.kind == "risk"
    assert alert.urgency == SAME_DAY
    assert f"item {item}: risk question not answered" in alert.reason
    assert "Ask it today" in alert.reason


def test_a_positive_item_9_is_still_urgent(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record(clinic, "phq9", [1, 1, 1, 1, 1, 1, 1, None, 1])
    alert = Alert.objects.get(patient=clinic.patient)
    assert alert.urgency == URGENT


def test_the_pages_say_prorated_and_risk_question_not_answered(
    as_therapist: Client, clinic: Clinic
) -> None:
    administration = record(clinic, "phq9", [1, 2, 1, 1, 1, 1, 1, 1, None])
    detail = as_therapist.get(
        reverse(
            "measures:detail", args=[clinic.patient.public_id, administration.public_id]
        )
    ).content.decode()
    assert "prorated from 8 of 9 items" in detail
    assert "risk question not answered" in detail.lower()
    listing = as_therapist.get(
        reverse("patients:detail", args=[clinic.patient.public_id])
    ).content.decode()
    assert "prorated from 8 of 9 items" in listing
    assert "risk question not answered" in listing


def test_the_progress_table_says_prorated_beside_the_score(
    as_therapist: Client, clinic: Clinic
) -> None:
    record(clinic, "gad7", [2, 2, 2, None, 2, 2, 2])
    page = as_therapist.get(
        reverse("outcomes:progress", args=[clinic.patient.public_id])
    ).content.decode()
    assert "(prorated from 6 of 7 items)" in page
