"""Crisis numbers can be tapped to call on every public and portal page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.models import Course
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db
TEL = re.compile(r'href="tel:(\+?\d+)"')


def _tel_numbers(html: str) -> set[str]:
    return set(TEL.findall(html))


@pytest.mark.parametrize(
    "name", ["referrals:callback", "portal:start", "portal:request-link", "portal:help"]
)
def test_public_pages_offer_the_crisis_lines_as_calls(
    client: Client, clinic: Clinic, name: str
) -> None:
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    assert {"999", "111", "116123", "988"} <= _tel_numbers(response.content.decode())


@pytest.mark.parametrize(
    "name",
    [
        "portal:home",
        "portal:diary",
        "portal:homework-list",
        "portal:progress",
        "portal:sessions",
        "portal:plan",
        "portal:people",
        "portal:person-add",
    ],
)
def test_every_signed_in_portal_page_offers_the_crisis_lines_as_calls(
    client: Client, clinic: Clinic, course: Course, name: str
) -> None:
    sign_in_patient(client, clinic.patient)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert {"999", "116123"} <= _tel_numbers(response.content.decode())


def test_the_help_page_lists_each_line_once(client: Client, clinic: Clinic) -> None:
    html = client.get(reverse("portal:help")).content.decode()
    assert html.count('href="tel:116123"') == 1


def test_the_callback_thanks_page_offers_the_crisis_lines(
    client: Client, clinic: Clinic
) -> None:
    html = client.get(reverse("referrals:callback-thanks"), follow=True)
    assert "999" in _tel_numbers(html.content.decode())
