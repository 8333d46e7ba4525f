"""The demo clinic: every role, realistic patients, idempotent and deterministic."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.choices import Role
from accounts.models import Staff
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
    # patient (that would be 1,500 or more); the recovery app's rows add about 45,
    # capped at 40 courses (recovery/demo.py)
    with django_assert_max_num_queries(305):  # type: ignore[operator]
        demo.load_demo_clinic(seed=1, patient_count=1500)
    assert Patient.objects.count() == 1500
