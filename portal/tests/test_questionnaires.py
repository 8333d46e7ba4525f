"""Questionnaires in the portal: due by the program's schedule, one question per
screen, saved as they go, sent once however often the send arrives, and a risk answer
met at once with the crisis resources and an alert."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import Alert
from alerts.services import alerts_from_risk_events
from conftest import Clinic
from ipt.models import Course
from measures.choices import Source
from measures.models import Administration
from measures.tests.factories import AdministrationFactory
from portal.models import QuestionnaireResponse
from portal.services import questionnaires

pytestmark = pytest.mark.django_db


def _start(client: Client, instrument_id: str = "phq9") -> QuestionnaireResponse:
    response = client.post(reverse("portal:questionnaire-start", args=[instrument_id]))
    assert response.status_code == 302
    return QuestionnaireResponse.objects.get(instrument_id=instrument_id)


def _answer(client: Client, draft: QuestionnaireResponse, number: int, position: int):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("portal:question", args=[draft.public_id, number]),
        {"answer": str(position)},
    )


def _answer_all(
    client: Client, draft: QuestionnaireResponse, positions: list[int]
) -> None:
    for number, position in enumerate(positions, start=1):
        assert _answer(client, draft, number, position).status_code in (200, 302)


def test_the_schedule_asks_for_phq9_and_gad7_before_the_next_session(
    clinic: Clinic, course: Course
) -> None:
    due = questionnaires.questionnaires_due(clinic.patient)
    ids = [item.instrument.id for item in due]
    assert "phq9" in ids and "gad7" in ids
    key = f"session-{course.sessions_attended + 1}"
    assert {item.occasion.key for item in due if item.instrument.id == "phq9"} == {key}


def test_a_questionnaire_given_in_the_clinic_since_the_last_session_is_not_due(
    clinic: Clinic, course: Course
) -> None:
    AdministrationFactory(patient=clinic.patient, instrument_id="phq9")
    ids = [i.instrument.id for i in questionnaires.questionnaires_due(clinic.patient)]
    assert "phq9" not in ids and "gad7" in ids


def test_no_course_no_questionnaires(clinic: Clinic) -> None:
    assert questionnaires.questionnaires_due(clinic.patient) == []


def test_one_question_per_screen_with_progress(
    as_patient: Client, course: Course
) -> None:
    draft = _start(as_patient)
    page = as_patient.get(reverse("portal:question", args=[draft.public_id, 1]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Question 1 of 10" in text  # nine scored items and the difficulty item
    assert "Little interest or pleasure in doing things" in text
    assert "Feeling down" not in text  # item 2 is on the next screen
    assert '<progress max="10" value="1"' in text


def test_answers_are_saved_as_they_go_and_resume_where_left(
    as_patient: Client, course: Course
) -> None:
    draft = _start(as_patient)
    _answer_all(as_patient, draft, [1, 2, 0])
    draft.refresh_from_db()
    assert draft.answers[:3] == [1, 2, 0] and draft.answers[3] is None
    again = as_patient.post(reverse("portal:questionnaire-start", args=["phq9"]))
    assert again["Location"] == reverse("portal:question", args=[draft.public_id, 4])


def test_a_bad_answer_is_refused_and_nothing_changes(
    as_patient: Client, course: Course
) -> None:
    draft = _start(as_patient)
    for bad in ["7", "-1", "x", ""]:
        page = _answer(as_patient, draft, 1, bad)  # type: ignore[arg-type]
        assert page.status_code == 200
        assert (
            "Choose one answer" in page.content.decode()
            or "Select a valid" in page.content.decode()
        )
    draft.refresh_from_db()
    assert draft.answers[0] is None


def test_submit_stores_one_administration_however_often_it_arrives(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    draft = _start(as_patient)
    _answer_all(as_patient, draft, [1, 1, 1, 1, 1, 1, 1, 1, 0, 1])
    review = reverse("portal:questionnaire-review", args=[draft.public_id])
    replies = [as_patient.post(review) for _ in range(3)]
    assert {reply.status_code for reply in replies} == {302}
    assert {reply["Location"] for reply in replies} == {
        reverse("portal:questionnaire-done", args=[draft.public_id])
    }
    stored = Administration.objects.get(patient=clinic.patient, instrument_id="phq9")
    assert stored.total == 8
    assert stored.source == Source.PATIENT_PORTAL
    assert stored.extra_answers == [1]
    assert Administration.objects.filter(patient=clinic.patient).count() == 1
    # sent: no longer due, and no longer changes
    ids = [i.instrument.id for i in questionnaires.questionnaires_due(clinic.patient)]
    assert "phq9" not in ids
    _answer(as_patient, draft, 1, 3)
    draft.refresh_from_db()
    assert draft.answers[0] == 1


def test_submit_with_an_unanswered_question_is_refused(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    draft = _start(as_patient)
    _answer_all(as_patient, draft, [0, 0, 0])
    page = as_patient.post(
        reverse("portal:questionnaire-review", args=[draft.public_id])
    )
    assert page.status_code == 400
    assert "Please answer question 4" in page.content.decode()
    assert not Administration.objects.filter(patient=clinic.patient).exists()


def test_a_risk_answer_shows_crisis_resources_at_once_and_raises_one_alert(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    draft = _start(as_patient)
    _answer_all(as_patient, draft, [0] * 8)
    page = _answer(as_patient, draft, 9, 1)  # "Several days"
    text = page.content.decode()
    assert page.status_code == 200
    assert "tel:999" in text and "Your clinician has been told" in text
    alert = Alert.objects.get(patient=clinic.patient)
    assert alert.rule == "phq9_item9" and alert.urgency == 3
    assert "not yet sent" in alert.reason
    # answering it again (back button) raises nothing new
    _answer(as_patient, draft, 9, 2)
    assert Alert.objects.filter(patient=clinic.patient).count() == 1
    # sending stores the risk answer; the scan finds the alert already raised
    _answer(as_patient, draft, 10, 0)
    as_patient.post(reverse("portal:questionnaire-review", args=[draft.public_id]))
    assert alerts_from_risk_events() == 0
    assert Alert.objects.filter(patient=clinic.patient).count() == 1
    done = as_patient.get(reverse("portal:questionnaire-done", args=[draft.public_id]))
    assert "tel:999" in done.content.decode()


def test_a_questionnaire_that_is_not_due_cannot_be_started(
    as_patient: Client, course: Course
) -> None:
    assert (
        as_patient.post(
            reverse("portal:questionnaire-start", args=["hrsd17"])
        ).status_code
        == 404
    )
    assert not QuestionnaireResponse.objects.exists()


def test_a_spanish_reader_answers_the_phq9_in_spanish_and_it_scores_the_same(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    as_patient.post(
        reverse("portal:language"), {"language": "es", "next": "/portal/home/"}
    )
    draft = _start(as_patient)
    assert draft.language == "es"
    page = as_patient.get(reverse("portal:question", args=[draft.public_id, 9]))
    text = page.content.decode()
    assert "Pensamientos de que estaría mejor muerto(a)" in text
    assert "Varios días" in text and 'lang="es"' in text
    _answer_all(as_patient, draft, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
    as_patient.post(reverse("portal:questionnaire-review", args=[draft.public_id]))
    stored = Administration.objects.get(patient=clinic.patient, instrument_id="phq9")
    assert stored.total == 1 and stored.critical_items == [9]


def test_a_questionnaire_without_a_spanish_version_says_so(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    from measures.instruments import REGISTRY
    from portal.wording import question_screens

    screens = question_screens(REGISTRY["core10"], "es")
    assert not screens.translated and screens.language == "en"
