"""No page a role may open is an orphan: each is linked from the role's navigation or
from a page it links to.

An outside probe found the supervision notes (where "Record supervision" is) and the
retention review reachable only by typing their address. Every route of the access
matrix that takes no argument and answers a role 200 is looked for among the links
of that role's navigation and of the pages one step from it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic, signed_in
from tests.access_matrix import ROUTES

# Reached another way, on purpose: the public and the patients' own pages, the API,
# the health check, a poll and the sign-in steps; access changes by the link each
# approver is sent (docs/access.md).
NOT_IN_A_NAVIGATION = (
    "health",
    "fhir:",
    "portal:",
    "referrals:callback",
    "alerts:count",
    "accounts:setup-2fa",
    "accounts:access-changes",
)

# Where each role lands after signing in.
LANDING = {
    "coordinator": "/",
    "therapist_on_team": "/",
    "supervisor": "/",
    "administrator": reverse("outcomes:service"),
    "clinical_lead": reverse("outcomes:service"),
}

_LINK = re.compile(r'href="(/[^"#?]*)')


def _pages_for(persona: str) -> dict[str, str]:
    pages = {}
    for name, route in ROUTES.items():
        if route.method != "get" or name.startswith(NOT_IN_A_NAVIGATION):
            continue
        try:
            arguments = route.kwargs(None)
        except (AttributeError, TypeError):
            continue  # takes the clinic: a patient's or an object's page
        if not arguments and route.expect.get(persona) == 200:
            pages[name] = reverse(name)
    return pages


def _links(client: Client, path: str) -> set[str]:
    response = client.get(path)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    return set(_LINK.findall(response.content.decode()))


@pytest.mark.parametrize("persona", sorted(LANDING))
def test_every_page_a_role_may_open_is_linked_for_it(
    client: Client, clinic: Clinic, persona: str
) -> None:
    signed_in(client, clinic.persona(persona))
    near = _links(client, LANDING[persona])
    reachable = set(near)
    for path in near:
        if not path.startswith(("/static/", "/admin/")):
            reachable |= _links(client, path)
    orphans = {
        name: path
        for name, path in _pages_for(persona).items()
        if path not in reachable
    }
    assert not orphans, f"{persona} can open these pages but nothing links to them"


@pytest.mark.parametrize(
    ("persona", "page", "linked"),
    [
        ("supervisor", "supervision:notes", True),
        ("therapist_on_team", "supervision:notes", True),
        ("coordinator", "supervision:notes", False),
        ("supervisor", "disclosures:retention", True),
        ("therapist_on_team", "disclosures:retention", False),
    ],
)
def test_the_navigation_names_the_supervision_notes_and_the_retention_review(
    client: Client, clinic: Clinic, persona: str, page: str, linked: bool
) -> None:
    signed_in(client, clinic.persona(persona))
    assert (reverse(page) in _links(client, "/")) is linked
