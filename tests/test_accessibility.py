"""The accessibility check can fail, and the public pages pass it (the portal's own
pages are checked in portal/tests/test_browser_portal.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from tests.accessibility import assert_accessible, axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_check_finds_a_real_violation(phone_page: Page) -> None:
    phone_page.set_content(
        '<html lang="en"><body><main><img src="x.png">'
        "<button></button></main></body></html>"
    )
    found = {violation["id"] for violation in axe_violations(phone_page)}
    assert {"image-alt", "button-name"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(phone_page)


@pytest.mark.parametrize("path", ["/callback/", "/sign-in/"])
def test_public_pages_are_accessible_on_a_phone(
    live_server: object, phone_page: Page, path: str
) -> None:
    phone_page.goto(f"{live_server}{path}")
    assert_accessible(phone_page)


def test_the_caseload_is_accessible(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    page = browser_page
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(clinic.therapist_on_team.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My caseload").wait_for()
    assert_accessible(page)
