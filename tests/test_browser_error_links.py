"""Keyboard only, in real Chromium: after a failed submission, Tab reaches each error
summary link and Enter leads to its field's first input, on the public callback form,
a portal form and the intake screening form."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from portal.choices import LinkChannel
from portal.services import links
from referrals.tests.factories import ReferralFactory, in_contact

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page: Page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element is the link saying ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.tagName + '|' + "
            "document.activeElement.textContent"
        )
        if focused.startswith("A|") and text in focused:
            return
    raise AssertionError(f"Tab never reached the link {text!r}")


def _follow_each_summary_link(page: Page) -> list[str]:
    """For every link in the error summary: Tab to it, press Enter, and check the
    address now names an input that is on the page and in view."""
    texts = page.locator(".error-summary a").all_inner_texts()
    assert texts, "no error summary links"
    reached = []
    for text in texts:
        page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
        page.locator("h1").first.focus() if page.locator(
            "h1[tabindex]"
        ).count() else None
        _tab_to(page, text.strip()[:30])
        page.keyboard.press("Enter")
        target = page.evaluate("() => location.hash.slice(1)")
        assert target, f"{text!r} leads to '#'"
        element = page.locator(f"#{target}")
        assert element.count() == 1, target
        assert element.evaluate(
            "e => ['INPUT','SELECT','TEXTAREA'].includes(e.tagName)"
        )
        assert element.is_visible()
        assert element.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return r.top < window.innerHeight && r.bottom > 0; }"
        ), f"{target} is not scrolled into view"
        reached.append(target)
    return reached


def test_the_public_form_errors_lead_to_their_fields(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    page = browser_page
    page.goto(f"{live_server}/callback/")
    # Keyboard only: Tab to the name field, type, Enter submits the form.
    _tab = 0
    while page.evaluate("() => document.activeElement.name") != "name" and _tab < 40:
        page.keyboard.press("Tab")
        _tab += 1
    page.keyboard.type("Robin")
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    reached = _follow_each_summary_link(page)
    assert "id_request_for_0" in reached
    assert "id_consent" in reached


def test_a_portal_form_errors_lead_to_their_fields(
    live_server: object, phone_page: Page, clinic: Clinic
) -> None:
    page = phone_page
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    issued = links.link_issue(
        patient=clinic.patient, channel=LinkChannel.EMAIL, by=None
    )
    page.goto(f"{live_server}{issued.path}")
    born = clinic.patient.date_of_birth
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Hello").wait_for()
    page.goto(f"{live_server}/portal/people/new/")
    page.locator("main button.primary[type=submit]").focus()
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    reached = _follow_each_summary_link(page)
    assert "id_closeness_0" in reached


def test_the_screening_form_errors_lead_to_their_items(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    page = browser_page
    referral = in_contact(ReferralFactory(site=clinic.site_a))
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(clinic.coordinator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/intake/{referral.public_id}/screening/?instrument=phq9")
    # Answer the first item only, by keyboard: Space picks the focused choice.
    page.locator("#id_item_1_0").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save and score").focus()
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    reached = _follow_each_summary_link(page)
    assert "id_item_2_0" in reached
