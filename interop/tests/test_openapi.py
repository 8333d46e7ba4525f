"""The OpenAPI description matches the routes, and Schemathesis, driving a live server
from it with a bounded number of examples per operation, gets no 5xx and responses that
conform to it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.test import Client
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest import Clinic
from interop.capability import openapi
from interop.tests.conftest import ALL_READ, make_client, token_for

EXAMPLES = (
    25  # per operation; QUALITY.md's 1,000 belong in a long run, not every test run
)


def _fhir_routes() -> dict[str, set[str]]:
    """Each FHIR URL as OpenAPI writes it, with the methods its view answers."""
    routes: dict[str, set[str]] = {}
    for resolver in get_resolver().url_patterns:
        if getattr(resolver, "namespace", None) != "fhir":
            continue
        for pattern in resolver.url_patterns:
            assert isinstance(pattern, URLPattern)
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
            path = path.replace("{resource_id}", "{id}")
            methods = {"get"}
            if path == "/fhir/QuestionnaireResponse":
                methods.add("post")
            if path.startswith("/fhir/$export-status"):
                methods.add("delete")
            routes[path] = methods
    return routes


def test_the_description_names_every_route_and_method() -> None:
    described = {
        path: {m for m in operations if m in {"get", "post", "delete"}}
        for path, operations in openapi()["paths"].items()
    }
    routes = _fhir_routes()
    # the token endpoint is the OAuth2 scheme's tokenUrl, and the description is itself
    assert routes.pop("/fhir/auth/token") == {"get"}
    assert routes.pop("/fhir/openapi.json") == {"get"}
    assert described == routes
    scheme = openapi()["components"]["securitySchemes"]["oauth2"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/fhir/auth/token"


def test_the_description_is_served(client: Client) -> None:
    response = client.get("/fhir/openapi.json")
    assert response.status_code == 200
    assert response.json() == openapi()


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_errors(live_server: Any, clinic: Clinic) -> None:
    registry = make_client(
        team=clinic.team_a,
        scopes=f"{ALL_READ} system/QuestionnaireResponse.write",
    )
    headers = {"Authorization": f"Bearer {token_for(registry)}"}
    schema = schemathesis.openapi.from_dict(openapi())
    schema.config.base_url = live_server.url
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), authorised=st.booleans())
        def check(case: Any, authorised: bool) -> None:
            # A generous timeout: on a shared, loaded machine the live server may take
            # seconds to answer, and a slow answer is not what this test is about.
            response = case.call(
                base_url=live_server.url,
                headers=headers if authorised else {},
                timeout=120,
            )
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code}"
                )
            # A schema cannot say which cursors and codes exist: a well-formed one the
            # server never gave out is rightly a 400, so that one check is left out.
            case.validate_response(
                response,
                headers=headers if authorised else {},
                excluded_checks=[positive_data_acceptance],
            )

        check()
    assert failures == []
