"""The signed-in person is read from the database on every request, by a statement
built once (accounts/backends.py, decisions/0065): the same person the ORM reads, and
every change to the account — made even by a raw update, which no signal or cache sees
— takes effect on the very next request, the alert counter poll included."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import StaffBackend
from accounts.choices import Role
from accounts.models import Staff
from alerts.tests.factories import AlertFactory
from conftest import Clinic

pytestmark = pytest.mark.django_db


def _poll(client: Client) -> Any:
    return client.get(
        reverse("alerts:count"),
        HTTP_HX_REQUEST="true",
        HTTP_X_IPTCARE_BACKGROUND="poll",
    )


def test_the_backend_reads_the_same_person_as_the_orm(clinic: Clinic) -> None:
    staff = clinic.therapist_on_team
    Staff.objects.filter(pk=staff.pk).update(last_login=staff.date_joined)
    read = StaffBackend().get_user(staff.pk)
    expected = Staff.objects.get(pk=staff.pk)
    assert read is not None
    for field in Staff._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field
        assert type(getattr(read, field.attname)) is type(
            getattr(expected, field.attname)
        ), field
    assert read._state.db == expected._state.db
    assert not read._state.adding


def test_no_such_person_is_no_one(db: None) -> None:
    assert StaffBackend().get_user(987654) is None


def test_the_person_is_one_query_per_request(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    with CaptureQueriesContext(connection) as queries:
        assert _poll(client).status_code == 200
    staff_reads = [q for q in queries if '"accounts_staff"' in q["sql"]]
    assert len(staff_reads) == 1


def test_a_deactivated_account_is_refused_at_its_next_poll(
    client: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    client.force_login(clinic.therapist_on_team)
    assert _poll(client).status_code == 200
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(is_active=False)
    refused = _poll(client)
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("accounts:sign-in"))
    assert b"alerts-count" not in refused.content


def test_a_deactivated_account_is_refused_with_the_shared_cache_too(
    shared_cache: None, client: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    client.force_login(clinic.therapist_on_team)
    assert _poll(client).status_code == 200
    assert _poll(client).status_code == 200  # now answered from the shared cache
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(is_active=False)
    assert _poll(client).status_code == 302


def test_a_changed_role_holds_at_the_next_poll(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    assert _poll(client).status_code == 200
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(role=Role.INTAKE)
    assert _poll(client).status_code == 404


def test_a_changed_password_ends_the_session_at_the_next_poll(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    assert _poll(client).status_code == 200
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(
        password=make_password("a-new-long-passphrase")
    )
    assert _poll(client).status_code == 302


def test_a_supervisor_taken_off_a_team_counts_without_it_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient)
    client.force_login(clinic.supervisor)
    assert b"has-alerts" in _poll(client).content
    assert b"has-alerts" in _poll(client).content  # from the shared cache
    with django_capture_on_commit_callbacks(execute=True):
        clinic.supervisor.teams.remove(clinic.team_a)
    assert b"has-alerts" not in _poll(client).content
