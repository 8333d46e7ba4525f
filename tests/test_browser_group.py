"""Group IPT walked in real Chromium, through the pages only: six patients each open
their own Group IPT course, meet their clinician once before the group (problem area,
formulation, contract and goal), join the group, meet eight times with each member's
attendance taken on one page (each meeting booked as it is recorded), are seen alone at
the middle and at the end of the group, and have a note written for their group
session. Every meeting, alone or in the group, belongs to an appointment."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from ipt.choices import Delivery, Phase
from ipt.models import Course, CourseSession, Group
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from referrals.tests.factories import program

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AREAS = ["grief", "disputes", "transitions", "deficits", "transitions", "disputes"]


def _sign_in(page: Page, live_server: object, username: str) -> None:
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _unplanned(page: Page, day: datetime.date, hour: int) -> None:
    """An individual meeting, recorded (and booked) on the course page; one clinician
    meets the members one after another."""
    form = page.locator("form").filter(
        has=page.get_by_role("button", name="Record an unplanned session")
    )
    form.get_by_label("Date:", exact=True).fill(day.isoformat())
    form.get_by_label("Time it began").fill(f"{hour:02d}:00")
    form.get_by_role("button", name="Record an unplanned session").click()
    page.wait_for_load_state()
    assert page.get_by_text("Recorded: Session").count(), page.locator(
        "main"
    ).inner_text()


def _initial_tools(page: Page, area: str) -> None:
    page.get_by_role("link", name="Problem area and formulation").click()
    page.get_by_label("Problem area:", exact=True).select_option(area)
    if area == "disputes":
        page.get_by_label("Stage of the dispute:", exact=True).select_option(
            "renegotiation"
        )
    page.get_by_role("button", name="Record the problem area").click()
    page.get_by_text("Problem area recorded.").wait_for()
    page.get_by_label("Interpersonal formulation").fill(
        "Low mood since the changes at home; the group is a place to practise."
    )
    page.get_by_role("button", name="Save the formulation").click()
    page.get_by_text("Formulation saved.").wait_for()
    page.get_by_role("button", name="Record the patient's agreement").click()
    page.get_by_text("The patient's agreement is recorded.").wait_for()
    page.get_by_role("link", name="Contract and goals").click()
    page.get_by_label("Missed session policy").fill("Call ahead; we review.")
    page.get_by_role("button", name="Save the contract").click()
    page.get_by_text("Contract saved.").wait_for()
    levels = {
        "Goal:": "Speak up once in each group session",
        "−2: much less than expected": "Silent throughout",
        "−1: somewhat less than expected": "Speaks when asked",
        "0: the expected outcome": "Speaks up once",
        "+1: somewhat more than expected": "Speaks up twice",
        "+2: much more than expected": "Leads a discussion",
    }
    for label, text in levels.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_text("Goal added.").wait_for()
    page.get_by_role("button", name="Record the agreement").click()
    page.get_by_text("The contract is agreed.").wait_for()
    page.get_by_role("button", name="Begin the middle phase").click()
    page.get_by_text("The course is now in its middle phase.").wait_for()


def _group_session(
    page: Page, group_url: str, day: datetime.date, absent: str | None
) -> None:
    """One meeting: each member's attendance on one page (one of them may miss it)."""
    page.goto(group_url)
    page.get_by_role("link", name="Record a group session").click()
    form: Locator = page.locator("main form")
    form.get_by_label("Date:", exact=True).fill(day.isoformat())
    form.get_by_label("Time it began").fill("18:00")
    form.get_by_label("Theme").fill("Changes at home")
    if absent is not None:
        form.get_by_role("group", name=absent).get_by_label("Did not attend").check()
    form.get_by_role("button", name="Record the session").click()
    page.get_by_text("Recorded group session").wait_for()


def test_group_ipt_from_pre_group_meetings_to_the_end_of_the_group(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    program("group")
    clinician = clinic.therapist_on_team
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=12)
    patients = [
        PatientFactory(team=clinic.team_a, family_name=f"Member{n}", given_name="Alex")
        for n in range(1, 7)
    ]
    for patient in patients:
        CareTeamMemberFactory(patient=patient, staff=clinician, role="primary")
    page = browser_page
    _sign_in(page, live_server, clinician.username)

    # --- Each member's own course, and a meeting alone before the group
    for hour, (patient, area) in enumerate(zip(patients, AREAS, strict=True), 9):
        page.goto(f"{live_server}/patients/{patient.public_id}/courses/new/")
        page.get_by_label("Program").select_option(label="Group IPT")
        page.get_by_label("Opened on").fill(start.isoformat())
        page.get_by_role("button", name="Open the course").click()
        page.get_by_text("Opened a Group IPT course.").wait_for()
        _unplanned(page, start, hour)
        _initial_tools(page, area)

    # --- The group, and its six members
    page.goto(f"{live_server}/groups/new/")
    page.get_by_label("Name").fill("Wednesday evening group")
    page.get_by_label("Starts on").fill(
        (start + datetime.timedelta(weeks=1)).isoformat()
    )
    page.get_by_role("button", name="Start the group").click()
    page.get_by_text("Group created.").wait_for()
    group = Group.objects.get()
    for patient in patients:
        page.get_by_label("Patient").select_option(
            label=f"{patient.family_name}, {patient.given_name} "
            f"({patient.record_number})"
        )
        page.get_by_role("button", name="Add to the group").click()
        page.get_by_text("Member added.").wait_for()
    assert page.get_by_text("Members (6 of at most 10)").is_visible()

    # --- Eight weekly meetings; alone with each member at the middle and the end
    courses = {c.patient_id: c for c in Course.objects.all()}
    for week in range(1, 9):
        day = start + datetime.timedelta(weeks=week)
        # Each member misses one meeting, in weeks 2 to 7; all come to the first and last.
        absent = patients[week - 2] if 2 <= week <= 7 else None
        _group_session(
            page,
            f"{live_server}/groups/{group.public_id}/",
            day,
            absent=None
            if absent is None
            else f"{absent.family_name}, {absent.given_name}",
        )
        if week in (4, 8):
            for hour, patient in enumerate(patients, 9):
                course = courses[patient.pk]
                page.goto(
                    f"{live_server}/patients/{patient.public_id}/courses/"
                    f"{course.public_id}/"
                )
                _unplanned(page, day + datetime.timedelta(days=2), hour)

    # --- Each member's note for the last meeting, from the group's page
    page.goto(f"{live_server}/groups/{group.public_id}/")
    last = page.locator("table").filter(
        has=page.get_by_text("Attendance and notes of group session 8")
    )
    writable = last.get_by_role("link", name="Write the note")
    assert writable.count() == 6  # all six came
    for index in range(6):
        last.get_by_role("link", name="Write the note").first.click()
        page.get_by_label("Risk review:", exact=True).select_option("none")
        page.get_by_label("Plan:", exact=True).fill("Practise speaking up.")
        page.get_by_role("button", name="Sign the note").click()
        page.get_by_text("Signed by").first.wait_for()
        page.goto(f"{live_server}/groups/{group.public_id}/")
        assert last.get_by_role("link", name="Signed").count() == index + 1

    # Then: each member's own course holds their meetings, alone and in the group
    for index, patient in enumerate(patients):
        course = courses[patient.pk]
        sessions = CourseSession.objects.filter(course=course)
        assert sessions.filter(delivery=Delivery.GROUP).count() == 8
        assert sessions.filter(delivery=Delivery.INDIVIDUAL).count() == 3
        # Each meeting, alone or in the group, belongs to an appointment.
        assert not sessions.filter(attendee__isnull=True).exists()
        assert (
            sessions.filter(
                delivery=Delivery.GROUP, attendee__appointment__group=group
            ).count()
            == 8
        )
        course.refresh_from_db()
        # A meeting before, eight in the group less the one missed, middle and end.
        assert course.sessions_attended == 10
        assert course.phase == Phase.TERMINATION
        assert course.problem_areas.get().area == AREAS[index]
        assert course.goals.count() == 1
