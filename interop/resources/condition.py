"""Condition ← ``patients.Diagnosis``: the ICD-10 code, its rank, dates and note."""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import day, drop_empty, parse_day, reference
from patients.icd10 import ICD10_CODES
from patients.models import Diagnosis

RESOURCE_TYPE = "Condition"


def to_fhir(
    diagnosis: Diagnosis, patient_public_id: str, recorder_public_id: str | None
) -> dict[str, Any]:
    status = "resolved" if diagnosis.resolved_on else "active"
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(diagnosis.public_id),
            "extension": [
                {"url": codes.DIAGNOSIS_RANK, "valueCode": diagnosis.rank},
            ],
            "clinicalStatus": {
                "coding": [{"system": codes.CONDITION_CLINICAL, "code": status}]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": codes.CONDITION_CATEGORY,
                            "code": "encounter-diagnosis",
                        }
                    ]
                }
            ],
            "code": {
                "coding": [
                    {
                        "system": codes.ICD10,
                        "code": diagnosis.code,
                        "display": ICD10_CODES.get(diagnosis.code, ""),
                    }
                ]
            },
            "subject": reference("Patient", patient_public_id),
            "onsetDateTime": day(diagnosis.diagnosed_on),
            "abatementDateTime": day(diagnosis.resolved_on),
            "recorder": (
                reference("Practitioner", recorder_public_id)
                if recorder_public_id
                else None
            ),
            "note": [{"text": diagnosis.note}] if diagnosis.note else [],
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "public_id": data["id"],
        "code": data["code"]["coding"][0]["code"],
        "rank": data["extension"][0]["valueCode"],
        "diagnosed_on": parse_day(data.get("onsetDateTime")),
        "resolved_on": parse_day(data.get("abatementDateTime")),
        "note": (data.get("note") or [{"text": ""}])[0]["text"],
        "patient": data["subject"]["reference"].removeprefix("Patient/"),
    }
