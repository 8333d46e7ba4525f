"""A clinician records a consent the patient signs on screen, in real Chromium under
the strict CSP: the signature box draws, and the drawn PNG is what is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from disclosures.models import Consent
from disclosures.tests.factories import RecipientFactory
from tests.accessibility import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consent_signed_on_screen(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    RecipientFactory(name="Riverside GP practice")
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(clinic.therapist_on_team.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My caseload").wait_for()
    page.goto(f"{live_server}/patients/{clinic.patient.public_id}/consents/new/")
    page.get_by_text("Refusing consent never affects treatment").wait_for()
    assert_accessible(page)

    page.get_by_label("Kind of consent").select_option("specific")
    page.get_by_label("What information").fill("Attendance and PHQ-9 scores")
    page.get_by_label("Attendance", exact=True).check()
    page.get_by_label("Riverside GP practice").check()
    page.get_by_label("Purpose:", exact=True).fill("Continuity of care")
    page.get_by_label("Expires on:", exact=True).fill("2099-12-31")
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 80)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 80 + (-1) ** step * 30)
    page.mouse.up()
    page.get_by_role("button", name="Record the consent").click()
    page.get_by_text("Consent recorded.").wait_for()

    consent = Consent.objects.get()
    assert consent.signature_kind == "drawn"
    assert bytes(consent.signature).startswith(b"\x89PNG")
    assert len(bytes(consent.signature)) > 500  # a drawing, not an empty box
    assert page.get_by_role("img", name="The patient's signature").is_visible()
    assert not errors, errors
