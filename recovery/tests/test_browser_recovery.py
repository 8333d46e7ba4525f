"""A clinician records a drug test and a sobriety date in a real browser, and the
recovery page with its chart passes the accessibility check under the strict CSP."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from recovery.models import DrugTest, SobrietyDate
from recovery.tests import factories
from tests.accessibility import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_records_a_test_and_a_sobriety_date(
    live_server: object, browser_page: Page, clinic: Clinic
) -> None:
    # A transactional test empties every table when it ends, the starting lists of
    # the data migration included: put them back for this one.
    from django.apps import apps

    from recovery.defaults import lists_ensure

    lists_ensure(apps)
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    factories.medication(clinic.patient, "Buprenorphine")
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
    page.goto(f"{live_server}/patients/{clinic.patient.public_id}/recovery/")
    page.get_by_role("heading", name="Recovery", exact=True).wait_for()
    assert_accessible(page)

    # a sobriety date, shown in the portal
    page.get_by_role("link", name="Set a sobriety date").click()
    page.get_by_label("Substance").select_option(label="Cannabis")
    since = timezone.localdate() - timedelta(days=30)
    page.get_by_label("Sober since").fill(since.isoformat())
    page.get_by_label("Show the days of sobriety in the patient's portal").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Sobriety date saved.").wait_for()

    # a urine test: buprenorphine expected, cannabis not
    page.get_by_role("link", name="Record a test").click()
    page.get_by_label("Who collected").fill("Nurse Ade")
    page.get_by_label("Buprenorphine").select_option("positive")
    page.get_by_label("Cannabis (THC)").select_option("positive")
    page.get_by_label("Cocaine").select_option("negative")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Unexpected positive: Cannabis (THC).").wait_for()
    page.get_by_text("To confirm:").wait_for()
    assert_accessible(page)

    test = DrugTest.objects.get()
    assert test.expected == ["buprenorphine"] and test.unexpected == ["thc"]
    assert SobrietyDate.objects.get().since == since
    assert errors == []
