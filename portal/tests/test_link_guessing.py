"""Guessing portal links from one address is rate limited like the other public forms;
once over the limit a good link answers the same 429, so guessing learns nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from portal.choices import LinkChannel
from portal.services import links

pytestmark = pytest.mark.django_db


def open_link(client: Client, token: str, address: str) -> int:
    client.get(reverse("portal:link", args=[token]), REMOTE_ADDR=address)
    return client.get(reverse("portal:sign-in"), REMOTE_ADDR=address).status_code


def test_wrong_links_from_one_address_are_limited(
    client: Client, clinic: Clinic, settings: object
) -> None:
    settings.IPTCARE_PORTAL_RATE_LIMIT = 3  # type: ignore[attr-defined]
    for n in range(3):
        assert open_link(client, f"guess-{n:040d}", "192.0.2.50") == 410
    issued = links.link_issue(
        patient=clinic.patient, channel=LinkChannel.EMAIL, by=None
    )
    token = issued.path.rstrip("/").rsplit("/", 1)[-1]
    assert open_link(client, "guess-again", "192.0.2.50") == 429
    assert open_link(Client(), token, "192.0.2.50") == 429  # a good one looks the same
    # the patient at another address is not held up by it
    assert open_link(Client(), token, "192.0.2.51") == 200
