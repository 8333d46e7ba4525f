"""The daily diary: a round trip from the patient's phone to the clinician's session
preparation, changed in place during the day, with its alert rules run once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from conftest import Clinic
from ipt.models import Course, InventoryPerson
from ipt.tests.factories import PersonFactory
from portal.models import DiaryEntry
from portal.services import diary

pytestmark = pytest.mark.django_db


def _form(**overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "mood": 6,
        "craving": 3,
        "used": "no",
        "self_harm": "no",
        "person": "",
        "what_happened": "",
        "how_it_felt": "",
    }
    form.update(overrides)
    return form


def test_a_diary_day_round_trip_reaches_session_preparation(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    mum = PersonFactory(course=course, name="Mum")
    page = as_patient.get(reverse("portal:diary"))
    assert "Mum" in page.content.decode()  # chosen from the inventory
    response = as_patient.post(
        reverse("portal:diary"),
        _form(
            person=str(mum.public_id),
            what_happened="Argued about money on the phone",
            how_it_felt="Angry, then low",
            mood=3,
            craving=7,
        ),
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(patient=clinic.patient)
    assert (entry.mood, entry.craving, entry.person, entry.course) == (
        3,
        7,
        mum,
        course,
    )
    staff = Client()
    staff.force_login(clinic.therapist_on_team)
    prep = staff.get(
        reverse(
            "portal:staff-session-prep",
            args=[clinic.patient.public_id, course.public_id],
        )
    ).content.decode()
    assert "Argued about money on the phone" in prep
    assert "Mum" in prep and 'value="7"' in prep


def test_saving_again_the_same_day_changes_the_entry_in_place(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    as_patient.post(reverse("portal:diary"), _form(mood=2))
    as_patient.post(reverse("portal:diary"), _form(mood=8))
    assert DiaryEntry.objects.get(patient=clinic.patient).mood == 8


def test_someone_new_can_be_added_to_the_patients_people(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    as_patient.post(
        reverse("portal:diary"),
        _form(person="new", person_new="Sam from the group", add_to_people="on"),
    )
    sam = InventoryPerson.objects.get(course=course, name="Sam from the group")
    assert sam.added_by_patient and sam.awaits_review
    assert DiaryEntry.objects.get().person == sam


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mood", 11, "Select a valid choice"),
        ("craving", -1, "Select a valid choice"),
        ("mood", "", "This field is required"),
        ("used", "maybe", "Select a valid choice"),
        ("used", "yes", "Say what you used"),
        ("person", "new", "Say who it was"),
        ("person", "00000000-0000-0000-0000-000000000000", "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    as_patient: Client,
    clinic: Clinic,
    course: Course,
    field: str,
    value: object,
    message: str,
) -> None:
    page = as_patient.post(reverse("portal:diary"), _form(**{field: value}))
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not DiaryEntry.objects.exists()


def test_self_harm_shows_crisis_resources_and_raises_one_urgent_alert(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    page = as_patient.post(reverse("portal:diary"), _form(self_harm="yes"))
    assert page.status_code == 200 and "tel:999" in page.content.decode()
    as_patient.post(reverse("portal:diary"), _form(self_harm="yes", mood=1))
    alert = Alert.objects.get(patient=clinic.patient)
    assert (alert.rule, alert.urgency) == ("diary_self_harm", 3)


def test_use_after_two_weeks_without_raises_a_relapse_alert(
    clinic: Clinic, course: Course
) -> None:
    today = timezone.localdate()
    for days_ago in range(16, 0, -1):
        diary.diary_save(
            patient=clinic.patient,
            answers=diary.DiaryAnswers(mood=5, craving=2, used=False),
            day=today - dt.timedelta(days=days_ago),
        )
    assert not Alert.objects.exists()
    diary.diary_save(
        patient=clinic.patient,
        answers=diary.DiaryAnswers(mood=3, craving=8, used=True, used_what="beer"),
        day=today,
    )
    alert = Alert.objects.get(patient=clinic.patient)
    assert alert.rule == "use_after_abstinence"


def test_the_week_has_seven_days_oldest_first(clinic: Clinic, course: Course) -> None:
    today = timezone.localdate()
    diary.diary_save(
        patient=clinic.patient,
        answers=diary.DiaryAnswers(mood=4, craving=1),
        day=today - dt.timedelta(days=2),
    )
    week = diary.diary_week(clinic.patient, end=today)
    assert week[0].day == today - dt.timedelta(days=6)
    assert [row.entry is not None for row in week] == [False] * 4 + [True, False, False]
