"""Page cost does not grow with the caseload (DESIGN: rules of the house)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import CareTeamRole
from conftest import Clinic
from patients.tests.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
)


def _give_caseload(clinic: Clinic, size: int) -> None:
    for _ in range(size):
        patient = PatientFactory(team=clinic.team_a)
        CareTeamMemberFactory(
            patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
        )
        DiagnosisFactory(patient=patient, recorded_by=clinic.therapist_on_team)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["therapist_on_team", "supervisor", "coordinator"])
def test_the_caseload_costs_the_same_for_5_and_50_patients(
    client: Client, clinic: Clinic, persona: str
) -> None:
    client.force_login(getattr(clinic, persona))
    url = reverse("patients:caseload")
    _give_caseload(clinic, 4)
    small = _queries(client, url)
    _give_caseload(clinic, 45)
    large = _queries(client, url)
    assert small == large
    assert large <= 16  # a bound; the equality above is the promise


def test_the_patient_page_costs_the_same_for_5_and_50_patients_and_diagnoses(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    url = reverse("patients:detail", args=[clinic.patient.public_id])
    _give_caseload(clinic, 5)
    small = _queries(client, url)
    _give_caseload(clinic, 45)
    for _ in range(45):
        DiagnosisFactory(patient=clinic.patient, recorded_by=clinic.therapist_on_team)
    large = _queries(client, url)
    assert small == large


def test_the_caseload_paginates(
    client: Client, clinic: Clinic, settings: object
) -> None:
    settings.IPTCARE_PAGE_SIZE = 10  # type: ignore[attr-defined]
    _give_caseload(clinic, 25)
    client.force_login(clinic.therapist_on_team)
    page = client.get(reverse("patients:caseload"), {"page": 3})
    assert page.context["page"].number == 3
    assert len(page.context["page"].object_list) == 6  # 26 patients: 10 + 10 + 6


def test_caseload_search_finds_by_name_and_record_number(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    url = reverse("patients:caseload")
    by_name = client.get(url, {"q": "canary zeb"}).context["page"].object_list
    by_number = client.get(url, {"q": clinic.patient.record_number}).context["page"]
    assert list(by_name) == [clinic.patient]
    assert list(by_number.object_list) == [clinic.patient]


def test_the_htmx_search_returns_only_the_table(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    response = client.get(
        reverse("patients:caseload"), {"q": "Canary"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="caseload-table">')
    assert "<html" not in body
