"""The caseload shows each patient's open-alert flags and sorts by them, at the same
query count whatever the number of alerts (annotations on the one caseload query)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import CareTeamRole
from alerts.choices import ActionTaken, AlertKind, Urgency
from alerts.tests.factories import AlertFactory
from conftest import Clinic
from patients.models import Patient
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

CASELOAD = reverse("patients:caseload")


def _patient(clinic: Clinic, family_name: str) -> Patient:
    patient = PatientFactory(team=clinic.team_a, family_name=family_name)
    CareTeamMemberFactory(
        patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
    )
    return patient


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_caseload_costs_the_same_with_no_5_or_50_alerts(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given a caseload of 10
    patients = [_patient(clinic, f"Family{i:02d}") for i in range(10)]
    none = _queries(as_therapist, CASELOAD)
    # when its patients have 5, then 50 open alerts of every kind
    kinds = list(AlertKind)
    for index in range(5):
        AlertFactory(patient=patients[index], kind=kinds[index % 4])
    five = _queries(as_therapist, CASELOAD)
    for index in range(45):
        AlertFactory(patient=patients[index % 10], kind=kinds[index % 4])
    fifty = _queries(as_therapist, CASELOAD)
    # then the page costs the same, sorted by flags too
    assert none == five == fifty
    assert _queries(as_therapist, CASELOAD + "?sort=flags") == none


def test_each_patient_shows_the_kinds_of_their_open_alerts(
    as_therapist: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient, kind=AlertKind.RISK)
    AlertFactory(
        patient=clinic.patient, kind=AlertKind.NOT_ON_TRACK, urgency=Urgency.ROUTINE
    )
    AlertFactory(
        patient=clinic.patient,
        kind=AlertKind.RELAPSE,
        acknowledged_at=timezone.now(),
        acknowledged_by=clinic.therapist_on_team,
        action_taken=ActionTaken.CALLED_PATIENT,
    )
    row = as_therapist.get(CASELOAD).context["page"].object_list[0]
    assert (
        row.flag_risk,
        row.flag_relapse,
        row.flag_engagement,
        row.flag_not_on_track,
    ) == (
        True,
        False,
        False,
        True,
    )
    assert row.alert_urgency == Urgency.URGENT
    body = as_therapist.get(CASELOAD).content.decode()
    assert "flag-risk urgency-3" in body and "not on track</span>" in body


def test_the_caseload_sorts_by_flags_most_urgent_first(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given patients named in the opposite order of their alerts' urgency
    quiet = _patient(clinic, "Aaron")
    routine = _patient(clinic, "Baker")
    urgent = _patient(clinic, "Young")
    AlertFactory(patient=routine, kind=AlertKind.ENGAGEMENT, urgency=Urgency.ROUTINE)
    AlertFactory(patient=urgent)
    by_name = list(as_therapist.get(CASELOAD).context["page"].object_list)
    by_flags = list(
        as_therapist.get(CASELOAD, {"sort": "flags"}).context["page"].object_list
    )
    assert by_name.index(quiet) < by_name.index(routine) < by_name.index(urgent)
    assert by_flags[:2] == [urgent, routine]
    assert (
        'aria-sort="descending"'
        in as_therapist.get(CASELOAD, {"sort": "flags"}).content.decode()
    )


def test_the_intake_coordinator_sees_no_flags(client: Client, clinic: Clinic) -> None:
    AlertFactory(patient=clinic.patient)
    client.force_login(clinic.coordinator)
    response = client.get(CASELOAD, {"sort": "flags"})
    assert "flag-risk" not in response.content.decode()
    assert not hasattr(response.context["page"].object_list[0], "flag_risk")
