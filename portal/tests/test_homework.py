"""Homework: set from a template tied to the problem areas (or in the clinician's
own words), answered in the portal, shown for review before the next session."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.models import Course
from portal.choices import HomeworkStatus
from portal.homework_templates import TEMPLATES, templates_for
from portal.models import Homework

pytestmark = pytest.mark.django_db


def _staff(clinic: Clinic) -> Client:
    client = Client()
    client.force_login(clinic.therapist_on_team)
    return client


def _homework_url(clinic: Clinic, course: Course) -> str:
    return reverse(
        "portal:staff-homework", args=[clinic.patient.public_id, course.public_id]
    )


def test_every_template_serves_a_problem_area_and_the_courses_come_first() -> None:
    assert {t.key for t in TEMPLATES} >= {
        "communication_analysis",
        "reach_out",
        "hard_conversation",
        "new_activity",
    }
    assert all(t.problem_areas for t in TEMPLATES)
    assert templates_for(["grief"])[0].problem_areas & {"grief"}
    assert templates_for(["disputes"])[0].key == "communication_analysis"


def test_homework_round_trip(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    staff = _staff(clinic)
    response = staff.post(
        _homework_url(clinic, course), {"template": "communication_analysis"}
    )
    assert response.status_code == 302
    homework = Homework.objects.get(patient=clinic.patient)
    # the patient sees it, answers it, hands it in
    home = as_patient.get(reverse("portal:home")).content.decode()
    assert "Communication analysis worksheet" in home
    page = as_patient.get(reverse("portal:homework", args=[homework.public_id]))
    assert "What did you want to happen?" in page.content.decode()
    saved = as_patient.post(
        reverse("portal:homework", args=[homework.public_id]),
        {"answer_1": "My partner, about the rent", "save": "1"},
    )
    assert saved.status_code == 302
    homework.refresh_from_db()
    assert homework.status == HomeworkStatus.SET
    as_patient.post(
        reverse("portal:homework", args=[homework.public_id]),
        {
            "answer_1": "My partner, about the rent",
            "answer_5": "Ask, not accuse",
            "hand_in": "1",
        },
    )
    homework.refresh_from_db()
    assert homework.status == HomeworkStatus.DONE
    assert homework.answers[0] == "My partner, about the rent"
    assert homework.answers[4] == "Ask, not accuse"
    # the clinician's session preparation shows it for review
    prep = staff.get(
        reverse(
            "portal:staff-session-prep",
            args=[clinic.patient.public_id, course.public_id],
        )
    ).content.decode()
    assert "Ask, not accuse" in prep
    staff.post(
        reverse(
            "portal:staff-homework-reviewed",
            args=[clinic.patient.public_id, course.public_id, homework.public_id],
        )
    )
    homework.refresh_from_db()
    assert homework.status == HomeworkStatus.REVIEWED
    # reviewed homework no longer changes
    as_patient.post(
        reverse("portal:homework", args=[homework.public_id]),
        {"answer_1": "changed", "hand_in": "1"},
    )
    homework.refresh_from_db()
    assert homework.answers[0] == "My partner, about the rent"


def test_own_homework_in_the_clinicians_words(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    _staff(clinic).post(
        _homework_url(clinic, course),
        {"title": "Call your sister", "instructions": "Just to say hello."},
    )
    homework = Homework.objects.get()
    page = as_patient.get(reverse("portal:homework", args=[homework.public_id]))
    assert "Call your sister" in page.content.decode()
    assert "Just to say hello." in page.content.decode()


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"template": "no_such_template"},
        {"template": "", "title": "   "},
        {"template": "reach_out", "due_on": "2001-01-01"},
        {"template": "reach_out", "due_on": "not a date"},
    ],
)
def test_bad_homework_is_refused_and_nothing_is_set(
    clinic: Clinic, course: Course, form: dict[str, str]
) -> None:
    page = _staff(clinic).post(_homework_url(clinic, course), form)
    assert page.status_code == 400
    assert not Homework.objects.exists()


def test_handing_in_empty_homework_is_refused(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    _staff(clinic).post(_homework_url(clinic, course), {"template": "reach_out"})
    homework = Homework.objects.get()
    page = as_patient.post(
        reverse("portal:homework", args=[homework.public_id]), {"hand_in": "1"}
    )
    assert page.status_code == 400
    assert "Write something before you hand it in" in page.content.decode()
    homework.refresh_from_db()
    assert homework.status == HomeworkStatus.SET


def test_homework_shows_in_spanish_for_a_spanish_reader(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    _staff(clinic).post(_homework_url(clinic, course), {"template": "reach_out"})
    as_patient.post(
        reverse("portal:language"), {"language": "es", "next": "/portal/home/"}
    )
    page = as_patient.get(reverse("portal:homework-list")).content.decode()
    assert 'lang="es"' in page


def test_the_session_note_form_loads_the_diary_week_and_homework_for_review(
    clinic: Clinic, course: Course
) -> None:
    session = course.sessions.order_by("-number").first()
    assert session is not None
    page = _staff(clinic).get(
        reverse(
            "ipt:note",
            args=[clinic.patient.public_id, course.public_id, session.public_id],
        )
    )
    prep = reverse(
        "portal:staff-session-prep", args=[clinic.patient.public_id, course.public_id]
    )
    assert f'hx-get="{prep}"' in page.content.decode()
    partial = _staff(clinic).get(prep, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "The week from the diary" in partial.content.decode()
