"""The public can reach the callback form and its confirmation, and nothing else."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import Clinic
from tests.access_matrix import ROUTES

# Pages anyone may open without signing in: the health check for load balancers, the
# staff sign-in page, and the two callback pages.
PUBLIC = {
    "health",
    "accounts:sign-in",
    "referrals:callback",
    "referrals:callback-thanks",
}
# Not public pages but capability URLs: a clinician's calendar feed answers only to its
# secret, revocable token (scheduling, issue 6); without it there is nothing.
BY_SECRET_TOKEN = {"scheduling:feed"}
# The patient portal has its own sign-in (a single-use link and the date of birth,
# portal.session): its pages are exempt from the staff sign-in and send anyone not
# signed in to the portal to the portal's start page instead.
PORTAL_PUBLIC = {
    "portal:start",
    "portal:link",
    "portal:sign-in",
    "portal:request-link",
    "portal:sign-out",
    "portal:language",
    "portal:help",
}
PORTAL = {
    name
    for name in ROUTES
    if (name.startswith("portal:") and not name.startswith("portal:staff-"))
    # the patient's accounting of disclosures and own copy, served in the portal
    or name.startswith("disclosures:portal-")
}

# The FHIR API (docs/fhir.md) authenticates every request itself, by an OAuth2 bearer
# token or a staff session: it answers 401 with an OperationOutcome rather than
# redirecting to a sign-in page a system cannot use. Its capability statement and
# OpenAPI description are public, as FHIR and OpenAPI clients expect.
FHIR_PUBLIC = {"fhir:metadata", "fhir:openapi"}


def _fhir(names: object) -> set[str]:
    return {name for name in names if name.startswith("fhir:")}  # type: ignore[attr-defined]


def _views(
    resolver: URLResolver | None = None, prefix: str = ""
) -> list[tuple[str, object]]:
    views: list[tuple[str, object]] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            views += _views(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            name = prefix + pattern.name if pattern.name else str(pattern.pattern)
            views.append((name, pattern.callback))
    return views


def test_only_the_public_pages_are_exempt_from_signing_in() -> None:
    exempt = {
        name
        for name, view in _views()
        if getattr(view, "login_required", True) is False
        and not name.startswith("admin:")
    }
    # admin/login/ only redirects to the one sign-in page
    fhir = _fhir(exempt)
    assert fhir >= FHIR_PUBLIC
    assert exempt - fhir == PUBLIC | BY_SECRET_TOKEN | PORTAL | {"admin/login/"}


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_nothing_from_any_other_page(
    client: Client, clinic: Clinic
) -> None:
    sign_in = reverse("accounts:sign-in")
    for name, route in ROUTES.items():
        url = reverse(name, kwargs=route.kwargs(clinic))
        response = getattr(client, route.method)(url, route.data)
        if name in PUBLIC:
            assert response.status_code == 200, name
            continue
        if name in BY_SECRET_TOKEN or name in PORTAL_PUBLIC:
            continue
        if name in FHIR_PUBLIC:
            assert response.status_code == 200, name
            continue
        if name.startswith("fhir:"):
            # No token, no session: refused, and nothing of a patient in the body.
            assert response.status_code in {400, 401}, (name, response.status_code)
            assert clinic.patient.family_name not in response.content.decode(), name
            continue
        if name in PORTAL:
            assert response.status_code == 302, name
            assert response["Location"] == reverse("portal:start"), name
            continue
        assert response.status_code == 302, name
        assert response["Location"].startswith(sign_in), name
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_the_public_pages_link_only_to_each_other(
    client: Client, clinic: Clinic
) -> None:
    for name in ["referrals:callback", "referrals:callback-thanks"]:
        page = client.get(reverse(name)).content.decode()
        targets = re.findall(r'(?:href|action|src)="([^"]*)"', page)
        for target in targets:
            # tel: links call the crisis lines; they lead nowhere on the site.
            allowed = ("/callback/", "/static/", "#", "tel:")
            assert target.startswith(allowed) or target == "", (
                name,
                target,
            )
        assert "Sign out" not in page and "Intake queue" not in page


@pytest.mark.django_db
def test_a_signed_in_coordinator_sees_the_public_form_as_the_public_does(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.coordinator)
    page = client.get(reverse("referrals:callback")).content.decode()
    assert "Intake queue" not in page and "Sign out" not in page
