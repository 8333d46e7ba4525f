"""The caseload's count and rows: counted from the caseload's ids without a search
(decisions/0064), from the rows with one; each patient once, whatever their grounds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import CareTeamRole
from conftest import Clinic
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _shown(client: Client, **params: str) -> tuple[int, list[str]]:
    response = client.get(reverse("patients:caseload"), params)
    assert response.status_code == 200
    page = response.context["page"]
    return page.paginator.count, [p.record_number for p in page.object_list]


def test_a_supervisors_caseload_counts_each_patient_once(
    client: Client, clinic: Clinic, settings: object
) -> None:
    settings.IPTCARE_PAGE_SIZE = 3  # type: ignore[attr-defined]
    supervisor = clinic.supervisor
    # their team's patients, one of them also on their care team, and a patient of
    # another site's team whose care team they are on
    team = [
        PatientFactory(team=clinic.team_a, family_name=f"Abel{n}") for n in range(3)
    ]
    CareTeamMemberFactory(
        patient=team[0], staff=supervisor, role=CareTeamRole.CLINICIAN
    )
    elsewhere = PatientFactory(team=clinic.team_b, family_name="Zed")
    CareTeamMemberFactory(
        patient=elsewhere, staff=supervisor, role=CareTeamRole.CLINICIAN
    )
    client.force_login(supervisor)
    expected = sorted(
        [*team, clinic.patient, elsewhere],
        key=lambda p: (p.family_name, p.given_name, p.pk),
    )
    count, first = _shown(client)
    _, second = _shown(client, page="2")
    assert count == len(expected) == 5
    assert first + second == [p.record_number for p in expected]
    assert (
        "Patients, 5 in all"
        in client.get(reverse("patients:caseload")).content.decode()
    )
    # with a search, the rows it matches
    count, rows = _shown(client, q="abel")
    assert count == 3
    assert rows == [p.record_number for p in team]


def test_a_clinicians_caseload_count_is_their_care_teams(
    client: Client, clinic: Clinic
) -> None:
    for _ in range(2):
        CareTeamMemberFactory(
            patient=PatientFactory(team=clinic.team_a), staff=clinic.therapist_on_team
        )
    PatientFactory(team=clinic.team_a)  # their team's, not their care team's
    client.force_login(clinic.therapist_on_team)
    count, rows = _shown(client)
    assert count == len(rows) == 3
