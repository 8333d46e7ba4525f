"""With Redis, the counter poll's kept fragment is read in the session's own round trip
(iptcare/lib/sessions.py, decisions/0065): one read of Redis per poll between changes;
the fragment kept per session names its person; and the session rules — idle limit
untouched by polls, absolute lifetime — hold as with any session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import BACKGROUND_HEADER
from accounts.tests.factories import TEST_PASSWORD
from alerts import counter
from alerts.tests.factories import AlertFactory
from conftest import Clinic

pytestmark = pytest.mark.django_db

POLL = {
    "HTTP_HX_REQUEST": "true",
    f"HTTP_{BACKGROUND_HEADER.upper().replace('-', '_')}": "poll",
}


def _poll(client: Client) -> Any:
    return client.get(reverse("alerts:count"), **POLL)


@pytest.fixture
def redis_reads() -> Iterator[list[str]]:
    """The names of the Redis reads and writes made, in order."""
    made: list[str] = []
    originals = {
        name: getattr(RedisCacheClient, name)
        for name in ("get", "get_many", "set", "add", "incr", "delete")
    }

    def spy(name: str) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            made.append(name)
            return originals[name](self, *args, **kwargs)

        return call

    with mock.patch.multiple(
        RedisCacheClient, **{name: spy(name) for name in originals}
    ):
        yield made


def _sign_in(client: Client, clinic: Clinic) -> None:
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": clinic.therapist_on_team.username, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302


def test_a_poll_between_changes_is_one_read_of_redis(
    shared_cache: None, client: Client, clinic: Clinic, redis_reads: list[str]
) -> None:
    assert settings.SESSION_ENGINE == "iptcare.lib.sessions"
    AlertFactory(patient=clinic.patient)
    client.force_login(clinic.therapist_on_team)
    first = _poll(client)
    redis_reads.clear()
    again = _poll(client)
    assert again.content == first.content
    assert b"has-alerts" in again.content
    assert redis_reads == ["get_many"]


def test_the_kept_fragment_names_its_person(
    shared_cache: None, client: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    client.force_login(clinic.therapist_on_team)
    mine = _poll(client).content
    key = counter._fragment_key(client.session.session_key or "")
    generation = cache.get(counter.INBOX.key)
    someone_else = (clinic.supervisor_other_team.pk, "<span>99</span>")
    cache.set(key, (generation, someone_else), timeout=60)
    assert _poll(client).content == mine


def test_a_session_gone_from_redis_is_read_from_the_database(
    shared_cache: None, client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    assert _poll(client).status_code == 200
    cache.delete(KEY_PREFIX + (client.session.session_key or ""))
    assert _poll(client).status_code == 200


def test_polls_do_not_keep_an_idle_session_open(
    shared_cache: None, client: Client, clinic: Clinic
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic)
        for _ in range(15):  # a poll a minute, nobody at the keyboard
            clock.shift(timedelta(minutes=1))
            assert _poll(client).status_code == 200
        clock.shift(timedelta(minutes=1, seconds=1))
        response = _poll(client)
        assert response["HX-Redirect"] == reverse("accounts:sign-in")
        assert client.get(reverse("patients:caseload")).status_code == 302


def test_the_absolute_lifetime_ends_a_working_session(
    shared_cache: None, client: Client, clinic: Clinic
) -> None:
    caseload = reverse("patients:caseload")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic)
        hours = settings.IPTCARE_SESSION_ABSOLUTE_HOURS
        for _ in range(hours * 6):  # at work every ten minutes
            clock.shift(timedelta(minutes=10))
            assert client.get(caseload).status_code == 200
        clock.shift(timedelta(minutes=10))
        assert _poll(client)["HX-Redirect"] == reverse("accounts:sign-in")
