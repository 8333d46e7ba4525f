"""The patient's own picture: progress in plain words with the same chart as the
clinician's, upcoming sessions with an .ics, the relapse-prevention plan, and their
people to fill in for the clinician to review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic
from ipt.models import Course, InventoryPerson
from ipt.models.termination import RelapsePreventionPlan
from ipt.tests.factories import PersonFactory
from measures.tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db


def test_progress_in_plain_words_with_the_chart_and_its_table(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    start = timezone.now() - dt.timedelta(days=60)
    for weeks, total in [(0, 18), (4, 12), (8, 9)]:
        AdministrationFactory(
            patient=clinic.patient,
            instrument_id="phq9",
            total=total,
            administered_at=start + dt.timedelta(weeks=weeks),
        )
    page = as_patient.get(reverse("portal:progress")).content.decode()
    assert "Your score went from 18 to 9" in page
    assert "real improvement" in page
    assert (
        "<svg" in page and "<table" in page
    )  # the chart, and the same facts as a table


def test_progress_with_no_scores_says_so(as_patient: Client, course: Course) -> None:
    page = as_patient.get(reverse("portal:progress")).content.decode()
    assert "once you have answered a questionnaire" in page


def test_plan_is_shown_once_written(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    page = as_patient.get(reverse("portal:plan")).content.decode()
    assert "write this plan together" in page
    RelapsePreventionPlan.objects.create(course=course, warning_signs="Staying in bed")
    page = as_patient.get(reverse("portal:plan")).content.decode()
    assert "Staying in bed" in page
    assert "tel:" in page  # crisis contacts on the plan too


def test_no_sessions_booked(as_patient: Client, course: Course) -> None:
    page = as_patient.get(reverse("portal:sessions"))
    assert "No session is booked yet" in page.content.decode()
    ics = as_patient.get(reverse("portal:sessions-ics"))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content


def test_the_patient_adds_a_person_and_the_clinician_reviews_it(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    PersonFactory(course=course, name="Mum")
    page = as_patient.get(reverse("portal:people")).content.decode()
    assert "Mum" in page and "data:image/svg+xml" in page
    form = {
        "name": "Jo",
        "relationship": "friend",
        "contact_frequency": "weekly",
        "closeness": "4",
        "quality": "good",
        "satisfying": "Listens",
    }
    assert as_patient.post(reverse("portal:person-add"), form).status_code == 302
    jo = InventoryPerson.objects.get(course=course, name="Jo")
    assert jo.added_by_patient and jo.awaits_review
    staff = Client()
    staff.force_login(clinic.therapist_on_team)
    inventory = staff.get(
        reverse("ipt:inventory", args=[clinic.patient.public_id, course.public_id])
    ).content.decode()
    assert "added by the patient" in inventory
    staff.post(
        reverse(
            "portal:staff-person-reviewed",
            args=[clinic.patient.public_id, course.public_id, jo.public_id],
        )
    )
    jo.refresh_from_db()
    assert not jo.awaits_review
    # the patient changes it: back to review
    as_patient.post(
        reverse("portal:person-edit", args=[jo.public_id]), {**form, "closeness": "5"}
    )
    jo.refresh_from_db()
    assert jo.closeness == 5 and jo.awaits_review


def test_the_patient_cannot_change_people_the_clinician_entered(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    mum = PersonFactory(course=course, name="Mum")
    assert (
        as_patient.get(reverse("portal:person-edit", args=[mum.public_id])).status_code
        == 404
    )


def test_a_person_with_bad_input_is_refused(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    page = as_patient.post(
        reverse("portal:person-add"),
        {"name": "", "closeness": "9", "relationship": "x"},
    )
    assert page.status_code == 400
    assert not InventoryPerson.objects.filter(added_by_patient=True).exists()


def test_crisis_contacts_are_one_tap_away_on_every_page(
    as_patient: Client, course: Course
) -> None:
    for name in ["portal:home", "portal:diary", "portal:progress", "portal:people"]:
        page = as_patient.get(reverse(name)).content.decode()
        assert f'href="{reverse("portal:help")}"' in page, name
    help_page = Client().get(reverse("portal:help")).content.decode()
    assert 'href="tel:999"' in help_page and 'href="tel:988"' in help_page


def test_crisis_lines_keep_a_clinics_own_names_and_skip_malformed_parts() -> None:
    from django.utils import translation

    from portal.crisis import crisis_lines

    configured = "Línea de la clínica=+34 900 000 000;broken;Emergency services=112"
    with translation.override("es"):
        lines = crisis_lines(configured)
    assert [(line.label, line.tel) for line in lines] == [
        ("Línea de la clínica", "+34900000000"),
        ("Servicios de emergencia", "112"),
    ]


def test_progress_says_a_prorated_total_was_prorated_and_a_complete_one_not(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    AdministrationFactory(
        patient=clinic.patient,
        answers=[2, 2, 2, 2, 2, 2, 2, 2, 0],  # complete: 16
        administered_at=start,
    )
    AdministrationFactory(
        patient=clinic.patient,
        answers=[1, 1, None, 1, 1, 1, 1, 1, 0],  # one missing: prorated to 8
        administered_at=start + dt.timedelta(weeks=2),
    )
    page = as_patient.get(reverse("portal:progress")).content.decode()
    assert page.count("prorated from") == 1
    assert '<td>8 <span class="muted">(prorated from 8 of 9 items)</span></td>' in page
    assert "<td>16</td>" in page  # the complete form's total, with no note
