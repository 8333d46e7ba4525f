"""The demo clinic: every role, realistic patients, idempotent and deterministic."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.choices import Role
from accounts.models import Staff
from audit import services as audit
from audit.models import AuditEvent
from iptcare import demo
from patients.models import CareTeamMember, Patient


@pytest.mark.django_db
def test_the_demo_creates_every_role_and_patients(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("demo", "--patients", "30", "--seed", "7")
    roles = set(Staff.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert Patient.objects.count() == 30
    assert CareTeamMember.objects.count() == 30
    assert set(Staff.objects.values_list("site__name", flat=True)) == {
        "Northside Recovery Centre",
        "Riverside Clinic",
    }
    out = capsys.readouterr().out
    assert "demo-pass-2026" in out
    for username in ["intake", "clinician", "clinician2", "supervisor", "admin"]:
        assert username in out


@pytest.mark.django_db
def test_the_demo_is_idempotent() -> None:
    call_command("demo", "--patients", "10")
    call_command("demo", "--patients", "10")
    assert Patient.objects.count() == 10
    assert Staff.objects.filter(username="clinician").count() == 1


@pytest.mark.django_db
def test_every_demo_sign_in_works_with_the_demo_password(client: Client) -> None:
    call_command("demo", "--patients", "5")
    for username in demo.DEMO_SIGN_INS:
        response = client.post(
            "/sign-in/", {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        client.post("/sign-out/")


def test_the_same_seed_makes_the_same_patients() -> None:
    teams = [demo.Team(id=1), demo.Team(id=2)]
    first = demo._patients(random.Random(11), 20, teams, 1)
    second = demo._patients(random.Random(11), 20, teams, 1)
    other = demo._patients(random.Random(12), 20, teams, 1)

    def names(patients: list[Patient]) -> list[tuple[str, str, str]]:
        return [(p.given_name, p.family_name, p.phone) for p in patients]

    assert names(first) == names(second)
    assert names(first) != names(other)


def test_demo_contact_details_cannot_reach_a_real_person() -> None:
    teams = [demo.Team(id=1), demo.Team(id=2)]
    for patient in demo._patients(random.Random(3), 200, teams, 1):
        assert patient.phone.startswith("07700 900")  # Ofcom's drama range
        assert patient.email == "" or patient.email.endswith("@example.org")


@pytest.mark.django_db
def test_the_demo_loads_in_bulk(django_assert_max_num_queries: object) -> None:
    # a fixed number of inserts per batch for each app's demo rows, not one per
    # patient (that would be 1,500 or more); the service dashboard's refresh adds a
    # dozen per chunk of 500 courses (supervision/demo.py) and the recovery app's rows
    # about 45, capped at 40 courses (recovery/demo.py)
    with django_assert_max_num_queries(380):  # type: ignore[operator]
        demo.load_demo_clinic(seed=1, patient_count=1500)
    assert Patient.objects.count() == 1500
    # The year of reads it writes keeps the audit chain whole.
    assert AuditEvent.objects.count() > 1500
    assert audit.verify_chain().intact


@pytest.mark.parametrize("patients", [2000, 20000, 100000])
def test_a_large_service_has_the_staff_its_patients_need(patients: int) -> None:
    layout = demo.service_layout(patients)
    clinicians = layout.clinicians()
    open_courses = patients * demo.ipt_demo.open_share(demo.ipt_demo.YEAR_PHASE_MIX)
    if patients >= 5000:  # below, the floor of 16 clinicians decides
        assert 30 <= open_courses / len(clinicians) <= 60
    teams: dict[int, list[str]] = {}
    for spec in clinicians:
        teams.setdefault(spec.team, []).append(spec.username)
    heavy = len(layout.teams) - 1
    supervisors = {
        spec.team: spec.username
        for spec in layout.staff
        if spec.role == Role.SUPERVISOR
    }
    assert set(supervisors) == set(range(len(layout.teams)))  # one lead per team
    assert supervisors[heavy] == demo.HEAVY_SUPERVISOR
    for team, members in teams.items():
        if team != heavy:
            assert 6 <= len(members) <= 10, (team, len(members))
    assert len(teams[heavy]) > 10  # the heavy case
    # Every site has a coordinator and a team; the named staff keep their places.
    sites = {spec.site_index for spec in layout.staff if spec.role == Role.INTAKE}
    assert sites == set(range(len(layout.sites)))
    assert {site for site, _ in layout.teams} == sites
    assert {"clinician", "clinician2"} <= set(teams[0])
    assert supervisors[0] == "supervisor"
    assert len({spec.username for spec in layout.staff}) == len(layout.staff)


def test_the_small_demo_keeps_its_eight_staff() -> None:
    layout = demo.service_layout(demo.SCALED_FROM - 1)
    assert not layout.scaled
    assert layout.staff == demo.DEMO_STAFF
    assert len(layout.sites) == 2


@pytest.mark.django_db
def test_a_scaled_demo_gives_each_clinician_a_share_of_their_teams_patients(
    client: Client,
) -> None:
    from ipt.models import Course

    demo.load_demo_clinic(seed=3, patient_count=demo.SCALED_FROM)
    layout = demo.service_layout(demo.SCALED_FROM)
    # the layout's staff, and the clinical lead the service dashboard's demo adds
    assert Staff.objects.exclude(role=Role.CLINICAL_LEAD).count() == len(layout.staff)
    # Each patient's primary clinician is on the patient's team.
    primaries = CareTeamMember.objects.filter(role="primary").select_related(
        "staff", "patient"
    )
    assert primaries.count() == demo.SCALED_FROM
    for member in primaries:
        assert member.patient.team_id in {t.pk for t in member.staff.teams.all()}
    per_clinician = [
        Course.objects.filter(clinician__username=spec.username).count()
        for spec in layout.clinicians()
    ]
    assert min(per_clinician) > 0
    assert max(per_clinician) - min(per_clinician) <= 0.5 * max(per_clinician)
    # Most of a year's courses have ended: a history behind the open ones.
    assert (
        Course.objects.filter(phase="ended").count()
        > Course.objects.exclude(phase="ended").count()
    )
    # The heavy case signs in like everyone else, and sees its large team.
    response = client.post(
        "/sign-in/",
        {"username": demo.HEAVY_SUPERVISOR, "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
