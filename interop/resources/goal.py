"""Goal ← ``ipt.Goal``: a goal of the contract for one problem area, with its Goal
Attainment Scaling (GAS) levels −2..+2 described in the clinic's words, its weight,
and every rating of it on that scale.

- the problem area is the goal's ``category``; the target is GAS level 0 (the
  expected outcome);
- the five described levels and each rating are extensions of the product's own
  (``gas-level``: level and description; ``gas-rating``: level, date, rater);
- ``achievementStatus`` follows the latest rating: at or above the expected level
  ``achieved``; below it ``in-progress`` while the course runs, ``not-achieved``
  once it has ended; no rating, none.
"""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import day, drop_empty, parse_day, reference
from ipt.choices import Phase
from ipt.models import Goal

RESOURCE_TYPE = "Goal"
LEVEL_EXTENSION = f"{codes.EXT}gas-level"
RATING_EXTENSION = f"{codes.EXT}gas-rating"
WEIGHT_EXTENSION = f"{codes.EXT}gas-weight"
POSITION_EXTENSION = f"{codes.EXT}goal-position"


def _achievement(goal: Goal, ratings: list[Any]) -> dict[str, Any] | None:
    if not ratings:
        return None
    latest = ratings[-1].level
    if latest >= 0:
        code = "achieved"
    elif goal.course.phase == Phase.ENDED:
        code = "not-achieved"
    else:
        code = "in-progress"
    return {"coding": [{"system": codes.GOAL_ACHIEVEMENT, "code": code}]}


def to_fhir(goal: Goal) -> dict[str, Any]:
    ratings = sorted(goal.ratings.all(), key=lambda r: (r.rated_on, r.pk))
    levels = [
        {
            "url": LEVEL_EXTENSION,
            "extension": [
                {"url": "level", "valueInteger": level},
                {"url": "description", "valueString": text},
            ],
        }
        for level, _words, text in goal.levels
    ]
    rated = [
        {
            "url": RATING_EXTENSION,
            "extension": [
                {"url": "level", "valueInteger": rating.level},
                {"url": "date", "valueDate": day(rating.rated_on)},
                {
                    "url": "rater",
                    "valueReference": reference(
                        "Practitioner", rating.rated_by.public_id
                    ),
                },
            ],
        }
        for rating in ratings
    ]
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(goal.public_id),
            "extension": [
                {"url": WEIGHT_EXTENSION, "valuePositiveInt": goal.weight},
                {"url": POSITION_EXTENSION, "valuePositiveInt": goal.position},
                *levels,
                *rated,
            ],
            "lifecycleStatus": (
                "completed" if goal.course.phase == Phase.ENDED else "active"
            ),
            "achievementStatus": _achievement(goal, ratings),
            "category": [
                {
                    "coding": [
                        {
                            "system": codes.PROBLEM_AREA,
                            "code": goal.area,
                            "display": goal.get_area_display(),
                        }
                    ]
                }
            ],
            "description": {"text": goal.description},
            "subject": reference("Patient", goal.course.patient.public_id),
            "target": [
                {
                    "measure": {
                        "coding": [
                            {
                                "system": codes.GAS,
                                "code": "attainment",
                                "display": "Goal attainment (GAS level)",
                            }
                        ]
                    },
                    "detailInteger": 0,
                }
            ],
        }
    )


def _parts(extension: dict[str, Any]) -> dict[str, Any]:
    return {
        part["url"]: next(v for k, v in part.items() if k.startswith("value"))
        for part in extension["extension"]
    }


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    extensions = data.get("extension", [])
    single = {e["url"]: e for e in extensions if "extension" not in e}
    levels = {
        parts["level"]: parts["description"]
        for parts in (_parts(e) for e in extensions if e["url"] == LEVEL_EXTENSION)
    }
    ratings = [
        {
            "level": parts["level"],
            "rated_on": parse_day(parts["date"]),
            "rated_by": parts["rater"]["reference"].removeprefix("Practitioner/"),
        }
        for parts in (_parts(e) for e in extensions if e["url"] == RATING_EXTENSION)
    ]
    return {
        "public_id": data["id"],
        "area": data["category"][0]["coding"][0]["code"],
        "description": data["description"]["text"],
        "weight": single[WEIGHT_EXTENSION]["valuePositiveInt"],
        "position": single[POSITION_EXTENSION]["valuePositiveInt"],
        "level_minus_2": levels[-2],
        "level_minus_1": levels[-1],
        "level_0": levels[0],
        "level_plus_1": levels[1],
        "level_plus_2": levels[2],
        "ratings": ratings,
        "patient": data["subject"]["reference"].removeprefix("Patient/"),
    }
