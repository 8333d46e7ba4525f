"""Operational logs never carry patient data (QUALITY A10 row 4, the canary test)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic


def test_browsing_and_failing_leave_no_patient_name_in_the_logs(
    client: Client, clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canary = clinic.patient.family_name  # "Zebedee"
    detail = reverse("patients:detail", args=[clinic.patient.public_id])
    client.post(
        "/sign-in/", {"username": "therapist_on_team", "password": "wrong-one-1"}
    )
    client.force_login(clinic.therapist_off_team)
    client.get(detail)  # refused: 404
    client.force_login(clinic.therapist_on_team)
    client.get(detail)
    client.get(reverse("patients:caseload"), {"q": canary})
    client.post(
        reverse("patients:edit", args=[clinic.patient.public_id]), {"phone": "x"}
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert canary not in logged
    assert clinic.patient.phone not in logged
