"""The whole path in real browsers: a person asks for a callback on a phone; the intake
coordinator calls, screens, accepts and books the first session."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from ipt.models import Course
from measures.models import Administration
from referrals.choices import Status
from referrals.models import Referral
from referrals.tests.factories import program

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _collect_errors(page: Page, errors: list[str]) -> None:
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )


def test_from_the_public_form_to_a_booked_first_session(
    live_server: object, phone_page: Page, browser_page: Page, clinic: Clinic
) -> None:
    program("ipt16")  # the programs, in case a transactional test flushed them
    errors: list[str] = []
    # --- The public, on a phone
    public = phone_page
    _collect_errors(public, errors)
    public.goto(f"{live_server}/callback/")
    assert public.get_by_role("heading", name="Need help right now?").is_visible()
    public.get_by_role("button", name="Send my request").click()
    public.get_by_role("heading", name="Please check the form").wait_for()
    assert public.get_by_text("Tell us your name").first.is_visible()
    public.get_by_label("For myself").check()
    public.get_by_label("Your name").fill("Robin Example")
    public.get_by_label("Telephone number").fill("07700 900 246")
    public.get_by_label("E-mail address").fill("robin@example.org")
    public.get_by_label("Mornings (9am–12pm)").check()
    public.get_by_label("It is fine to leave a voicemail message").check()
    public.get_by_label("I agree to be contacted about this request").check()
    # the honeypot is out of sight (off the screen), and out of the tab order
    trap = public.locator("#id_website")
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    assert trap.get_attribute("tabindex") == "-1"
    public.get_by_role("button", name="Send my request").click()
    public.get_by_role("heading", name="Thank you: we have your request").wait_for()
    assert public.get_by_role("heading", name="What happens next").is_visible()
    referral = Referral.objects.get()
    assert str(referral.public_id) not in public.url

    # --- The intake coordinator, at a desk
    page = browser_page
    _collect_errors(page, errors)
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(clinic.coordinator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Intake queue").first.click()
    page.get_by_role("heading", name="Intake queue").wait_for()
    page.get_by_role("link", name="Robin Example").click()
    page.get_by_role("heading", name="Request from Robin Example").wait_for()
    # the call
    page.get_by_label("Spoke to them").check()
    page.get_by_role("button", name="Log the call").click()
    page.get_by_text("Call logged.").wait_for()
    # their details, confirmed on the call
    page.get_by_role("link", name="Record their details").click()
    page.get_by_label("Given name").fill("Robin")
    page.get_by_label("Family name").fill("Example")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Details saved.").wait_for()
    # the screening call: a PHQ-9 with no risk answer
    page.get_by_role("link", name="Screening call").click()
    page.get_by_role("link", name="PHQ-9").click()
    for item in range(1, 10):
        page.locator(
            f'input[name="item_{item}"][value="{1 if item < 9 else 0}"]'
        ).check()
    page.get_by_role("button", name="Save and score").click()
    page.get_by_text("PHQ-9 saved.").wait_for()
    page.get_by_role("link", name="return to the request").click()
    # accept and book
    page.get_by_role("link", name="Accept into a program").click()
    page.get_by_label("Program").select_option(label="IPT-16")
    page.get_by_label("Assign a clinician and book the first appointment").check()
    page.locator("#id_clinician").select_option(value=str(clinic.therapist_on_team.pk))
    first = timezone.localtime() + datetime.timedelta(days=7)
    page.locator("#id_first_appointment_at").fill(first.strftime("%Y-%m-%dT10:00"))
    page.locator("#id_place").fill("Room 2, 14 High Street")
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Accepted and booked: the course is open.").wait_for()
    assert page.get_by_text("First appointment").is_visible()

    # --- What is stored
    referral.refresh_from_db()
    assert referral.status == Status.BOOKED
    assert referral.patient is not None
    assert referral.patient.family_name == "Example"
    assert timezone.localtime(referral.first_appointment_at).hour == 10
    course = Course.objects.get(patient=referral.patient)
    assert course.clinician == clinic.therapist_on_team
    assert Administration.objects.get().patient == referral.patient
    # every page ran under the strict CSP without a single violation
    assert errors == []
