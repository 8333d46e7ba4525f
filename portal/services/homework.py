"""Homework: the clinician sets it (from a template or in their own words), the
patient answers it in the portal, the clinician marks it talked about in session."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from ipt.choices import Phase
from portal.choices import HomeworkStatus
from portal.homework_templates import CUSTOM_QUESTION, template_get
from portal.models import Homework
from portal.services.links import PATIENT

if TYPE_CHECKING:
    from accounts.models import Staff
    from ipt.models import Course
    from patients.models import Patient

CATEGORY = "homework"
ANSWER_LIMIT = 4000


class HomeworkRefused(ValidationError):
    """Nothing was changed; the message says why."""


def questions_for(homework: Homework) -> list[str]:
    """The questions the patient answers, in the language active now."""
    template = template_get(homework.template) if homework.template else None
    if template is not None:
        return [str(question) for question in template.questions]
    return [str(CUSTOM_QUESTION)]


def title_of(homework: Homework) -> str:
    template = template_get(homework.template) if homework.template else None
    return str(template.title) if template is not None else homework.title


def instructions_of(homework: Homework) -> str:
    template = template_get(homework.template) if homework.template else None
    return str(template.instructions) if template is not None else homework.instructions


@transaction.atomic
def homework_set(
    *,
    course: Course,
    by: Staff,
    template: str = "",
    title: str = "",
    instructions: str = "",
    due_on: date | None = None,
) -> Homework:
    if course.phase == Phase.ENDED:
        raise HomeworkRefused("The course has ended.")
    template = template.strip()
    if template and template_get(template) is None:
        raise HomeworkRefused({"template": "Choose one of the templates."})
    if not template and not title.strip():
        raise HomeworkRefused(
            {"title": "Choose a template, or give your own homework a title."}
        )
    if due_on is not None and due_on < timezone.localdate():
        raise HomeworkRefused({"due_on": "The date it is due cannot be in the past."})
    homework = Homework.objects.create(
        patient=course.patient,
        course=course,
        template=template,
        title="" if template else title.strip()[:120],
        instructions="" if template else instructions.strip(),
        due_on=due_on,
        set_by=by,
    )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category=CATEGORY,
        patient=course.patient,
        object_id=str(homework.public_id),
        detail=f"template={template or 'own'}",
    )
    return homework


def open_for_patient(patient: Patient) -> QuerySet[Homework]:
    return Homework.objects.filter(patient=patient).exclude(
        status=HomeworkStatus.REVIEWED
    )


@transaction.atomic
def homework_answer(
    *, patient: Patient, homework: Homework, answers: list[str], done: bool
) -> Homework:
    """Save the patient's answers; ``done`` hands it in. Homework already talked
    about in session no longer changes."""
    homework = Homework.objects.select_for_update().get(pk=homework.pk)
    if homework.patient_id != patient.pk:
        raise HomeworkRefused("No such homework.")
    if homework.status == HomeworkStatus.REVIEWED:
        raise HomeworkRefused("This homework has been talked about already.")
    expected = len(questions_for(homework))
    cleaned = [str(answer).strip()[:ANSWER_LIMIT] for answer in answers][:expected]
    cleaned += [""] * (expected - len(cleaned))
    if done and not any(cleaned):
        raise HomeworkRefused("Write something before you hand it in.")
    homework.answers = cleaned
    if done:
        homework.status = HomeworkStatus.DONE
        homework.completed_at = homework.completed_at or timezone.now()
    homework.save(update_fields=["answers", "status", "completed_at", "updated_at"])
    audit.record(
        actor=None,
        action=Action.UPDATE,
        category=CATEGORY,
        patient=patient,
        object_id=str(homework.public_id),
        detail="handed in" if done else "saved",
        actor_label=PATIENT,
    )
    return homework


@transaction.atomic
def homework_review(*, homework: Homework, by: Staff) -> Homework:
    homework = Homework.objects.select_for_update().get(pk=homework.pk)
    if homework.status == HomeworkStatus.REVIEWED:
        return homework
    homework.status = HomeworkStatus.REVIEWED
    homework.reviewed_at = timezone.now()
    homework.reviewed_by = by
    homework.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    audit.record(
        actor=by,
        action=Action.UPDATE,
        category=CATEGORY,
        patient=homework.patient,
        object_id=str(homework.public_id),
        detail="reviewed in session",
    )
    return homework
