"""Every error under /fhir/ is an OperationOutcome with its status, never Django's
HTML page: an oversized body, unknown routes, methods and media types, missing
credentials and scopes, and a 500 that says nothing of its exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from conftest import Clinic
from interop import views
from interop.tests.conftest import Api, make_client
from interop.tests.test_api import outcome
from interop.tests.test_request_body import KEY, nothing_stored, valid_phq9
from interop.tests.test_submit import WRITE

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(api_for: Callable[..., Api], clinic: Clinic) -> Api:
    return api_for(make_client(team=clinic.team_a, scopes=WRITE, name="phone-app"))


def test_a_body_over_the_upload_limit_is_413(
    writer: Api, clinic: Clinic, settings: Any
) -> None:
    body = json.dumps({**valid_phq9(clinic), "x": "a" * 3_000_000})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    outcome(writer.post("/fhir/QuestionnaireResponse", body, **KEY), 413)
    assert nothing_stored()


@pytest.mark.parametrize(
    "content_type",
    ["application/xml", "text/plain", "application/x-www-form-urlencoded"],
)
def test_a_body_in_another_media_type_is_415(
    writer: Api, clinic: Clinic, content_type: str
) -> None:
    response = writer.client.post(
        "/fhir/QuestionnaireResponse",
        json.dumps(valid_phq9(clinic)),
        content_type=content_type,
        headers={**writer.headers, **KEY},
    )
    outcome(response, 415)
    assert nothing_stored()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/fhir/Unknown", 404),
        ("get", "/fhir/Patient/1/_history", 404),
        ("get", "/fhir/", 404),
        ("get", "/fhir", 404),
        ("post", "/fhir/Unknown", 404),
        ("delete", "/fhir/Patient", 405),
        ("put", "/fhir/Patient/x", 405),
        ("post", "/fhir/Observation", 405),
        ("post", "/fhir/metadata", 405),
        ("get", "/fhir/auth/token", 405),
    ],
)
def test_unknown_routes_and_methods_answer_an_outcome(
    api: Api, method: str, path: str, status: int
) -> None:
    response = getattr(api.client, method)(path, headers=api.headers)
    outcome(response, status)
    if status == 405:
        assert response["Allow"]


def test_a_post_without_csrf_to_a_read_only_route_is_an_outcome(clinic: Clinic) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/fhir/metadata", {"a": "b"})
    assert response.status_code in {403, 405}
    outcome(response, response.status_code)


def test_auth_and_scope_errors_are_outcomes(
    client: Client, api_for: Callable[..., Api], clinic: Clinic
) -> None:
    outcome(client.get("/fhir/Patient"), 401)
    narrow = api_for(make_client(team=clinic.team_a, scopes="system/Patient.read"))
    outcome(narrow.get("/fhir/Observation"), 403)
    outcome(narrow.get("/fhir/Patient", Accept="application/fhir+xml"), 406)


def test_a_500_is_an_outcome_without_the_exception(
    api: Api, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(views.selectors, "search", broken)
    quiet = Client(raise_request_exception=False)
    response = quiet.get("/fhir/Patient", headers=api.headers)
    diagnostics = outcome(response, 500)
    assert "secret" not in response.content.decode()
    assert "RuntimeError" not in diagnostics


def test_errors_outside_the_api_keep_their_html_pages(client: Client) -> None:
    response = client.get("/no-such-page-at-all")
    assert not response["Content-Type"].startswith("application/fhir+json")
