"""A staff member signs in with a real browser and sees their caseload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_signs_in_and_opens_the_caseload(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    # given
    page = browser_page
    errors: list[str] = []
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    # when
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(clinic.therapist_on_team.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # then
    page.get_by_role("heading", name="My caseload").wait_for()
    assert page.get_by_role("link", name="Zebedee, Canary").is_visible()
    assert "Zebedee" not in page.url
    # the search filters through HTMX without a page load
    page.get_by_label("Find by name or record number").fill("nobody-by-this-name")
    page.get_by_text("No patient matches.").wait_for()
    # the pages run under a strict CSP without a single violation
    assert errors == []
