"""Every route × every persona: the status, the 404-not-403 rule, and the audit row."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import access
from audit.models import AuditEvent
from conftest import Clinic
from tests.access_matrix import ADMIN_INDEX, PATIENT_PERSONAS, PERSONAS, ROUTES, Route


def _route_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _route_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_route_is_declared() -> None:
    """A new page without a line in the access matrix fails here."""
    undeclared = {
        name for name in _route_names() if not name.startswith("admin:")
    } - set(ROUTES)
    assert not undeclared, (
        f"declare these routes in tests/access_matrix.py: {undeclared}"
    )


def test_every_unnamed_route_is_known() -> None:
    unnamed = [
        str(p.pattern)
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and not p.name
    ]
    assert unnamed == ["admin/login/"]


def _client_for(client: Client, clinic: Clinic, persona: str) -> Client:
    if persona == "anonymous":
        return client
    if persona in PATIENT_PERSONAS:
        from portal.tests.conftest import sign_in_patient

        own = clinic.patient if persona == "patient_self" else clinic.patient_other_site
        return sign_in_patient(client, own)
    if persona == "break_glass":
        staff = clinic.therapist_off_team
        access.break_glass(
            staff=staff,
            record_number=clinic.patient.record_number,
            reason="Patient called the duty line in crisis.",
        )
    else:
        staff = getattr(clinic, persona)
    client.force_login(staff)
    return client


def _call(client: Client, clinic: Clinic, name: str, route: Route) -> int:
    url = reverse(name, kwargs=route.kwargs(clinic))
    response = getattr(client, route.method)(url, route.data)
    return int(response.status_code)


CASES = [
    (name, persona)
    for name in sorted(ROUTES)
    for persona in PERSONAS + PATIENT_PERSONAS
]


def _expected(route: Route, persona: str) -> int:
    """A patient persona on a route that does not name one gets what anonymous gets."""
    return route.expect.get(persona, route.expect["anonymous"])


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_route_answers_each_persona_as_declared(
    client: Client, clinic: Clinic, name: str, persona: str
) -> None:
    # given
    route = ROUTES[name]
    client = _client_for(client, clinic, persona)
    whose = clinic.patient_other_site if persona == "patient_other" else clinic.patient
    before = AuditEvent.objects.filter(patient=whose).count()
    # when
    status = _call(client, clinic, name, route)
    # then
    assert status == _expected(route, persona), f"{name} as {persona}"
    if route.patient_data and status == 200:
        # every read of patient data leaves exactly one row naming the patient
        after = AuditEvent.objects.filter(patient=whose).count()
        assert after - before == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site_is_for_administrators_only(
    client: Client, clinic: Clinic, persona: str
) -> None:
    client = _client_for(client, clinic, persona)
    assert client.get(reverse("admin:index")).status_code == ADMIN_INDEX.expect[persona]


def test_other_sites_patient_is_404_for_every_patient_route(
    client: Client, clinic: Clinic
) -> None:
    """IDOR sweep: an id from another team answers 404, never 403."""
    client.force_login(clinic.therapist_on_team)
    foreign = {"public_id": clinic.patient_other_site.public_id}
    for name, route in ROUTES.items():
        if route.kwargs(clinic).get("public_id") != clinic.patient.public_id:
            continue
        kwargs = {**route.kwargs(clinic), **foreign}
        response = getattr(client, route.method)(reverse(name, kwargs=kwargs))
        assert response.status_code == 404, name
        assert clinic.patient_other_site.family_name not in response.content.decode()
