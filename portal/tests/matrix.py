"""URL arguments for the portal lines of the access matrix (tests/access_matrix.py).

Rows are made directly, not through services, so that making them writes no audit
row; each belongs to the clinic's ``patient`` (the matrix's ``patient_self``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ipt.tests import matrix as ipt_matrix
from ipt.tests.factories import PersonFactory
from measures.tests.factories import AdministrationFactory
from portal.models import Homework, QuestionnaireResponse


def token_kwargs(clinic: Any) -> dict[str, Any]:
    return {"token": "not-a-real-token"}


def instrument_kwargs(clinic: Any) -> dict[str, Any]:
    ipt_matrix.course_kwargs(clinic)  # the patient has a course, so the PHQ-9 is due
    return {"instrument_id": "phq9"}


def _draft(clinic: Any) -> QuestionnaireResponse:
    course = ipt_matrix._course(clinic)
    draft, _ = QuestionnaireResponse.objects.get_or_create(
        patient=clinic.patient,
        instrument_id="phq9",
        due_key="matrix",
        defaults={"course": course, "answers": [None] * 9, "extra_answers": [None]},
    )
    return draft


def question_kwargs(clinic: Any) -> dict[str, Any]:
    return {"response_id": _draft(clinic).public_id, "number": 1}


def review_kwargs(clinic: Any) -> dict[str, Any]:
    return {"response_id": _draft(clinic).public_id}


def done_kwargs(clinic: Any) -> dict[str, Any]:
    sent, _ = QuestionnaireResponse.objects.get_or_create(
        patient=clinic.patient,
        instrument_id="phq9",
        due_key="matrix-sent",
        defaults={
            "answers": [0] * 9,
            "administration": AdministrationFactory(patient=clinic.patient),
            "submitted_at": timezone.now(),
        },
    )
    return {"response_id": sent.public_id}


def _homework(clinic: Any) -> Homework:
    course = ipt_matrix._course(clinic)
    homework = Homework.objects.filter(course=course).first()
    return homework or Homework.objects.create(
        patient=clinic.patient,
        course=course,
        template="reach_out",
        set_by=clinic.therapist_on_team,
    )


def homework_kwargs(clinic: Any) -> dict[str, Any]:
    return {"homework_id": _homework(clinic).public_id}


def staff_homework_kwargs(clinic: Any) -> dict[str, Any]:
    return {
        **ipt_matrix.course_kwargs(clinic),
        "homework_id": _homework(clinic).public_id,
    }


def _person(clinic: Any) -> Any:
    course = ipt_matrix._course(clinic)
    return course.people.filter(added_by_patient=True).first() or PersonFactory(
        course=course, added_by_patient=True
    )


def person_kwargs(clinic: Any) -> dict[str, Any]:
    return {"person_id": _person(clinic).public_id}


def staff_person_kwargs(clinic: Any) -> dict[str, Any]:
    return {**ipt_matrix.course_kwargs(clinic), "person_id": _person(clinic).public_id}
