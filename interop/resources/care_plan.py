"""CarePlan ← ``ipt.Course``: the IPT course as a plan (id: the course's).

- its **phases** are activities (initial, middle, termination), each with the dates it
  ran and whether it is done, running or still to come;
- the **treatment contract** is an activity too: sessions agreed, how often, from
  when (``scheduledTiming``), the missed-session policy and the day it was agreed;
- the chosen **problem areas** are what it ``addresses``: R4 allows only Conditions
  there, so each area is a Condition contained in the plan (``#area-<rank>``), a
  dispute with its stage;
- its **goals** are the Goal resources of the course; the formulation is the plan's
  description.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from interop import codes
from interop.resources._common import day, drop_empty, parse_day, reference
from ipt.choices import Frequency, Outcome, Phase
from ipt.models import Course

RESOURCE_TYPE = "CarePlan"
PHASES = (Phase.INITIAL, Phase.MIDDLE, Phase.TERMINATION)
AGREED_ON_EXTENSION = f"{codes.EXT}agreed-on"
SESSIONS_PLANNED_EXTENSION = f"{codes.EXT}sessions-planned"

# Frequency → FHIR Timing.repeat (frequency per period of periodUnit).
_REPEAT = {
    Frequency.WEEKLY: (1, 1, "wk"),
    Frequency.TWICE_WEEKLY: (2, 1, "wk"),
    Frequency.FORTNIGHTLY: (1, 2, "wk"),
    Frequency.MONTHLY: (1, 1, "mo"),
}


def _phase_dates(course: Course) -> dict[str, tuple[date | None, date | None]]:
    starts = [course.opened_on, course.middle_began_on, course.termination_began_on]
    dates: dict[str, tuple[date | None, date | None]] = {}
    for index, phase in enumerate(PHASES):
        start = starts[index]
        later = [d for d in starts[index + 1 :] if d is not None]
        end = later[0] if later else course.ended_on
        dates[phase] = (start, end if start is not None else None)
    return dates


def _phase_status(course: Course, phase: str, started: bool) -> str:
    if course.phase == phase:
        return "in-progress"
    if started:
        return "completed"
    return "cancelled" if course.phase == Phase.ENDED else "not-started"


def _phase_activities(course: Course) -> list[dict[str, Any]]:
    activities = []
    for phase, (start, end) in _phase_dates(course).items():
        activities.append(
            {
                "detail": drop_empty(
                    {
                        "code": {
                            "coding": [
                                {
                                    "system": codes.IPT_PHASE,
                                    "code": str(phase),
                                    "display": Phase(phase).label,
                                }
                            ]
                        },
                        "status": _phase_status(course, phase, start is not None),
                        "scheduledPeriod": drop_empty(
                            {"start": day(start), "end": day(end)}
                        ),
                    }
                )
            }
        )
    return activities


def _contract_activity(course: Course) -> dict[str, Any] | None:
    contract = getattr(course, "contract", None)
    if contract is None:
        return None
    frequency, period, unit = _REPEAT[Frequency(contract.frequency)]
    if not contract.is_agreed:
        status = "not-started"
    else:
        status = "completed" if course.phase == Phase.ENDED else "in-progress"
    return {
        "detail": drop_empty(
            {
                "extension": [
                    {"url": AGREED_ON_EXTENSION, "valueDate": day(contract.agreed_on)}
                ]
                if contract.agreed_on
                else [],
                "code": {
                    "coding": [
                        {
                            "system": codes.CONTRACT,
                            "code": "contract",
                            "display": "Treatment contract",
                        }
                    ]
                },
                "status": status,
                "scheduledTiming": {
                    "repeat": {
                        "boundsPeriod": {"start": day(contract.starts_on)},
                        "count": contract.sessions_agreed,
                        "frequency": frequency,
                        "period": period,
                        "periodUnit": unit,
                    }
                },
                "description": contract.missed_session_policy,
            }
        )
    }


def _area(course: Course, area: Any) -> dict[str, Any]:
    return drop_empty(
        {
            "resourceType": "Condition",
            "id": f"area-{area.rank}",
            "category": [
                {
                    "coding": [
                        {
                            "system": codes.CONDITION_CATEGORY,
                            "code": "problem-list-item",
                        }
                    ]
                }
            ],
            "code": {
                "coding": [
                    {
                        "system": codes.PROBLEM_AREA,
                        "code": area.area,
                        "display": area.get_area_display(),
                    }
                ]
            },
            "stage": (
                [
                    {
                        "summary": {
                            "coding": [
                                {
                                    "system": codes.DISPUTE_STAGE,
                                    "code": area.dispute_stage,
                                }
                            ]
                        }
                    }
                ]
                if area.dispute_stage
                else []
            ),
            "subject": reference("Patient", course.patient.public_id),
        }
    )


def to_fhir(course: Course) -> dict[str, Any]:
    areas = sorted(course.problem_areas.all(), key=lambda a: a.rank)
    goals = sorted(course.goals.all(), key=lambda g: (g.area, g.position))
    contract = _contract_activity(course)
    if course.phase != Phase.ENDED:
        status = "active"
    else:
        status = "completed" if course.outcome == Outcome.COMPLETED else "revoked"
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(course.public_id),
            "extension": [
                {
                    "url": SESSIONS_PLANNED_EXTENSION,
                    "valuePositiveInt": course.sessions_planned,
                }
            ],
            "contained": [_area(course, area) for area in areas],
            "status": status,
            "intent": "plan",
            "category": [
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
            "title": course.program.name,
            "description": course.formulation,
            "subject": reference("Patient", course.patient.public_id),
            "period": drop_empty(
                {"start": day(course.opened_on), "end": day(course.ended_on)}
            ),
            "author": reference("Practitioner", course.clinician.public_id),
            "addresses": [{"reference": f"#area-{area.rank}"} for area in areas],
            "goal": [reference("Goal", goal.public_id) for goal in goals],
            "activity": _phase_activities(course) + ([contract] if contract else []),
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    """The course's fields, its contract and its problem areas."""
    phases: dict[str, dict[str, Any]] = {}
    contract: dict[str, Any] | None = None
    for activity in data.get("activity", []):
        detail = activity["detail"]
        coding = detail["code"]["coding"][0]
        if coding["system"] == codes.IPT_PHASE:
            phases[coding["code"]] = detail
        else:
            repeat = detail["scheduledTiming"]["repeat"]
            rhythm = (repeat["frequency"], repeat["period"], repeat["periodUnit"])
            agreed = [
                e
                for e in detail.get("extension", [])
                if e["url"] == AGREED_ON_EXTENSION
            ]
            contract = {
                "sessions_agreed": repeat["count"],
                "frequency": next(f for f, r in _REPEAT.items() if r == rhythm),
                "starts_on": parse_day(repeat["boundsPeriod"]["start"]),
                "missed_session_policy": detail.get("description", ""),
                "agreed_on": parse_day(agreed[0]["valueDate"]) if agreed else None,
            }
    running = [
        code for code, detail in phases.items() if detail["status"] == "in-progress"
    ]

    def began(phase: str) -> date | None:
        return parse_day(phases[phase].get("scheduledPeriod", {}).get("start"))

    areas = []
    for contained in data.get("contained", []):
        stage = contained.get("stage") or [{"summary": {"coding": [{"code": ""}]}}]
        areas.append(
            {
                "rank": int(contained["id"].removeprefix("area-")),
                "area": contained["code"]["coding"][0]["code"],
                "dispute_stage": stage[0]["summary"]["coding"][0]["code"],
            }
        )
    return {
        "public_id": data["id"],
        "phase": running[0] if running else Phase.ENDED,
        "program": data["category"][0]["coding"][1]["code"],
        "opened_on": parse_day(data["period"]["start"]),
        "ended_on": parse_day(data["period"].get("end")),
        "middle_began_on": began(Phase.MIDDLE),
        "termination_began_on": began(Phase.TERMINATION),
        "sessions_planned": data["extension"][0]["valuePositiveInt"],
        "formulation": data.get("description", ""),
        "contract": contract,
        "problem_areas": areas,
        "goals": [g["reference"].removeprefix("Goal/") for g in data.get("goal", [])],
        "patient": data["subject"]["reference"].removeprefix("Patient/"),
        "clinician": data["author"]["reference"].removeprefix("Practitioner/"),
    }
