"""URL arguments for the FHIR routes in tests/access_matrix.py."""

from __future__ import annotations

import uuid
from typing import Any

from measures.tests.factories import AdministrationFactory
from patients.tests.factories import DiagnosisFactory


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
