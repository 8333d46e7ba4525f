"""EpisodeOfCare ← ``ipt.Course``: the course as an episode (id: the course's), from
opening to its end, on its program, with the clinician who carries it and the team
that manages the patient. Its sessions are Encounters that point here; its plan is the
CarePlan of the same id."""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import day, drop_empty, parse_day, reference
from ipt.choices import Phase
from ipt.models import Course

RESOURCE_TYPE = "EpisodeOfCare"
OUTCOME_EXTENSION = f"{codes.EXT}course-outcome"


def to_fhir(course: Course) -> dict[str, Any]:
    ended = course.phase == Phase.ENDED
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(course.public_id),
            "extension": (
                [
                    {
                        "url": OUTCOME_EXTENSION,
                        "valueCoding": {
                            "system": codes.COURSE_OUTCOME,
                            "code": course.outcome,
                            "display": course.get_outcome_display(),
                        },
                    }
                ]
                if course.outcome
                else []
            ),
            "status": "finished" if ended else "active",
            "type": [
                {
                    "coding": [
                        {
                            "system": codes.SNOMED,
                            "code": codes.FORMAL_PSYCHOLOGICAL_THERAPY,
                            "display": "Formal psychological therapy",
                        },
                        {
                            "system": codes.PROGRAM,
                            "code": course.program.code,
                            "display": course.program.name,
                        },
                    ]
                }
            ],
            "patient": reference("Patient", course.patient.public_id),
            "managingOrganization": reference(
                "Organization", f"team-{course.patient.team_id}"
            ),
            "period": drop_empty(
                {"start": day(course.opened_on), "end": day(course.ended_on)}
            ),
            "careManager": reference("Practitioner", course.clinician.public_id),
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    program = next(
        c["code"] for c in data["type"][0]["coding"] if c["system"] == codes.PROGRAM
    )
    outcome = next(
        (
            e["valueCoding"]["code"]
            for e in data.get("extension", [])
            if e["url"] == OUTCOME_EXTENSION
        ),
        "",
    )
    return {
        "public_id": data["id"],
        "program": program,
        "outcome": outcome,
        "ended": data["status"] == "finished",
        "opened_on": parse_day(data["period"]["start"]),
        "ended_on": parse_day(data["period"].get("end")),
        "patient": data["patient"]["reference"].removeprefix("Patient/"),
        "clinician": data["careManager"]["reference"].removeprefix("Practitioner/"),
    }
