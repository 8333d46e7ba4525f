"""The demo clinic shows the recovery record: every kind of row is there, and the
recovery page of a demo patient renders."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iptcare import demo
from recovery.models import (
    AdherenceNote,
    CareLevelChange,
    DrugTest,
    Medication,
    SobrietyDate,
    Supporter,
    SupporterContact,
    UseReport,
)

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_has_recovery_records(client: Client) -> None:
    demo.load_demo_clinic(seed=5, patient_count=60)
    for model in (
        UseReport,
        DrugTest,
        SobrietyDate,
        Medication,
        AdherenceNote,
        Supporter,
        SupporterContact,
        CareLevelChange,
    ):
        assert model.objects.exists(), model.__name__
    assert UseReport.objects.filter(source="tlfb").exists()
    assert UseReport.objects.filter(source="session").exists()
    assert SupporterContact.objects.filter(family_session=True).exists()
    report: Any = (
        UseReport.objects.filter(source="session").select_related("course").first()
    )
    clinician = report.course.clinician
    client.force_login(clinician)
    response = client.get(
        reverse("recovery:overview", kwargs={"public_id": report.patient.public_id})
    )
    assert response.status_code == 200
    assert "Use outcome of the course" in response.content.decode()
