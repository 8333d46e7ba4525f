"""Questionnaires in the portal: what is due, answering one question at a time with
every answer saved, and one idempotent submit (docs/portal.md).

A critical answer (PHQ-9 item 9 above 0, say) raises its alert the moment it is
saved — the patient may never press "send" — and the page shows the crisis
resources at once. When the response is submitted, ``measures`` records the risk
answer as a ``RiskEvent``; the alert raised from the draft is re-pointed at it
(``alerts.services.alert_adopt``), so one answer is one alert.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts import rules as alert_rules
from alerts import services as alert_services
from alerts.choices import SourceType
from audit import services as audit
from audit.choices import Action
from ipt.choices import Phase
from ipt.models import Course
from measures import services as measures
from measures.choices import Source
from measures.instruments import REGISTRY
from measures.instruments.base import Instrument, Item, Respondent
from measures.instruments.translations import wording_for
from measures.models import risk_kind_for
from portal.models import QuestionnaireResponse
from portal.occasions import Occasion, occasions_due
from portal.services.links import PATIENT

if TYPE_CHECKING:
    from patients.models import Patient

CATEGORY = "portal_questionnaire"


class AnswerRefused(ValidationError):
    """The answer is not one of the question's options; nothing was saved."""


def offered_in_portal(instrument: Instrument) -> bool:
    """Self-report questionnaires whose every item's wording may be shown."""
    return (
        instrument.respondent == Respondent.SELF_REPORT
        and wording_for(instrument, "en") is not None
    )


def questions_of(instrument: Instrument) -> tuple[Item, ...]:
    """The screens of a questionnaire: its items, then its unscored extra items."""
    return instrument.items + instrument.extra_items


@dataclass(frozen=True)
class DueQuestionnaire:
    instrument: Instrument
    occasion: Occasion
    response: QuestionnaireResponse | None

    @property
    def answered(self) -> int:
        if self.response is None:
            return 0
        return sum(
            answer is not None
            for answer in self.response.answers + self.response.extra_answers
        )


def current_course(patient: Patient) -> Course | None:
    """The open course, else the one that ended last (follow-up questionnaires)."""
    courses = list(
        Course.objects.filter(patient=patient)
        .select_related("program")
        .prefetch_related("program__measures", "sessions")
        .order_by("-opened_on", "-id")[:5]
    )
    open_courses = [c for c in courses if c.phase != Phase.ENDED]
    if open_courses:
        return open_courses[0]
    return courses[0] if courses else None


def questionnaires_due(
    patient: Patient, *, today: datetime | None = None
) -> list[DueQuestionnaire]:
    """The questionnaires the program asks for now that the patient has not answered
    (here, or in the clinic since the occasion began). Four queries."""
    moment = today or timezone.now()
    course = current_course(patient)
    if course is None:
        return []
    held = [s.held_on for s in course.sessions.all() if s.number is not None]
    occasions = [
        occasion
        for occasion in occasions_due(
            rules=course.program.measure_rules(),
            phase=course.phase,
            sessions_attended=course.sessions_attended,
            last_session_on=max(held) if held else None,
            opened_on=course.opened_on,
            ended_on=course.ended_on,
            today=timezone.localdate(moment),
        )
        if occasion.instrument_id in REGISTRY
        and offered_in_portal(REGISTRY[occasion.instrument_id])
    ]
    if not occasions:
        return []
    responses = {
        (r.instrument_id, r.due_key): r
        for r in QuestionnaireResponse.objects.filter(
            patient=patient,
            instrument_id__in=[o.instrument_id for o in occasions],
            due_key__in=[o.key for o in occasions],
        )
    }
    earliest = min(o.since for o in occasions if o.since is not None)
    given = [
        (instrument_id, timezone.localdate(at))
        for instrument_id, at in patient.administrations.filter(
            instrument_id__in=[o.instrument_id for o in occasions],
            administered_at__date__gt=earliest,
            superseded_at__isnull=True,
        ).values_list("instrument_id", "administered_at")
    ]
    due = []
    for occasion in occasions:
        response = responses.get((occasion.instrument_id, occasion.key))
        if response is not None and response.is_submitted:
            continue
        in_clinic = any(
            instrument_id == occasion.instrument_id
            and occasion.since is not None
            and day > occasion.since
            and (response is None or response.administration_id is None)
            for instrument_id, day in given
        )
        if in_clinic and response is None:
            continue
        due.append(
            DueQuestionnaire(
                instrument=REGISTRY[occasion.instrument_id],
                occasion=occasion,
                response=response,
            )
        )
    return due


def response_start(
    *, patient: Patient, instrument_id: str, language: str
) -> QuestionnaireResponse:
    """The patient's response to a due questionnaire: the one in progress, or a new
    one. Refused (``ValidationError``) for a questionnaire that is not due."""
    for item in questionnaires_due(patient):
        if item.instrument.id != instrument_id:
            continue
        if item.response is not None:
            return item.response
        instrument = item.instrument
        try:
            with transaction.atomic():
                response = QuestionnaireResponse.objects.create(
                    patient=patient,
                    course=current_course(patient),
                    instrument_id=instrument.id,
                    due_key=item.occasion.key,
                    language=language,
                    answers=[None] * len(instrument.items),
                    extra_answers=[None] * len(instrument.extra_items),
                )
        except IntegrityError:  # a second tap created it first
            return QuestionnaireResponse.objects.get(
                patient=patient, instrument_id=instrument.id, due_key=item.occasion.key
            )
        audit.record(
            actor=None,
            action=Action.CREATE,
            category=CATEGORY,
            patient=patient,
            object_id=str(response.public_id),
            detail=f"instrument={instrument.id}; occasion={item.occasion.key}",
            actor_label=PATIENT,
        )
        return response
    raise ValidationError("That questionnaire is not due.")


def _locked(response: QuestionnaireResponse) -> QuestionnaireResponse:
    return QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)


@dataclass(frozen=True)
class Answered:
    response: QuestionnaireResponse
    critical: bool  # this answer is a risk answer: show the crisis resources now


@transaction.atomic
def answer_save(
    *, response: QuestionnaireResponse, number: int, position: int | None
) -> Answered:
    """Save the answer to screen ``number`` (1-based). A submitted response no longer
    changes (``AnswerRefused``)."""
    response = _locked(response)
    if response.is_submitted:
        raise AnswerRefused("These answers have been sent already.")
    instrument = REGISTRY[response.instrument_id]
    questions = questions_of(instrument)
    if not 1 <= number <= len(questions):
        raise AnswerRefused("There is no such question.")
    item = questions[number - 1]
    if position is None or not 0 <= position < len(item.options):
        raise AnswerRefused("Choose one of the answers.")
    main = len(instrument.items)
    if number <= main:
        answers = list(response.answers)
        answers[number - 1] = position
        response.answers = answers
    else:
        extra = list(response.extra_answers)
        extra[number - main - 1] = position
        response.extra_answers = extra
    critical = number <= main and number in _critical_items(instrument, response)
    fields = ["answers", "extra_answers", "updated_at"]
    if critical:
        if response.risk_shown_at is None:
            response.risk_shown_at = timezone.now()
            fields.append("risk_shown_at")
        _raise_risk_alert(response, instrument, number, position)
    response.save(update_fields=fields)
    return Answered(response=response, critical=critical)


def _critical_items(
    instrument: Instrument, response: QuestionnaireResponse
) -> tuple[int, ...]:
    return instrument.critical_for(instrument.select(response.answers))


def draft_alert_key(response: QuestionnaireResponse, number: int) -> str:
    return f"portal:{response.public_id}:{number}"


def _raise_risk_alert(
    response: QuestionnaireResponse, instrument: Instrument, number: int, position: int
) -> None:
    item = instrument.item(number)
    option = item.options[position]
    finding = alert_rules.risk_answer(
        alert_rules.RiskAnswer(
            instrument_id=instrument.id,
            instrument_name=instrument.short_name,
            item_number=number,
            item_label=item.label,
            answer_score=option.score,
            answer_label=option.label,
            risk_kind=risk_kind_for(instrument.id, number),
            day=timezone.localdate(),
            answers=tuple(response.answers),
        )
    )
    finding = replace(
        finding,
        reason=f"{finding.reason} Given in the patient portal; not yet sent.",
    )
    alert_services.alert_raise(
        patient=response.patient,
        finding=finding,
        source_type=SourceType.PORTAL_ANSWER,
        source_key=draft_alert_key(response, number),
        course=response.course,
    )


class SubmitRefused(ValidationError):
    """Not every question is answered; nothing was stored."""


@transaction.atomic
def response_submit(*, response: QuestionnaireResponse) -> QuestionnaireResponse:
    """Store the answers as one administration, once. A second submit — a double tap,
    a retried request — finds the row submitted and returns it unchanged."""
    response = _locked(response)
    if response.is_submitted:
        return response
    instrument = REGISTRY[response.instrument_id]
    missing = [n for n, a in enumerate(response.answers, start=1) if a is None]
    if missing:
        raise SubmitRefused(
            f"Please answer question {missing[0]} before sending.",
            params={"question": missing[0]},
        )
    administration = measures.administration_record(
        by=None,
        instrument_id=instrument.id,
        answers=response.answers,
        extra_answers=response.extra_answers,
        source=Source.PATIENT_PORTAL,
        patient=response.patient,
    )
    alert_services.alerts_adopt_risk_events(
        administration=administration,
        draft_keys={
            event.item_number: draft_alert_key(response, event.item_number)
            for event in administration.risk_events.all()
        },
    )
    response.administration = administration
    response.submitted_at = timezone.now()
    response.save(update_fields=["administration", "submitted_at", "updated_at"])
    audit.record(
        actor=None,
        action=Action.CREATE,
        category=CATEGORY,
        patient=response.patient,
        object_id=str(response.public_id),
        detail=f"submitted; administration={administration.public_id}",
        actor_label=PATIENT,
    )
    return response
