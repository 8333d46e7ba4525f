"""What the patient's own pages read: upcoming sessions, the relapse-prevention
plan, their people. Each takes the signed-in patient; nothing here takes an id from
the request."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from django.db import router
from django.db.models import QuerySet
from django.utils import timezone

from ipt.choices import Phase
from ipt.models import Course, InventoryPerson
from ipt.models.termination import RelapsePreventionPlan
from ipt.selectors import circle_picture
from iptcare.lib.statements import StandIn, Statement
from patients.models import Patient
from portal.models import QuestionnaireResponse
from portal.services.questionnaires import current_course
from scheduling.choices import AppointmentStatus
from scheduling.ical import to_ics
from scheduling.models import Attendee
from scheduling.selectors import patient_events


def next_sessions(patient: Patient, *, limit: int = 12) -> list[Attendee]:
    """The patient's coming appointments, soonest first."""
    return list(
        Attendee.objects.filter(
            patient=patient,
            appointment__starts_at__gte=timezone.now(),
            appointment__status=AppointmentStatus.SCHEDULED,
        )
        .select_related("appointment")
        .order_by("appointment__starts_at")[:limit]
    )


def sessions_ics(patient: Patient, *, host: str) -> bytes:
    """The patient's sessions as an iCalendar file for their own calendar: the same
    events as the clinician's download for them (``scheduling.selectors``) —
    "Session", the time and the place, nothing clinical."""
    return to_ics(patient_events(patient=patient, host=host), name="Appointments")


def relapse_plan_of(patient: Patient) -> RelapsePreventionPlan | None:
    """The plan of the latest course that has one."""
    return (
        RelapsePreventionPlan.objects.filter(course__patient=patient)
        .order_by("-course__opened_on", "-course_id")
        .first()
    )


def patient_people(patient: Patient) -> dict[str, Any]:
    course: Course | None = current_course(patient)
    people = (
        list(InventoryPerson.objects.filter(course=course))
        if course is not None
        else []
    )
    return {
        "course": course,
        "people": people,
        "circle": circle_picture(people, centre_label="You") if people else "",
        "may_add": course is not None and course.phase != Phase.ENDED,
    }


def _responses_of(
    patient_id: int, public_id: uuid.UUID
) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(
        patient_id=patient_id, public_id=public_id
    ).order_by("pk")


# Values no row has, that the response's statement is built with.
_RESPONSE_STAND_INS = {
    "patient_id": StandIn(
        -(2**62) + 31, QuestionnaireResponse._meta.get_field("patient")
    ),
    "public_id": StandIn(
        uuid.UUID("0bad0bad-0bad-4bad-8bad-0bad0bad0b31"),
        QuestionnaireResponse._meta.get_field("public_id"),
    ),
}


@cache
def _response_statement(alias: str) -> Statement[QuestionnaireResponse]:
    return Statement(_responses_of, _RESPONSE_STAND_INS, alias)


def own_response(
    patient: Patient, public_id: uuid.UUID
) -> QuestionnaireResponse | None:
    """The patient's own questionnaire response by its public id, or ``None`` (another
    patient's is ``None`` too). The statement is built once per process: every screen
    of a questionnaire reads it (decisions/0071)."""
    statement = _response_statement(router.db_for_read(QuestionnaireResponse))
    return statement.first(patient_id=patient.pk, public_id=public_id)
