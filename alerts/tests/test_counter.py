"""The navigation's open-alert count, kept in the shared cache (Redis, really started):
served from it between changes, and right at once after every change an inbox counts —
an alert raised, acknowledged or deleted, a care team or a supervisor's teams changed, a
glass broken, a patient moved to another team, a role changed (decisions/0062)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import access
from accounts.choices import CareTeamRole, Role
from accounts.tests.factories import StaffFactory, TeamFactory
from alerts import counter, selectors, services
from alerts.choices import ActionTaken
from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from conftest import Clinic
from patients.models import CareTeamMember
from patients.services import care_team_add, care_team_remove

pytestmark = pytest.mark.django_db


def _counted(client: Client) -> tuple[str, int]:
    """The count as the navigation shows it, and the alert queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("alerts:count"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    alert_queries = [q for q in queries if "alerts_alert" in q["sql"]]
    body = response.content.decode()
    return body, len(alert_queries)


def _number(body: str) -> int:
    if "has-alerts" not in body:
        return 0
    return int(body.split(">")[1].split("<")[0])


def test_the_count_comes_from_the_shared_cache_between_changes(
    shared_cache: None, as_therapist: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    AlertFactory(patient=clinic.patient)
    first, first_queries = _counted(as_therapist)
    again, again_queries = _counted(as_therapist)
    assert _number(first) == _number(again) == 2
    assert first_queries == 1
    assert again_queries == 0


def test_without_a_shared_cache_every_poll_counts(
    as_therapist: Client, clinic: Clinic
) -> None:
    # A per-process cache would keep a count another process made stale.
    AlertFactory(patient=clinic.patient)
    assert _counted(as_therapist)[1] == 1
    assert _counted(as_therapist)[1] == 1


def test_each_person_has_a_count_of_their_own(
    shared_cache: None, client: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    AlertFactory(patient=clinic.patient_other_site)
    AlertFactory(patient=clinic.patient_other_site)
    client.force_login(clinic.therapist_on_team)
    assert _number(_counted(client)[0]) == 1
    client.force_login(clinic.therapist_other_site)
    assert _number(_counted(client)[0]) == 2
    client.force_login(clinic.therapist_off_team)
    assert _number(_counted(client)[0]) == 0


def _change_shows_at_once(
    client: Client,
    staff: Any,
    capture: Any,
    change: Callable[[], None],
    expected_before: int,
    expected_after: int,
) -> None:
    client.force_login(staff)
    assert _number(_counted(client)[0]) == expected_before
    assert _counted(client)[1] == 0  # now cached
    with capture(execute=True):  # the change commits: its callbacks run
        change()
    assert _number(_counted(client)[0]) == expected_after
    # and it agrees with counting afresh
    assert selectors._visible(staff).open().count() == expected_after


def test_a_new_alert_shows_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient)
    _change_shows_at_once(
        client,
        clinic.therapist_on_team,
        django_capture_on_commit_callbacks,
        lambda: AlertFactory(patient=clinic.patient),
        1,
        2,
    )


def test_an_acknowledged_alert_leaves_the_count_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alert = AlertFactory(patient=clinic.patient)
    AlertFactory(patient=clinic.patient)
    _change_shows_at_once(
        client,
        clinic.therapist_on_team,
        django_capture_on_commit_callbacks,
        lambda: services.alert_acknowledge(
            alert=alert,
            by=clinic.therapist_on_team,
            action=ActionTaken.SAFETY_PLAN_REVIEWED,
        ),
        2,
        1,
    )


def test_an_alert_acknowledged_through_the_page_leaves_the_count_at_once(
    shared_cache: None,
    as_therapist: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alert = AlertFactory(patient=clinic.patient)
    assert _number(_counted(as_therapist)[0]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = as_therapist.post(
            reverse(
                "alerts:acknowledge",
                args=[clinic.patient.public_id, alert.public_id],
            ),
            {"action_taken": ActionTaken.SAFETY_PLAN_REVIEWED},
        )
    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is not None
    assert _number(_counted(as_therapist)[0]) == 0


def test_a_deleted_alert_leaves_the_count_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alert = AlertFactory(patient=clinic.patient)
    _change_shows_at_once(
        client,
        clinic.therapist_on_team,
        django_capture_on_commit_callbacks,
        alert.delete,
        1,
        0,
    )


def test_joining_and_leaving_a_care_team_moves_the_count_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient)
    joiner = clinic.therapist_off_team
    _change_shows_at_once(
        client,
        joiner,
        django_capture_on_commit_callbacks,
        lambda: care_team_add(
            by=clinic.supervisor,
            patient=clinic.patient,
            staff=joiner,
            role=CareTeamRole.CLINICIAN,
        ),
        0,
        1,
    )
    member = CareTeamMember.objects.get(patient=clinic.patient, staff=joiner)
    _change_shows_at_once(
        client,
        joiner,
        django_capture_on_commit_callbacks,
        lambda: care_team_remove(by=clinic.supervisor, member=member),
        1,
        0,
    )


def test_breaking_the_glass_counts_that_patients_alerts_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient_other_site)
    _change_shows_at_once(
        client,
        clinic.therapist_on_team,
        django_capture_on_commit_callbacks,
        lambda: access.break_glass(
            staff=clinic.therapist_on_team,
            record_number=clinic.patient_other_site.record_number,
            reason="Crisis call out of hours, their clinician is away.",
        ),
        0,
        1,
    )


def test_a_patient_moved_to_another_team_moves_the_supervisors_counts(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient)

    def move() -> None:
        clinic.patient.team = TeamFactory(site=clinic.site_a)
        clinic.patient.save()

    _change_shows_at_once(
        client, clinic.supervisor, django_capture_on_commit_callbacks, move, 1, 0
    )


def test_a_supervisor_given_a_team_counts_its_alerts_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient_other_site)
    supervisor = clinic.supervisor
    _change_shows_at_once(
        client,
        supervisor,
        django_capture_on_commit_callbacks,
        lambda: supervisor.teams.add(clinic.team_b),
        0,
        1,
    )


def test_a_role_taken_away_empties_the_count_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertFactory(patient=clinic.patient)
    therapist = StaffFactory(
        username="moving_on",
        role=Role.CLINICIAN,
        site=clinic.site_a,
        teams=[clinic.team_a],
    )
    CareTeamMember.objects.create(
        patient=clinic.patient, staff=therapist, role=CareTeamRole.CLINICIAN
    )

    def become_intake() -> None:
        therapist.role = Role.INTAKE
        therapist.save()

    client.force_login(therapist)
    assert _number(_counted(client)[0]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        become_intake()
    assert client.get(reverse("alerts:count")).status_code == 404


def test_signing_in_does_not_throw_the_counts_away(
    shared_cache: None, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.auth.models import update_last_login

    cache.add(counter.INBOX.key, 7, timeout=None)
    before = cache.get(counter.INBOX.key)
    with django_capture_on_commit_callbacks(execute=True):
        update_last_login(None, clinic.therapist_on_team)
    assert cache.get(counter.INBOX.key) == before


def test_a_lost_version_starts_afresh_without_reusing_old_counts(
    shared_cache: None, as_therapist: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    assert _number(_counted(as_therapist)[0]) == 1
    cache.delete(counter.INBOX.key)  # Redis restarted or evicted it
    Alert.objects.filter(patient=clinic.patient).delete()  # outside the signals
    body, queries = _counted(as_therapist)
    assert (_number(body), queries) == (0, 1)
