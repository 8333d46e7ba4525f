"""A session is written only when it changes: the "last active" mark moves at most once
a minute, and the idle limit still ends a session on time (decisions/0058)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic

pytestmark = pytest.mark.django_db


def _session_writes(client: Client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().startswith("UPDATE")
    ]
    return status, len(writes)


def _sign_in(client: Client, clinic: Clinic) -> None:
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": clinic.therapist_on_team.username, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302


def test_pages_within_a_minute_do_not_write_the_session(
    client: Client, clinic: Clinic
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic)
        caseload = reverse("patients:caseload")
        for _ in range(3):
            clock.shift(timedelta(seconds=15))
            assert _session_writes(client, caseload) == (200, 0)
        clock.shift(timedelta(seconds=16))  # 61 s after sign-in: the mark moves
        assert _session_writes(client, caseload) == (200, 1)
        assert _session_writes(client, caseload) == (200, 0)


def test_work_keeps_the_session_open_past_the_idle_limit(
    client: Client, clinic: Clinic
) -> None:
    caseload = reverse("patients:caseload")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic)
        for _ in range(40):  # a page every 30 seconds for 20 minutes
            clock.shift(timedelta(seconds=30))
            assert client.get(caseload).status_code == 200


def test_the_idle_limit_counts_from_the_last_mark_never_longer(
    client: Client, clinic: Clinic
) -> None:
    caseload = reverse("patients:caseload")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic)
        clock.shift(timedelta(minutes=14, seconds=30))
        assert client.get(caseload).status_code == 200  # marks 14:30
        clock.shift(timedelta(seconds=50))
        assert client.get(caseload).status_code == 200  # within the minute: no mark
        # 15 minutes after the mark at 14:30 (14:10 after the last page): signed out,
        # never later than the configured limit after the last page.
        clock.shift(timedelta(minutes=14, seconds=11))
        assert client.get(caseload).status_code == 302
        assert client.get(caseload).status_code == 302


def test_a_page_gets_the_signed_in_staff_member_itself(
    client: Client, clinic: Clinic
) -> None:
    """The middleware hands pages the staff member out of the lazy wrappers
    (decisions/0074), with the second factor's ``is_verified`` still on it; a request
    from nobody signed in gets the anonymous user, and is sent to sign in."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory
    from django.utils.functional import LazyObject, SimpleLazyObject

    from accounts.middleware import StaffSessionMiddleware

    seen: list[object] = []

    def page(request: HttpRequest) -> HttpResponse:
        seen.append(request.user)
        return HttpResponse()

    _sign_in(client, clinic)
    response = client.get(reverse("patients:caseload"))
    user = response.wsgi_request.user
    assert not isinstance(user, LazyObject)
    assert user == clinic.therapist_on_team and user.is_verified() is False

    request = RequestFactory().get("/")
    request.session = client.session
    inner = AnonymousUser()
    # Two wrappers, neither evaluated yet, as authentication and the second factor nest
    request.user = SimpleLazyObject(lambda: SimpleLazyObject(lambda: inner))
    StaffSessionMiddleware(page)(request)
    assert seen == [inner] and seen[0] is inner

    client.logout()
    assert client.get(reverse("patients:caseload")).status_code == 302
