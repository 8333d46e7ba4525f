"""URL arguments for the FHIR routes in tests/access_matrix.py."""

from __future__ import annotations

import uuid
from typing import Any

from disclosures.tests.factories import ConsentFactory
from ipt.models import Course
from ipt.tests.factories import CourseFactory, GoalFactory, attended_sessions
from measures.tests.factories import AdministrationFactory
from patients.tests.factories import DiagnosisFactory
from scheduling.tests.factories import booked


def patient_kwargs(clinic: Any) -> dict[str, Any]:
    return {"resource_id": str(clinic.patient.public_id)}


def condition_kwargs(clinic: Any) -> dict[str, Any]:
    diagnosis = DiagnosisFactory(
        patient=clinic.patient, recorded_by=clinic.therapist_on_team
    )
    return {"resource_id": str(diagnosis.public_id)}


def response_kwargs(clinic: Any) -> dict[str, Any]:
    administration = AdministrationFactory(patient=clinic.patient)
    return {"resource_id": str(administration.public_id)}


def observation_kwargs(clinic: Any) -> dict[str, Any]:
    return response_kwargs(
        clinic
    )  # the total's Observation has the administration's id


def practitioner_kwargs(clinic: Any) -> dict[str, Any]:
    return {"resource_id": str(clinic.therapist_on_team.public_id)}


def organization_kwargs(clinic: Any) -> dict[str, Any]:
    return {"resource_id": f"team-{clinic.team_a.pk}"}


def questionnaire_kwargs(clinic: Any) -> dict[str, Any]:
    return {"resource_id": "phq9"}


def export_kwargs(clinic: Any) -> dict[str, Any]:
    return {"job": uuid.uuid4()}


def export_file_kwargs(clinic: Any) -> dict[str, Any]:
    return {"job": uuid.uuid4(), "name": "Patient.ndjson"}


def practitioner_role_kwargs(clinic: Any) -> dict[str, Any]:
    return {
        "resource_id": f"{clinic.therapist_on_team.public_id}.team-{clinic.team_a.pk}"
    }


def _course(clinic: Any) -> Course:
    """The patient's open course (a patient has one at most), made if there is none."""
    course = (
        Course.objects.filter(patient=clinic.patient).exclude(phase="ended").first()
    )
    if course is None:
        course = CourseFactory(
            patient=clinic.patient, clinician=clinic.therapist_on_team
        )
    return course


def appointment_kwargs(clinic: Any) -> dict[str, Any]:
    appointment = booked(clinic.patient, clinic.therapist_on_team)
    return {"resource_id": str(appointment.attendees.get().public_id)}


def encounter_kwargs(clinic: Any) -> dict[str, Any]:
    course = _course(clinic)
    session = course.sessions.first() or attended_sessions(course, 1)[0]
    return {"resource_id": str(session.public_id)}


def course_kwargs(clinic: Any) -> dict[str, Any]:
    """EpisodeOfCare and CarePlan both carry the course's id."""
    return {"resource_id": str(_course(clinic).public_id)}


def goal_kwargs(clinic: Any) -> dict[str, Any]:
    course = _course(clinic)
    goal = course.goals.first() or GoalFactory(course=course)
    return {"resource_id": str(goal.public_id)}


def consent_kwargs(clinic: Any) -> dict[str, Any]:
    return {"resource_id": str(ConsentFactory(patient=clinic.patient).public_id)}
