"""The service's pages in real Chromium, checked with axe (tests/accessibility.py):
the dashboard with its filters, the supervisor's caseload review, recording a
supervision note and reading it as the clinician, and rating a session's fidelity
as the clinician and as the supervisor."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from alerts.tests.factories import AlertFactory
from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from supervision.models import SessionRating, SupervisionNote
from supervision.services import checklist_ensure
from tests.accessibility import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from accounts.models import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: object, staff: Staff) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_dashboard_and_its_filters_are_accessible(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    ended = timezone.localdate() - timedelta(days=20)
    for last in (5, 5, 12):
        service_course(
            clinician=clinic.therapist_on_team,
            team=clinic.team_a,
            phq9=(15, last),
            ended_on=ended,
        )
    service_outcomes_refresh()
    page = browser_page
    _sign_in(page, live_server, clinic.clinical_lead)
    # The lead lands on the dashboard: there is no caseload to show them.
    page.get_by_role("heading", name="Service outcomes", exact=True).wait_for()
    assert page.get_by_text("2 of 3 (95 % CI").count() >= 1
    assert_accessible(page)

    page.get_by_role("combobox", name="Team").select_option(str(clinic.team_a.pk))
    page.get_by_role("combobox", name="Problem area").select_option("disputes")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert f"team={clinic.team_a.pk}" in page.url
    assert "problem_area=disputes" in page.url
    assert_accessible(page)
    # Aggregates only: nothing on the page leads to a patient.
    assert page.locator('a[href*="/patients/"]').count() == 0

    # A bad question is answered with its error, on an accessible page.
    page.get_by_label("From").fill("2026-05-01")
    page.get_by_label(re.compile(r"^To:?$")).fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("The period must start before it ends.").first.wait_for()
    assert_accessible(page)


def test_the_caseload_review_is_accessible(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, sessions=4, missed=2
    )
    page = browser_page
    _sign_in(page, live_server, clinic.supervisor)
    page.goto(f"{live_server}/supervision/review/")
    page.get_by_role("heading", name="Caseload review").wait_for()
    assert page.get_by_text("Unacknowledged risk alert").count() == 1
    assert page.get_by_text("Missed 2 sessions of this course").count() == 1
    assert_accessible(page)


def test_a_supervision_note_is_recorded_and_read_accessibly(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    page = browser_page
    _sign_in(page, live_server, clinic.supervisor)
    page.goto(f"{live_server}/supervision/notes/new/")
    page.get_by_role("heading", name="Record supervision").wait_for()
    assert_accessible(page)
    # Sent empty: the errors, nothing recorded.
    page.get_by_role("button", name="Record").click()
    page.get_by_role("alert").first.wait_for()
    assert SupervisionNote.objects.count() == 0
    assert_accessible(page)

    today = timezone.localdate()
    page.get_by_label("Date of supervision").fill(today.isoformat())
    page.get_by_label("Clinician").select_option(str(clinic.therapist_on_team.pk))
    page.get_by_label(clinic.patient.family_name, exact=False).check()
    page.get_by_label("Advice").fill("Keep the sessions on the dispute.")
    page.get_by_label(re.compile(r"^Action 1:?$")).fill("Review the formulation")
    page.get_by_label("Action 1 due by").fill((today + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Record").click()
    page.get_by_role("heading", name="Supervision notes").wait_for()
    assert SupervisionNote.objects.count() == 1
    assert_accessible(page)

    # The clinician reads the advice on the course page and the action in the inbox.
    _sign_in(page, live_server, clinic.therapist_on_team)
    page.goto(
        f"{live_server}/patients/{clinic.patient.public_id}/courses/{course.public_id}/"
    )
    page.get_by_text("Keep the sessions on the dispute.").wait_for()
    page.goto(f"{live_server}/alerts/")
    page.get_by_text("Review the formulation").wait_for()
    assert_accessible(page)


def test_rating_a_session_side_by_side_is_accessible(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    checklist_ensure()
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    session = course.sessions.filter(phase=Phase.MIDDLE).order_by("-number").first()
    assert session is not None
    url = (
        f"{live_server}/patients/{clinic.patient.public_id}/courses/"
        f"{course.public_id}/sessions/{session.public_id}/fidelity/"
    )
    page = browser_page
    for staff, answer, heading in (
        (clinic.therapist_on_team, "Done", "Your self-rating"),
        (clinic.supervisor, "Partly", "Your rating as supervisor"),
    ):
        _sign_in(page, live_server, staff)
        page.goto(url)
        page.get_by_role("heading", name=heading).wait_for()
        assert_accessible(page)
        radios = page.get_by_role("radio", name=answer, exact=True)
        for index in range(radios.count()):
            radios.nth(index).check()
        page.get_by_role("button", name="Save the rating").click()
        page.get_by_text("Rating saved.").wait_for()
    assert SessionRating.objects.filter(session=session).count() == 2
    # Side by side, each differing item marked.
    assert page.locator("span.tag", has_text="differs").count() == radios.count()
    assert_accessible(page)
