"""The staff pages' header kept rendered in each process under what it shows
(decisions/0074): the reader, their role and name, and the clinic's name.

Kept, the header is the header: the same HTML as rendered afresh for every role and
for nobody signed in, with each reader's own CSRF token in its sign-out form. A
reader's new name or role shows at their next page, and no reader is ever sent
another's header, even one with the same name and role.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Staff
from accounts.tests.factories import StaffFactory
from conftest import Clinic
from iptcare.lib import kept_pages
from iptcare.templatetags.kept_pages import forget_in_process

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'<header class="site-header">.*?</header>', re.S)
TOKEN = re.compile(r'csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    forget_in_process()


def _header(client: Client, path: str | None = None) -> str:
    response = client.get(path or reverse("patients:caseload"), follow=True)
    assert response.status_code == 200
    found = HEADER.search(response.content.decode())
    assert found is not None
    return found.group(0)


def _untokened(html: str) -> str:
    return TOKEN.sub("", html)


def _signed_in(staff: Staff) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "persona",
    [
        "therapist_on_team",
        "supervisor",
        "coordinator",
        "administrator",
        "clinical_lead",
    ],
)
def test_the_kept_header_is_the_header(
    clinic: Clinic, persona: str, settings: object
) -> None:
    staff = clinic.persona(persona)
    assert staff is not None
    client = _signed_in(staff)
    first, kept = _header(client), _header(client)
    settings.IPTCARE_KEEP_PAGES = False  # type: ignore[attr-defined]
    afresh = _header(client)
    # Each render masks the token afresh: the pages agree but for that.
    assert _untokened(kept) == _untokened(first) == _untokened(afresh)
    assert staff.display_name in kept
    assert TOKEN.search(kept) is not None
    assert kept_pages.csrf_placeholder() not in kept + first


def test_nobody_signed_in_gets_the_bare_header(clinic: Clinic) -> None:
    client = Client()
    first = _header(client, reverse("accounts:sign-in"))
    assert _header(client, reverse("accounts:sign-in")) == first
    assert "Sign out" not in first and "My caseload" not in first


def test_each_reader_gets_their_own_token(clinic: Clinic) -> None:
    one, two = (
        _signed_in(clinic.therapist_on_team),
        _signed_in(clinic.therapist_on_team),
    )
    headers = [_header(one), _header(two), _header(one)]
    tokens = []
    for header, client in zip(headers, [one, two, one], strict=True):
        token = TOKEN.search(header)
        assert token is not None
        tokens.append(token.group(1))
        # The token in the form is the reader's: signing out with it is accepted.
        signed_out = client.post(
            reverse("accounts:sign-out"), {"csrfmiddlewaretoken": token.group(1)}
        )
        assert signed_out.status_code == 302
        client.force_login(clinic.therapist_on_team)
    assert tokens[0] != tokens[1]


def test_a_new_name_or_role_shows_at_the_next_page(clinic: Clinic) -> None:
    staff = clinic.therapist_on_team
    client = _signed_in(staff)
    before = _header(client)
    assert "Emergency access review" not in before
    staff.role = Role.SUPERVISOR
    staff.save()
    assert "Emergency access review" in _header(client)
    staff.first_name, staff.last_name = "Rena", "Renamed"
    staff.save()
    assert "Rena Renamed" in _header(client)


def test_no_reader_is_sent_another_readers_header(clinic: Clinic) -> None:
    """Two readers with the same name and role still have a copy each."""
    twin: Staff = StaffFactory(  # type: ignore[no-untyped-call,assignment]
        username="twin",
        role=clinic.therapist_on_team.role,
        site=clinic.site_a,
        teams=[clinic.team_a],
        first_name=clinic.therapist_on_team.first_name,
        last_name=clinic.therapist_on_team.last_name,
    )
    assert twin.display_name == clinic.therapist_on_team.display_name
    first = _header(_signed_in(clinic.therapist_on_team))
    second = _header(_signed_in(twin))
    assert _untokened(first) == _untokened(second)
    from iptcare.templatetags import kept_pages as tags

    assert len(tags._in_process._copies) == 2


def test_a_kept_part_may_hold_no_block() -> None:
    """A page that overrides a block inside the part would set it for every other
    page: the key names no template, so the tag refuses one."""
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="may hold no"):
        Template(
            '{% load kept_pages %}{% kept_in_process "x" user.pk %}'
            "{% block nav %}{% endblock %}{% endkept_in_process %}"
        )
