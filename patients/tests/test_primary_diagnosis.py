"""A patient has one unresolved primary diagnosis: a new primary makes the earlier one
secondary, kept and audited, and the clinician is told (decisions/0077)."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from patients.choices import DiagnosisRank
from patients.models import Diagnosis


def _add(client: Client, clinic: Clinic, code: str, rank: str) -> list[str]:
    response = client.post(
        reverse("patients:diagnosis-add", args=[clinic.patient.public_id]),
        {"code": code, "rank": rank, "diagnosed_on": "2026-03-01"},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_a_new_primary_makes_the_earlier_one_secondary(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    _add(client, clinic, "F32.1", "primary")
    told = _add(client, clinic, "F41.1", "primary")
    ranks = dict(clinic.patient.diagnoses.values_list("code", "rank"))
    assert ranks == {"F32.1": DiagnosisRank.SECONDARY, "F41.1": DiagnosisRank.PRIMARY}
    assert any(m.startswith("F32.1 ") and "now secondary" in m for m in told)
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, category="diagnosis", detail__contains="rank=secondary"
    ).exists()


@pytest.mark.django_db
def test_a_secondary_or_a_resolved_primary_leaves_the_primary_alone(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    ended = Diagnosis.objects.create(
        patient=clinic.patient,
        code="F33.1",
        rank=DiagnosisRank.PRIMARY,
        diagnosed_on=datetime.date(2025, 6, 1),
        resolved_on=datetime.date(2026, 2, 1),
        recorded_by=clinic.therapist_on_team,
    )
    _add(client, clinic, "F32.1", "primary")
    _add(client, clinic, "F10.2", "secondary")
    unresolved_primaries = clinic.patient.diagnoses.filter(
        rank=DiagnosisRank.PRIMARY, resolved_on__isnull=True
    )
    assert list(unresolved_primaries.values_list("code", flat=True)) == ["F32.1"]
    ended.refresh_from_db()
    assert ended.rank == DiagnosisRank.PRIMARY  # a resolved one is history: kept as is


@pytest.mark.django_db(transaction=True)
def test_two_primaries_added_at_once_leave_one_primary(clinic: Clinic) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(clinic.therapist_on_team)
        clients.append(client)
    connections.close_all()

    def add(pair: tuple[Client, str]) -> int:
        client, code = pair
        try:
            return client.post(
                reverse("patients:diagnosis-add", args=[clinic.patient.public_id]),
                {"code": code, "rank": "primary", "diagnosed_on": "2026-03-01"},
            ).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert set(pool.map(add, zip(clients, ["F32.1", "F41.1"], strict=True))) == {
            302
        }
    ranks = sorted(clinic.patient.diagnoses.values_list("rank", flat=True))
    assert ranks == [DiagnosisRank.PRIMARY, DiagnosisRank.SECONDARY]
