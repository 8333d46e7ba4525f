"""Patient A never reaches patient B: every portal page that names an object is
tried with B's object while signed in as A, and answers 404 without B's data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.models import Course
from ipt.tests.factories import PersonFactory
from portal.models import DiaryEntry, Homework, QuestionnaireResponse
from portal.services import diary, homework, questionnaires
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_objects(clinic: Clinic, other_course: Course) -> dict[str, object]:
    patient_b = clinic.patient_other_site
    draft = questionnaires.response_start(
        patient=patient_b, instrument_id="phq9", language="en"
    )
    questionnaires.answer_save(response=draft, number=1, position=2)
    work = homework.homework_set(
        course=other_course, by=clinic.therapist_other_site, template="reach_out"
    )
    homework.homework_answer(
        patient=patient_b, homework=work, answers=["B's secret answer"], done=False
    )
    person = PersonFactory(course=other_course, name="B-person", added_by_patient=True)
    diary.diary_save(
        patient=patient_b,
        answers=diary.DiaryAnswers(mood=1, craving=9, what_happened="B's secret day"),
    )
    return {"draft": draft, "homework": work, "person": person}


def test_patient_a_gets_404_for_every_object_of_patient_b(
    client: Client, clinic: Clinic, course: Course, b_objects: dict[str, object]
) -> None:
    sign_in_patient(client, clinic.patient)
    draft: QuestionnaireResponse = b_objects["draft"]  # type: ignore[assignment]
    work: Homework = b_objects["homework"]  # type: ignore[assignment]
    person = b_objects["person"]
    attempts = [
        ("get", reverse("portal:question", args=[draft.public_id, 1])),
        ("post", reverse("portal:question", args=[draft.public_id, 1])),
        ("get", reverse("portal:questionnaire-review", args=[draft.public_id])),
        ("post", reverse("portal:questionnaire-review", args=[draft.public_id])),
        ("get", reverse("portal:questionnaire-done", args=[draft.public_id])),
        ("get", reverse("portal:homework", args=[work.public_id])),
        ("post", reverse("portal:homework", args=[work.public_id])),
        ("get", reverse("portal:person-edit", args=[person.public_id])),  # type: ignore[attr-defined]
        ("post", reverse("portal:person-edit", args=[person.public_id])),  # type: ignore[attr-defined]
    ]
    for method, url in attempts:
        response = getattr(client, method)(
            url, {"answer": "0", "answer_1": "x", "hand_in": "1"}
        )
        assert response.status_code == 404, (method, url)
        assert "secret" not in response.content.decode()
    # and nothing of B's changed
    draft.refresh_from_db()
    work.refresh_from_db()
    assert draft.answers[0] == 2 and not draft.is_submitted
    assert work.answers[0] == "B's secret answer"


def test_patient_a_sees_only_their_own_lists(
    client: Client, clinic: Clinic, course: Course, b_objects: dict[str, object]
) -> None:
    sign_in_patient(client, clinic.patient)
    for name in [
        "portal:home",
        "portal:diary",
        "portal:homework-list",
        "portal:people",
        "portal:progress",
        "portal:sessions",
        "portal:plan",
    ]:
        page = client.get(reverse(name)).content.decode()
        assert "B&#x27;s secret" not in page and "B's secret" not in page, name
        assert "B-person" not in page, name
    assert DiaryEntry.objects.filter(patient=clinic.patient).count() == 0


def test_a_diary_cannot_name_someone_from_another_patients_inventory(
    client: Client, clinic: Clinic, course: Course, b_objects: dict[str, object]
) -> None:
    sign_in_patient(client, clinic.patient)
    person = b_objects["person"]
    response = client.post(
        reverse("portal:diary"),
        {
            "mood": 5,
            "craving": 5,
            "used": "no",
            "self_harm": "no",
            "person": str(person.public_id),
        },  # type: ignore[attr-defined]
    )
    assert response.status_code == 400
    assert not DiaryEntry.objects.filter(patient=clinic.patient).exists()
