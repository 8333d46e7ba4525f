"""The recovery record where clinicians and patients already look: the portal diary
and home, the session note, the course page, the timeline, the progress page and the
interpersonal inventory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipt import services as ipt_services
from ipt.choices import Phase
from ipt.tests.factories import PersonFactory, course_in_phase
from portal.models import DiaryEntry
from portal.tests.conftest import sign_in_patient
from recovery import selectors, services
from recovery.models import UseReport, UseReview
from recovery.tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def course(clinic: Any) -> Any:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def diary_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "mood": 5,
        "craving": 6,
        "used": "no",
        "used_what": "",
        "used_how_much": "",
        "self_harm": "no",
        "person": "",
        "person_new": "",
        "what_happened": "",
        "how_it_felt": "",
    }
    form.update(overrides)
    return form


def test_the_diary_counts_use_per_substance_and_a_day_without_use(
    client: Client, clinic: Any, course: Any
) -> None:
    patient = sign_in_patient(client, clinic.patient)
    page = patient.get(reverse("portal:diary")).content.decode()
    assert "What did you use?" in page and "Cannabis" in page
    factories.sobriety(clinic.patient, "cannabis", since=TODAY() - timedelta(days=50))
    response = patient.post(
        reverse("portal:diary"),
        diary_form(used="yes", used_substances=["cannabis", "alcohol"]),
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get()
    assert sorted(UseReport.objects.values_list("substance__code", flat=True)) == [
        "alcohol",
        "cannabis",
    ]
    # Use after the sobriety date waits for a clinician; the date has not moved.
    review = UseReview.objects.get()
    assert review.substance.code == "cannabis" and review.day == entry.day
    # Saving the day again without use takes the use back (the day is changed in place).
    patient.post(reverse("portal:diary"), diary_form())
    assert not UseReport.objects.exists()
    history = selectors.histories(clinic.patient)
    assert history == {}  # no substance reported yet: nothing to count against


def test_a_diary_day_without_use_counts_as_abstinent_for_reported_substances(
    clinic: Any, course: Any
) -> None:
    UseReport.objects.create(
        patient=clinic.patient,
        substance=factories.substance("alcohol"),
        source="tlfb",
        first_day=TODAY() - timedelta(days=100),
        last_day=TODAY() - timedelta(days=100),
        days_used=1,
    )
    DiaryEntry.objects.create(patient=clinic.patient, day=TODAY(), mood=5, craving=2)
    history = selectors.histories(clinic.patient)
    assert [r.days_used for r in history["alcohol"]] == [1, 0]


def test_the_portal_home_shows_the_days_of_sobriety_only_when_chosen(
    client: Client, clinic: Any
) -> None:
    sobriety = factories.sobriety(
        clinic.patient, "alcohol", since=TODAY() - timedelta(days=12)
    )
    patient = sign_in_patient(client, clinic.patient)
    assert (
        "days of sobriety" not in patient.get(reverse("portal:home")).content.decode()
    )
    sobriety.show_in_portal = True
    sobriety.save()
    page = patient.get(reverse("portal:home")).content.decode()
    assert "Your days of sobriety" in page and "Alcohol: 12 days" in page


def test_the_note_course_timeline_and_progress_pages_show_the_record(
    as_therapist: Client, clinic: Any, course: Any
) -> None:
    session = course.sessions.order_by("number")[1]
    services.session_use_record(
        session=session,
        by=clinic.therapist_on_team,
        answers=[services.SessionUse(factories.substance("opioids"), 2)],
    )
    factories.medication(clinic.patient, "Methadone", dose="60 mg daily")
    factories.care_level(clinic.patient, "Residential", reason="Unsafe at home")
    kwargs = {"public_id": clinic.patient.public_id, "course_id": course.public_id}
    note = as_therapist.get(
        reverse("ipt:note", kwargs={**kwargs, "session_id": session.public_id})
    ).content.decode()
    assert "Use since last time" in note and "Opioids: 2 of 7 days" in note
    detail = as_therapist.get(
        reverse("ipt:course-detail", kwargs=kwargs)
    ).content.decode()
    assert (
        "Methadone 60 mg daily" in detail
        and "Medication and concurrent therapies" in detail
    )
    timeline = as_therapist.get(reverse("ipt:timeline", kwargs=kwargs)).content.decode()
    assert "Residential" in timeline and "Unsafe at home" in timeline
    progress = as_therapist.get(
        reverse("outcomes:progress", kwargs={"public_id": clinic.patient.public_id})
    ).content.decode()
    assert "Substance use" in progress and "Use at the start and at the end" in progress
    patient_page = as_therapist.get(
        reverse("patients:detail", kwargs={"public_id": clinic.patient.public_id})
    ).content.decode()
    assert (
        reverse("recovery:overview", kwargs={"public_id": clinic.patient.public_id})
        in patient_page
    )


def test_the_inventory_marks_reach_the_supporter(clinic: Any, course: Any) -> None:
    person = PersonFactory(course=course, name="Dad")
    supporter = factories.supporter(clinic.patient, name="Dad", person=person)
    person.uses_with_patient = True
    ipt_services.person_update(
        person=person, by=clinic.therapist_on_team, changed=["uses_with_patient"]
    )
    supporter.refresh_from_db()
    assert supporter.uses_with_patient
    assert supporter.flags == ["uses with the patient"]
