"""No one grants themselves clinical access: tried as an administrator would try it,
through every path that changes an account (Django's admin pages, the add form, the
command line), and the approved path through a second person."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.choices import AccessChangeStatus, Role
from accounts.models import AccessChange, Staff, Team
from accounts.services import AccessState, grants_clinical_access
from accounts.tests.factories import StaffFactory
from audit.models import AuditEvent
from conftest import Clinic, signed_in

pytestmark = pytest.mark.django_db


def admin_form(staff: Staff, **changes: Any) -> dict[str, Any]:
    """The staff change page's form as the browser posts it, with ``changes``."""
    data: dict[str, Any] = {
        "username": staff.username,
        "first_name": staff.first_name,
        "last_name": staff.last_name,
        "email": staff.email,
        "professional_title": staff.professional_title,
        "role": staff.role,
        "site": staff.site_id or "",
        "teams": [team.pk for team in staff.teams.all()],
        "is_active": "on" if staff.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def change_url(staff: Staff) -> str:
    return reverse("admin:accounts_staff_change", args=[staff.pk])


def privilege_rows() -> int:
    return AuditEvent.objects.filter(category="access_change").count()


def test_an_administrator_cannot_make_themselves_a_supervisor(
    client: Client, clinic: Clinic
) -> None:
    admin = clinic.administrator
    signed_in(client, admin)
    response = client.post(
        change_url(admin),
        admin_form(admin, role=Role.SUPERVISOR, teams=[clinic.team_a.pk]),
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "cannot give your own account clinical access" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR
    assert not admin.teams.exists()
    assert not AccessChange.objects.exists()


def test_a_new_supervisor_account_waits_closed_until_a_second_person_approves(
    client: Client, clinic: Clinic
) -> None:
    clinic.supervisor.email = "lead@example.org"
    clinic.supervisor.save()
    signed_in(client, clinic.administrator)
    response = client.post(
        reverse("admin:accounts_staff_add"),
        {
            "username": "accomplice",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
            "role": Role.SUPERVISOR,
            "site": clinic.site_a.pk,
        },
    )
    assert response.status_code == 302
    accomplice = Staff.objects.get(username="accomplice")
    assert not accomplice.is_active  # cannot sign in, so cannot read notes
    change = AccessChange.objects.get(staff=accomplice)
    assert change.status == AccessChangeStatus.PENDING and change.new_account
    # The requester cannot approve their own request: it does not exist for them.
    decide = reverse("accounts:access-change-decide", args=[change.public_id])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    accomplice.refresh_from_db()
    assert not accomplice.is_active
    # Another administrator approves; the account opens with the role.
    other_admin = StaffFactory(role=Role.ADMINISTRATOR, site=None)
    approver = signed_in(Client(), other_admin)
    assert approver.post(decide, {"decision": "approve"}).status_code == 302
    accomplice.refresh_from_db()
    assert accomplice.is_active and accomplice.role == Role.SUPERVISOR
    assert privilege_rows() == 2  # asked, approved


def test_moving_a_clinician_to_another_team_waits_for_its_supervisor(
    client: Client, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    clinic.supervisor_other_team.email = "b-lead@example.org"
    clinic.supervisor_other_team.save()
    mover = clinic.therapist_off_team
    signed_in(client, clinic.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(mover),
            admin_form(mover, teams=[clinic.team_a.pk, clinic.team_b.pk]),
        )
    assert response.status_code == 302
    assert list(mover.teams.all()) == [clinic.team_a]  # unchanged until approved
    change = AccessChange.objects.get(staff=mover)
    assert [m.to for m in mail.outbox] == [["b-lead@example.org"]]
    assert "awaits approval" in mail.outbox[0].subject
    # A supervisor of another team may not decide it, nor may the person it is for.
    decide = reverse("accounts:access-change-decide", args=[change.public_id])
    for outsider in (clinic.therapist_on_team, mover, clinic.coordinator):
        assert (
            signed_in(Client(), outsider)
            .post(decide, {"decision": "approve"})
            .status_code
            == 404
        )
    supervisor_b = signed_in(Client(), clinic.supervisor_other_team)
    page = supervisor_b.get(reverse("accounts:access-changes")).content.decode()
    assert mover.username in page
    assert supervisor_b.post(decide, {"decision": "approve"}).status_code == 302
    assert set(mover.teams.all()) == {clinic.team_a, clinic.team_b}
    # Decided once: a second approval is refused.
    assert supervisor_b.post(decide, {"decision": "approve"}).status_code == 404


def test_a_refused_change_leaves_the_account_as_it_was(
    client: Client, clinic: Clinic
) -> None:
    coordinator = clinic.coordinator
    signed_in(client, clinic.administrator)
    client.post(change_url(coordinator), admin_form(coordinator, role=Role.CLINICIAN))
    change = AccessChange.objects.get(staff=coordinator)
    decide = reverse("accounts:access-change-decide", args=[change.public_id])
    signed_in(Client(), clinic.supervisor)  # coordinator is on no team: admins decide
    other_admin = signed_in(Client(), StaffFactory(role=Role.ADMINISTRATOR, site=None))
    assert other_admin.post(decide, {"decision": "nonsense"}).status_code == 302
    assert other_admin.post(decide, {"decision": "refuse"}).status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.role == Role.INTAKE
    change.refresh_from_db()
    assert change.status == AccessChangeStatus.REFUSED


def test_taking_access_away_needs_no_approval(client: Client, clinic: Clinic) -> None:
    therapist = clinic.therapist_off_team
    signed_in(client, clinic.administrator)
    client.post(
        change_url(therapist), admin_form(therapist, role=Role.INTAKE, teams=[])
    )
    therapist.refresh_from_db()
    assert therapist.role == Role.INTAKE
    assert not AccessChange.objects.exists()


def test_reactivating_a_clinician_is_a_grant() -> None:
    closed = AccessState(Role.CLINICIAN, 1, frozenset({1}), is_active=False)
    opened = AccessState(Role.CLINICIAN, 1, frozenset({1}), is_active=True)
    assert grants_clinical_access(closed, opened)
    assert not grants_clinical_access(opened, closed)
    assert not grants_clinical_access(opened, opened)
    assert grants_clinical_access(None, opened)
    assert not grants_clinical_access(
        None, AccessState(Role.ADMINISTRATOR, None, frozenset(), is_active=True)
    )


def test_createsuperuser_makes_an_administrator_not_a_clinician() -> None:
    call_command(
        "createsuperuser",
        username="root",
        email="root@example.org",
        interactive=False,
        verbosity=0,
    )
    root = Staff.objects.get(username="root")
    assert root.role == Role.ADMINISTRATOR and not root.is_clinical
    assert not Team.objects.filter(members=root).exists()
