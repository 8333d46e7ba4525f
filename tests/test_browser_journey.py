"""The project's own journey, in real Chromium, through the pages only.

First: a callback request on a phone; intake with a risk answer that reaches the duty
clinician at once; the waiting list; the first session booked from it and the
contract's series weekly across the clock change; the portal on a phone (one response
on a double submit; the chart moves); ending the course early; the report.

Then a course from its sessions to its end: unplanned sessions booked as they are
recorded, the initial phase's tools, attendance on Today, the signed note, the goal
rated, the termination review, the relapse-prevention plan, the decision, and the
report as a PDF with the scores; the ended course has no future sessions. The clock is
moved with ``time_machine`` (the server's and the test's: one process) so that a
booked session has begun when its attendance is taken."""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from alerts.models import Alert, DutyShift
from conftest import Clinic
from ipt.models import Course, CourseSession
from ipt.tests.factories import CourseFactory, PersonFactory
from measures.choices import Source
from measures.models import Administration
from patients.models import CareTeamMember
from portal.choices import LinkChannel
from portal.models import QuestionnaireResponse
from portal.services import links
from referrals.models import Referral
from referrals.tests.factories import program
from reports.tests.factories import score
from scheduling import services as scheduling
from scheduling.choices import AppointmentStatus
from scheduling.models import Appointment

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

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
    page.goto(f"{live_server}/intake/{referral.public_id}/book/")
    booking = page.locator("main form")
    booking.get_by_label("Clinician").select_option(str(clinic.therapist_on_team.pk))
    booking.get_by_label("First appointment").fill(f"{FIRST.isoformat()}T10:00")
    booking.get_by_label("Place").fill("Room 3, 1 High Street")
    booking.get_by_role("button", name="Book", exact=True).click()
    page.get_by_text("Booked: the course is open.").wait_for()
    course = Course.objects.get(patient=patient)
    _staff_sign_in(page, live_server, clinic.therapist_on_team.username)
    page.goto(f"{live_server}/patients/{patient.public_id}/sessions/")
    page.get_by_role("link", name="Book the contract's sessions").click()
    series = page.locator("main form")
    assert series.get_by_label("Sessions:", exact=True).input_value() == "11"
    series.get_by_label("First session").fill(
        (FIRST + datetime.timedelta(weeks=1)).isoformat()
    )
    series.get_by_label("Time:", exact=True).fill("10:00")
    series.get_by_label("Place").fill("Room 3, 1 High Street")
    series.get_by_role("button", name="Book the sessions").click()
    page.get_by_text("11 sessions booked.").wait_for()
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


def _next_wednesday_a_week_on() -> datetime.date:
    """A day in the future (cookies are dated by the server's travelled clock and kept
    by the browser's real one), and a weekday the clinic works."""
    day = timezone.localdate() + datetime.timedelta(days=7)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


def _london(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=ZoneInfo("Europe/London"))


def _fill_in(form: Locator, fields: dict[str, str]) -> None:
    for label, value in fields.items():
        form.get_by_label(label).fill(value)


def test_a_course_from_its_sessions_to_its_end_in_the_browser(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    """Attendance (unplanned sessions on the course page, a booked one on Today), the
    initial-phase tools, the signed note, the termination review, the
    relapse-prevention plan, the decision, and the report: all through the pages."""
    clinic.site_a.time_zone = "Europe/London"
    clinic.site_a.save()
    today = _next_wednesday_a_week_on()
    opened = today - datetime.timedelta(weeks=10)
    course = CourseFactory(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        program=program("ipt12"),
        opened_on=opened,
    )
    PersonFactory(course=course, name="Partner", closeness=5, quality="difficult")
    PersonFactory(course=course, name="Sponsor", closeness=4, supports_recovery=True)
    score(clinic.patient, "phq9", 19, opened - datetime.timedelta(days=3))  # intake
    score(clinic.patient, "phq9", 11, opened + datetime.timedelta(weeks=6))
    patient = clinic.patient
    course_url = (
        f"{live_server}/patients/{patient.public_id}/courses/{course.public_id}/"
    )
    page = browser_page

    with time_machine.travel(_london(today, datetime.time(9, 0)), tick=True):
        _staff_sign_in(page, live_server, clinic.therapist_on_team.username)
        # --- Nine sessions held weekly, never booked: each booked as it is recorded
        page.goto(course_url)
        record = page.locator("form").filter(
            has=page.get_by_role("button", name="Record an unplanned session")
        )
        for week in range(9):
            _fill_in(
                record,
                {
                    "Date": (opened + datetime.timedelta(weeks=week)).isoformat(),
                    "Time it began": "10:00",
                    "Length (minutes)": "50",
                },
            )
            record.get_by_role("button", name="Record an unplanned session").click()
            page.get_by_text(f"Recorded: Session {week + 1} ").wait_for()
        assert not CourseSession.objects.filter(
            course=course, attendee__isnull=True
        ).exists()  # every session belongs to an appointment

        # --- The initial phase's tools, then the middle phase
        page.get_by_role("link", name="Problem area and formulation").click()
        page.get_by_label("Problem area:", exact=True).select_option("disputes")
        page.get_by_label("Stage of the dispute:", exact=True).select_option(
            "renegotiation"
        )
        page.get_by_role("button", name="Record the problem area").click()
        page.get_by_text("Problem area recorded.").wait_for()
        page.get_by_label("Interpersonal formulation").fill(
            "Low mood and more drinking since the rows with her partner began."
        )
        page.get_by_role("button", name="Save the formulation").click()
        page.get_by_text("Formulation saved.").wait_for()
        page.get_by_role("button", name="Record the patient's agreement").click()
        page.get_by_text("The patient's agreement is recorded.").wait_for()
        page.get_by_role("link", name="Contract and goals").click()
        page.get_by_label("Missed session policy").fill("Call ahead; we review.")
        page.get_by_role("button", name="Save the contract").click()
        page.get_by_text("Contract saved.").wait_for()
        _fill_in(
            page.locator("main"),
            {
                "Goal:": "Talk with her partner about money calmly",
                "−2: much less than expected": "Rows every day",
                "−1: somewhat less than expected": "Rows most days",
                "0: the expected outcome": "One calm talk a week",
                "+1: somewhat more than expected": "Calm talks most weeks",
                "+2: much more than expected": "A budget agreed together",
            },
        )
        page.get_by_role("button", name="Add the goal").click()
        page.get_by_text("Goal added.").wait_for()
        page.get_by_role("button", name="Record the agreement").click()
        page.get_by_text("The contract is agreed.").wait_for()
        page.get_by_role("button", name="Begin the middle phase").click()
        page.get_by_text("The course is now in its middle phase.").wait_for()

        # --- Session 10 booked for 11:00 today; 11 and 12 as the contract's series
        page.goto(f"{live_server}/patients/{patient.public_id}/sessions/")
        page.get_by_role("link", name="Book a session").click()
        booking = page.locator("main form")
        _fill_in(
            booking,
            {"Date": today.isoformat(), "Time": "11:00", "Place": "Room 3"},
        )
        booking.get_by_role("button", name="Book", exact=True).click()
        page.get_by_text("Session booked.").wait_for()
        page.get_by_role("link", name="Book the contract's sessions").click()
        series = page.locator("main form")
        assert series.get_by_label("Sessions:", exact=True).input_value() == "2"
        _fill_in(
            series,
            {
                "First session": (today + datetime.timedelta(weeks=1)).isoformat(),
                "Time": "11:00",
                "Place": "Room 3",
            },
        )
        series.get_by_role("button", name="Book the sessions").click()
        page.get_by_text("2 sessions booked.").wait_for()

    # --- 11:10: the session has begun; attendance from Today
    with time_machine.travel(_london(today, datetime.time(11, 10)), tick=True):
        _staff_sign_in(page, live_server, clinic.therapist_on_team.username)
        page.goto(f"{live_server}/today/")
        page.get_by_role("link", name="Record attendance").click()
        page.get_by_label("Attended").check()
        page.get_by_role("button", name="Record").click()
        page.get_by_text("Attendance recorded.").wait_for()
        course.refresh_from_db()
        assert (course.sessions_attended, course.phase) == (10, "termination")

        # --- The session's note, signed
        page.goto(course_url)
        page.get_by_role("link", name="Write the note").last.click()
        page.get_by_label("Risk review:", exact=True).select_option("none")
        page.get_by_label("Plan:", exact=True).fill("Review the warning signs.")
        page.get_by_role("button", name="Sign the note").click()
        page.get_by_text("Signed by").first.wait_for()

        # --- The goal rated; the review, the plan and the decision
        page.goto(course_url)
        page.get_by_label("Attainment of").select_option("1")
        page.get_by_role("button", name="Rate").click()
        page.locator("tr", has_text="Talk with her partner").get_by_text(
            "1 rating"
        ).wait_for()
        page.goto(f"{course_url}termination/")
        page.get_by_role("textbox", name="Progress review:").fill(
            "PHQ-9 from 19 to 11; calm talks most weeks."
        )
        page.get_by_role("button", name="Save the review").click()
        page.get_by_text("Progress review saved.").wait_for()
        _fill_in(
            page.locator("form").filter(
                has=page.get_by_role("button", name="Save the plan")
            ),
            {
                "Warning signs": "Sleeping badly; skipping meetings.",
                "Interpersonal triggers": "Rows about money.",
                "Coping steps": "Call the sponsor; walk the dog.",
                "People to contact": "Sponsor; the clinic.",
                "Crisis plan": "Call 999 or go to A&E.",
            },
        )
        page.get_by_role("button", name="Save the plan").click()
        page.get_by_text("Relapse-prevention plan saved.").wait_for()
        # The sessions without a signed note are named before the course ends.
        page.get_by_text("9 attended sessions without a signed note").wait_for()
        page.get_by_label("Decision:", exact=True).select_option("end")
        page.get_by_role("button", name="Record the decision").click()
        page.get_by_text("Decision recorded.").wait_for()

        # --- Ended: no future sessions, and the report is a PDF with the scores
        course.refresh_from_db()
        assert (course.phase, course.outcome) == ("ended", "completed")
        assert scheduling.future_appointments_of(course) == []
        report = page.request.get(f"{course_url}report.pdf")
        assert report.status == 200
        assert report.body().startswith(b"%PDF-")
        text = " ".join(
            page_.extract_text() or ""
            for page_ in pypdf.PdfReader(io.BytesIO(report.body())).pages
        )
        assert "End-of-treatment report" in text
        assert "PHQ-9" in text
        assert "intake" in text
