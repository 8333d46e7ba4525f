"""The caseload's count and rows: counted from the caseload's ids without a search
(decisions/0064), from the rows with one; each patient once, whatever their grounds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet
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


def test_the_caseload_is_counted_in_parts_that_share_no_patient(
    client: Client, clinic: Clinic
) -> None:
    """The parts counted on their own (decisions/0075) add up to the caseload, for
    every reader: a supervisor's care-team patients on their own teams are counted
    once, with the team. A page past the last is chosen by the same count."""
    from accounts.access import caseload_counted, caseload_patient_ids
    from accounts.models import Staff
    from accounts.tests.factories import TeamFactory

    supervisor = clinic.supervisor
    supervisor.teams.add(clinic.team_b)
    on_team = PatientFactory(team=clinic.team_a)
    on_other_team = PatientFactory(team=clinic.team_b)
    elsewhere = PatientFactory(team=TeamFactory(site=clinic.team_b.site))
    for patient in (on_team, on_other_team, elsewhere):
        CareTeamMemberFactory(
            patient=patient, staff=supervisor, role=CareTeamRole.CLINICIAN
        )

    def ids(query: QuerySet[Any]) -> set[int]:  # rows of one value each
        return {next(iter(row.values())) for row in query}

    for staff in Staff.objects.all():
        parts = [ids(part) for part in caseload_counted(staff)]
        union = ids(caseload_patient_ids(staff))
        assert sum(len(part) for part in parts) == len(union), staff.username
        assert set().union(*parts) == union, staff.username
    client.force_login(supervisor)
    expected = ids(caseload_patient_ids(supervisor))
    for page in ("1", "999"):
        count, _ = _shown(client, page=page)
        assert count == len(expected)
