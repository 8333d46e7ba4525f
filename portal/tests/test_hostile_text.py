"""A patient can type anything into a name from the portal alone: their "people" page
still answers 200 and draws the circle, with the formula shown as written."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.models import Course, InventoryPerson
from tests.hostile import FORMULA, HOSTILE_TEXT

pytestmark = pytest.mark.django_db


def test_hostile_names_typed_in_the_portal_never_break_the_people_page(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    for text in HOSTILE_TEXT:
        if "\ud800" in text:
            continue  # not UTF-8: no browser sends it
        response = as_patient.post(
            reverse("portal:person-add"),
            {
                "name": text[:80],
                "relationship": "friend",
                "contact_frequency": "weekly",
                "closeness": "4",
                "quality": "good",
            },
        )
        assert response.status_code in {302, 400}  # saved, or refused as bad input
    assert InventoryPerson.objects.filter(name=FORMULA).exists()
    clinic.patient.preferred_name = "$\\undefinedcommand$"
    clinic.patient.save()
    response = as_patient.get(reverse("portal:people"))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("data:image/svg+xml;base64,") + len("data:image/svg+xml;base64,")
    svg = base64.b64decode(page[start : page.index('"', start)]).decode()
    assert FORMULA in svg
