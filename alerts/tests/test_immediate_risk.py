"""A risk answer raises its alert at once, not at the next scan."""

from __future__ import annotations

from typing import Any

from alerts.models import Alert
from conftest import Clinic
from measures import services as measures
from measures.choices import Source


def test_a_risk_answer_raises_its_alert_when_it_is_saved(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        measures.administration_record(
            by=clinic.therapist_on_team,
            instrument_id="phq9",
            answers=[1, 1, 1, 1, 1, 1, 1, 1, 2],
            source=Source.CLINICIAN,
            patient=clinic.patient,
        )
    alert = Alert.objects.get(patient=clinic.patient)
    assert alert.kind == "risk"


def test_no_risk_answer_raises_no_alert(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        measures.administration_record(
            by=clinic.therapist_on_team,
            instrument_id="phq9",
            answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
            source=Source.CLINICIAN,
            patient=clinic.patient,
        )
    assert callbacks == []
    assert not Alert.objects.filter(patient=clinic.patient).exists()
