"""A clinician takes a course from the initial to the middle phase in a real browser:
problem area, formulation and the patient's agreement, contract and goal, then the
middle phase, all under the strict CSP."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import CourseFactory, PersonFactory, TimelineEntryFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_moves_a_course_from_initial_to_middle_phase(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    # given a course in its initial phase with an inventory and a timeline
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    PersonFactory(course=course, name="Partner", closeness=5, quality="difficult")
    PersonFactory(course=course, name="Sponsor", closeness=4, supports_recovery=True)
    TimelineEntryFactory(course=course, kind="conflict", title="Rows about money")
    page = browser_page
    errors: list[str] = []
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    page.goto(f"{live_server}/")
    page.get_by_label("Username").fill(clinic.therapist_on_team.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My caseload").wait_for()

    # when: from the caseload to the course, whose page says where it is
    page.get_by_role("link", name="Initial, 0 of 12").click()
    page.get_by_text("No session held yet, initial phase, 12 planned").wait_for()
    circle = page.get_by_role("img", name="Closeness circle of 2 people")
    assert circle.evaluate("image => image.complete && image.naturalWidth > 0")

    # the problem area, with the dispute's stage
    page.get_by_role("link", name="Problem area and formulation").click()
    page.get_by_label("Problem area:", exact=True).select_option("disputes")
    page.get_by_label("Stage of the dispute:", exact=True).select_option(
        "renegotiation"
    )
    page.get_by_role("button", name="Record the problem area").click()
    page.get_by_text("Problem area recorded.").wait_for()

    # the formulation and the patient's agreement to it
    page.get_by_label("Interpersonal formulation").fill(
        "Low mood and more drinking since the rows with her partner about money began."
    )
    page.get_by_role("button", name="Save the formulation").click()
    page.get_by_text("Formulation saved.").wait_for()
    page.get_by_role("button", name="Record the patient's agreement").click()
    page.get_by_text("The patient's agreement is recorded.").wait_for()

    # the contract, a goal with its five levels, and the agreement
    page.get_by_role("link", name="Contract and goals").click()
    page.get_by_label("Missed session policy").fill(
        "Call ahead; two missed in a row, we review."
    )
    page.get_by_role("button", name="Save the contract").click()
    page.get_by_text("Contract saved.").wait_for()
    page.get_by_label("Goal:", exact=True).fill(
        "Talk with her partner about money calmly"
    )
    page.get_by_label("−2: much less than expected").fill("Rows every day")
    page.get_by_label("−1: somewhat less than expected").fill("Rows most days")
    page.get_by_label("0: the expected outcome").fill("One calm talk a week")
    page.get_by_label("+1: somewhat more than expected").fill("Calm talks most weeks")
    page.get_by_label("+2: much more than expected").fill("A budget agreed together")
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_text("Goal added.").wait_for()
    page.get_by_role("button", name="Record the agreement").click()
    page.get_by_text("The contract is agreed.").wait_for()

    # then the middle phase begins
    page.get_by_text("the middle phase can begin").wait_for()
    page.get_by_role("button", name="Begin the middle phase").click()
    page.get_by_text("The course is now in its middle phase.").wait_for()
    assert page.get_by_text(
        "No session held yet, middle phase, 12 planned"
    ).is_visible()
    course.refresh_from_db()
    assert course.phase == Phase.MIDDLE
    assert Course.objects.get().contract.is_agreed
    assert str(course.public_id) in page.url
    assert clinic.patient.family_name not in page.url
    # every page ran under the strict CSP without a single violation
    assert errors == []
