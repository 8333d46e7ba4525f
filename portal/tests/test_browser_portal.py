"""The portal on a phone, in real Chromium: signing in with a link and the date of
birth, a questionnaire one question per screen with a risk answer, the diary, and an
accessibility check (axe-core, WCAG 2.1 AA) on every portal page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import PersonFactory, course_in_phase
from measures.models import Administration
from portal.choices import LinkChannel
from portal.models import DiaryEntry, Homework
from portal.services import links

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_accessible(page: Page) -> None:
    from tests.accessibility import assert_accessible

    assert_accessible(page)


def _sign_in(page: Page, live_server: object, clinic: Clinic) -> None:
    issued = links.link_issue(
        patient=clinic.patient, channel=LinkChannel.EMAIL, by=None
    )
    page.goto(f"{live_server}{issued.path}")
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    assert issued.token not in page.url  # the token leaves the address bar at once
    _check_accessible(page)
    born = clinic.patient.date_of_birth
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Hello").wait_for()


def test_a_patient_answers_the_phq9_on_a_phone_and_meets_the_crisis_page(
    live_server: object, phone_page: Page, clinic: Clinic
) -> None:
    page = phone_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    _sign_in(page, live_server, clinic)
    _check_accessible(page)
    page.get_by_role("button", name="Start PHQ-9").click()
    for number in range(1, 9):
        page.get_by_text(f"Question {number} of 10").wait_for()
        if number == 1:
            _check_accessible(page)
        page.get_by_label("Not at all").check()
        page.get_by_role("button", name="Next").click()
    page.get_by_text("Question 9 of 10").wait_for()
    page.get_by_label("Several days").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Thank you for telling us").wait_for()
    assert page.get_by_role("link", name="Call Emergency services: 999").is_visible()
    _check_accessible(page)
    page.get_by_role("link", name="Continue").click()
    page.get_by_label("Not difficult at all").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Check your answers").wait_for()
    _check_accessible(page)
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role(
        "heading", name="Thank you, your answers have been sent"
    ).wait_for()
    _check_accessible(page)
    stored = Administration.objects.get(patient=clinic.patient, instrument_id="phq9")
    assert stored.total == 1 and stored.critical_items == [9]
    assert errors == []
    # the page fits a phone: nothing wider than the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_diary_homework_and_own_pages_on_a_phone(
    live_server: object, phone_page: Page, clinic: Clinic
) -> None:
    page = phone_page
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    PersonFactory(course=course, name="Mum")
    Homework.objects.create(
        patient=clinic.patient,
        course=course,
        template="reach_out",
        set_by=clinic.therapist_on_team,
    )
    _sign_in(page, live_server, clinic)
    page.get_by_role("link", name="Fill in today's diary").click()
    page.get_by_role("heading", name="Today's diary").wait_for()
    _check_accessible(page)
    page.locator("fieldset", has_text="Mood today").get_by_label(
        "4", exact=True
    ).check()
    page.locator("fieldset", has_text="Cravings today").get_by_label(
        "6", exact=True
    ).check()
    page.locator("fieldset", has_text="Did you drink").get_by_label("No").check()
    page.locator("fieldset", has_text="Who was it with").get_by_label("Mum").check()
    page.get_by_label("What happened?").fill("She called to ask how I was")
    page.locator("fieldset", has_text="hurt yourself").get_by_label("No").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved. Thank you.").wait_for()
    entry = DiaryEntry.objects.get(patient=clinic.patient)
    assert (entry.mood, entry.craving, entry.person.name) == (4, 6, "Mum")  # type: ignore[union-attr]
    for name in ["Homework", "Progress", "Sessions", "My people", "My plan"]:
        page.get_by_role("navigation").get_by_role("link", name=name).click()
        page.wait_for_load_state()
        _check_accessible(page)
    page.get_by_role("navigation").get_by_role("link", name="Homework").click()
    page.get_by_role("link", name="Reach out to a support person").click()
    page.get_by_label("Who did you contact, and how?").fill("My sister, by phone")
    page.get_by_role("button", name="Hand it in").click()
    page.get_by_text("Handed in. Thank you.").wait_for()
    assert Homework.objects.get().answers[0] == "My sister, by phone"
    page.get_by_role("link", name="Get help now").click()
    page.get_by_role("heading", name="Get help now").wait_for()
    _check_accessible(page)


def test_the_public_portal_pages_are_accessible_in_spanish(
    live_server: object, phone_page: Page, clinic: Clinic
) -> None:
    page = phone_page
    page.goto(f"{live_server}/portal/")
    _check_accessible(page)
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    _check_accessible(page)
    page.goto(f"{live_server}/portal/new-link/")
    _check_accessible(page)
