"""API clients for the FHIR tests: an OAuth2 application bound to a team or site, and
an access token for it (made directly; ``test_api`` also goes through the token
endpoint)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from accounts.models import Site, Team
from interop.models import ApiClient
from interop.registry import TYPES

ALL_READ = " ".join(f"system/{name}.read" for name in TYPES)
"""One scope per type the API serves (each named, not ``system/*.read``)."""
SECRET = "a-client-secret-for-tests-only"


def make_client(
    *,
    team: Team | None = None,
    site: Site | None = None,
    scopes: str = ALL_READ,
    name: str = "registry",
) -> ApiClient:
    application = Application.objects.create(
        name=name,
        client_id=f"{name}-{secrets.token_hex(4)}",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    return ApiClient.objects.create(
        application=application, team=team, site=site, allowed_scopes=scopes
    )


def token_for(client: ApiClient, scopes: str | None = None) -> str:
    token = secrets.token_urlsafe(24)
    AccessToken.objects.create(
        application=client.application,
        token=token,
        scope=scopes if scopes is not None else client.allowed_scopes,
        expires=timezone.now() + timedelta(hours=1),
    )
    return token


class Api:
    """A Django test client that sends a bearer token."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, data: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(url, data or {}, headers={**self.headers, **headers})

    def post(self, url: str, body: Any, **headers: str) -> Any:
        import json

        return self.client.post(
            url,
            json.dumps(body) if not isinstance(body, str | bytes) else body,
            content_type="application/fhir+json",
            headers={**self.headers, **headers},
        )


@pytest.fixture
def api_for(client: Client) -> Callable[..., Api]:
    def build(api_client: ApiClient, scopes: str | None = None) -> Api:
        return Api(client, token_for(api_client, scopes))

    return build


@pytest.fixture
def team_client(clinic: Any) -> ApiClient:
    """A registry's client bound to team A (the clinic's patient's team)."""
    return make_client(team=clinic.team_a, name="team-a-registry")


@pytest.fixture
def other_site_client(clinic: Any) -> ApiClient:
    return make_client(site=clinic.site_b, name="site-b-registry")


@pytest.fixture
def api(api_for: Callable[..., Api], team_client: ApiClient) -> Api:
    return api_for(team_client)
