"""The project's own journey, in real Chromium: a callback request on a phone; intake
with a risk answer that reaches the duty clinician at once; the waiting list; a
12-session course booked weekly across the clock change; the portal on a phone (one
response on a double submit; the chart moves); ending the course early; the report.

Not walked here (covered elsewhere): attendance and signed notes
(scheduling/tests, ipt/tests/test_notes.py), the termination review and
relapse-prevention plan (ipt/tests/test_browser_course.py)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from alerts.models import Alert, DutyShift
from conftest import Clinic
from ipt.models import Course
from measures.choices import Source
from measures.models import Administration
from patients.models import CareTeamMember
from portal.choices import LinkChannel
from portal.models import QuestionnaireResponse
from portal.services import links
from referrals import services as referrals
from referrals.models import Referral
from referrals.tests.factories import program
from scheduling import services as scheduling
from scheduling.choices import AppointmentStatus
from scheduling.models import Appointment

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Weekly on Wednesdays at 10:00, London time, across the clocks going forward on
# Sunday 28 March 2027.
FIRST = datetime.date(2027, 3, 10)


def _staff_sign_in(page: Page, live_server: object, username: str) -> None:
    page.context.clear_cookies()  # whoever was signed in at this desk before
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_journey_from_first_call_to_an_ended_course(
    live_server: object, phone_page: Page, browser_page: Page, clinic: Clinic
) -> None:
    program("ipt12")
    clinic.site_a.time_zone = "Europe/London"
    clinic.site_a.save()
    duty = clinic.therapist_off_team
    duty.email = "duty@example.org"
    duty.save()
    now = timezone.now()
    DutyShift.objects.create(
        site=clinic.site_a,
        clinician=duty,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=12),
    )

    # --- A callback request, on a phone; the crisis lines are calls
    public = phone_page
    public.goto(f"{live_server}/callback/")
    assert public.locator('a[href="tel:999"]').first.is_visible()
    public.get_by_label("For myself").check()
    public.get_by_label("Your name").fill("Robin Example")
    public.get_by_label("Telephone number").fill("07700 900 246")
    public.get_by_label("E-mail address").fill("robin@example.org")
    public.get_by_label("I agree to be contacted about this request").check()
    public.get_by_role("button", name="Send my request").click()
    public.get_by_role("heading", name="Thank you: we have your request").wait_for()
    referral = Referral.objects.get()

    # --- Intake: the call, the details (prefilled from the request), screening
    page = browser_page
    _staff_sign_in(page, live_server, clinic.coordinator.username)
    page.goto(f"{live_server}/intake/{referral.public_id}/")
    page.get_by_label("Spoke to them").check()
    page.get_by_role("button", name="Log the call").click()
    page.get_by_text("Call logged.").wait_for()
    page.get_by_role("link", name="Record their details").click()
    assert page.get_by_label("Given name").input_value() == "Robin"
    assert page.get_by_label("Family name").input_value() == "Example"
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Details saved.").wait_for()
    page.goto(f"{live_server}/intake/{referral.public_id}/screening/?instrument=phq9")
    for item in range(1, 10):
        page.locator(
            f'input[name="item_{item}"][value="{1 if item < 9 else 2}"]'
        ).check()
    mail.outbox.clear()
    page.get_by_role("button", name="Save and score").click()
    page.wait_for_load_state()
    # The risk answer reached the duty clinician at once, named on the request.
    referral.refresh_from_db()
    assert referral.risk_clinician == duty
    assert [m.to for m in mail.outbox] == [["duty@example.org"]]
    page.goto(f"{live_server}/intake/{referral.public_id}/")
    assert page.get_by_text("Told at once").is_visible()

    # --- Accepted onto the waiting list: the alert goes to the duty clinician too
    page.get_by_role("link", name="Accept into a program").click()
    page.get_by_label("Program").select_option(label="IPT-12")
    page.get_by_label("Place on the waiting list").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Accepted and placed on the waiting list.").wait_for()
    referral.refresh_from_db()
    patient = referral.patient
    assert patient is not None
    alert = Alert.objects.get(patient=patient)
    assert alert.kind == "risk"
    assert CareTeamMember.objects.filter(patient=patient, staff=duty).exists()
    assert ["duty@example.org"] in [m.to for m in mail.outbox]

    # --- Booked from the waiting list, then weekly across the clock change
    first_at = timezone.make_aware(
        datetime.datetime.combine(FIRST, datetime.time(10, 0)),
        timezone.get_default_timezone(),
    )
    referrals.referral_book(
        by=clinic.coordinator,
        referral=referral,
        clinician=clinic.therapist_on_team,
        first_appointment_at=first_at,
    )
    course = Course.objects.get(patient=patient)
    scheduling.series_book(
        by=clinic.therapist_on_team,
        course=course,
        first_date=FIRST + datetime.timedelta(weeks=1),
        at=datetime.time(10, 0),
        duration_minutes=50,
        sessions=11,
        frequency="weekly",
    )
    booked = Appointment.objects.filter(attendees__course=course)
    assert booked.count() == 12

    # --- The portal, on a phone
    phone = phone_page
    issued = links.link_issue(patient=patient, channel=LinkChannel.EMAIL, by=None)
    phone.goto(f"{live_server}{issued.path}")
    phone.get_by_label("Day").fill("17")
    phone.get_by_label("Month").fill("5")
    phone.get_by_label("Year").fill("1990")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("heading", name="Hello").wait_for()
    assert phone.locator('a[href^="tel:"]').count() >= 4  # the crisis bar
    # Times stay right across the clock change: 10:00 before and after it.
    phone.goto(f"{live_server}/portal/sessions/")
    times = phone.locator(".when").all_inner_texts()
    assert len(times) == 12
    assert all("10:00–10:50" in when for when in times), times
    assert any("March 2027" in when for when in times)
    assert any("April 2027" in when for when in times)
    phone.goto(f"{live_server}/portal/progress/")
    chart_before = phone.locator("main").inner_text()
    # A questionnaire, one question per screen, sent twice at once: one response.
    phone.goto(f"{live_server}/portal/home/")
    start = phone.locator("form button.primary").first
    name = start.inner_text()
    start.click()
    for _ in range(20):
        if phone.get_by_role("heading", name="Check your answers").count():
            break
        phone.locator('input[type="radio"]').first.check()
        phone.get_by_role("button", name="Next").click()
        phone.wait_for_load_state()
        if phone.get_by_role("link", name="Continue").count():
            phone.get_by_role("link", name="Continue").click()
    phone.get_by_role("heading", name="Check your answers").wait_for()
    statuses = phone.evaluate(
        """() => {
          const form = [...document.querySelectorAll('main form')].pop();
          const send = () => fetch(form.action, {method: 'POST', body: new FormData(form),
                                                 redirect: 'manual'});
          // A double tap: the same form sent again. (At the same instant on
          // PostgreSQL: portal/tests/test_idempotency.py; SQLite's in-memory test
          // database shares one connection between the server's threads.)
          return send().then(a => send().then(b => [a.status, b.status]));
        }"""
    )
    assert len(statuses) == 2
    sent = QuestionnaireResponse.objects.get(patient=patient)
    assert sent.submitted_at is not None, name
    assert (
        Administration.objects.filter(
            patient=patient,
            instrument_id=sent.instrument_id,
            source=Source.PATIENT_PORTAL,
        ).count()
        == 1
    )
    phone.goto(f"{live_server}/portal/progress/")
    assert phone.locator("main").inner_text() != chart_before  # the chart moved

    # --- The course ends early: its calendar ends with it
    _staff_sign_in(page, live_server, clinic.therapist_on_team.username)
    page.goto(
        f"{live_server}/patients/{patient.public_id}/courses/{course.public_id}/end/"
    )
    assert page.locator('input[name="keep_appointments"]').count() == 12
    page.get_by_label("Outcome").select_option(value="transferred")
    page.get_by_label("Reason").fill("Moved to the team nearer home.")
    page.get_by_role("button", name="End the course").click()
    page.get_by_text("The course has ended.").wait_for()
    assert not booked.filter(status=AppointmentStatus.SCHEDULED).exists()
    assert scheduling.future_appointments_of(course) == []
    phone.goto(f"{live_server}/portal/sessions/")
    assert phone.locator(".when").count() == 0

    # --- The report is a PDF
    report = page.request.get(
        f"{live_server}/patients/{patient.public_id}/courses/{course.public_id}/report.pdf"
    )
    assert report.status == 200
    assert report.body().startswith(b"%PDF-")
