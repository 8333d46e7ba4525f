"""Questionnaire ← a shipped instrument (``measures.instruments.REGISTRY``).

The licence is respected: an instrument whose wording IPT Care may not redistribute
goes out with its neutral item labels ("Item 3") and no instructions, even where the
clinic holds a local licence (that grant covers the clinic's own screens, not passing
the wording on). Answer options carry LOINC answer codes where known, otherwise the
option's position in IPT Care's own code system.
"""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import drop_empty
from measures.instruments import REGISTRY
from measures.instruments.base import Instrument, Item, Option

RESOURCE_TYPE = "Questionnaire"


def answer_coding(option: Option, position: int) -> dict[str, str]:
    """How an answer option is coded, in the Questionnaire and in every response."""
    if option.loinc:
        return {"system": codes.LOINC, "code": option.loinc, "display": option.label}
    return {
        "system": codes.ANSWER_POSITION,
        "code": str(position),
        "display": option.label,
    }


def position_of(item: Item, coding: dict[str, Any]) -> int | None:
    """The option position a coding names, or ``None`` if it names none of the item's."""
    for position, option in enumerate(item.options):
        expected = answer_coding(option, position)
        if (coding.get("system"), coding.get("code")) == (
            expected["system"],
            expected["code"],
        ):
            return position
    return None


def extra_link_id(index: int) -> str:
    return f"extra-{index + 1}"


def _item(instrument: Instrument, item: Item, link_id: str) -> dict[str, Any]:
    shippable = instrument.licence.ship_text
    return drop_empty(
        {
            "linkId": link_id,
            "code": (
                [{"system": codes.LOINC, "code": item.loinc, "display": item.label}]
                if item.loinc
                else []
            ),
            "prefix": str(item.number) if link_id.isdigit() else "",
            "text": (item.text if shippable and item.text else item.label),
            "type": "choice",
            "answerOption": [
                {"valueCoding": answer_coding(option, position)}
                for position, option in enumerate(item.options)
            ],
        }
    )


def to_fhir(instrument: Instrument) -> dict[str, Any]:
    licence = instrument.licence
    items = [_item(instrument, item, str(item.number)) for item in instrument.items]
    items += [
        _item(instrument, item, extra_link_id(index))
        for index, item in enumerate(instrument.extra_items)
    ]
    description = instrument.instructions if licence.ship_text else None
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": instrument.id,
            "url": codes.questionnaire_url(instrument.id),
            "version": instrument.version,
            "name": "".join(ch for ch in instrument.short_name if ch.isalnum()),
            "title": instrument.name,
            "status": "active",
            "subjectType": ["Patient"],
            "description": description,
            "copyright": f"{licence.attribution} {licence.terms}".strip(),
            "code": (
                [{"system": codes.LOINC, "code": instrument.loinc.panel}]
                if instrument.loinc.panel
                else []
            ),
            "item": items,
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data["id"],
        "version": data["version"],
        "name": data["title"],
        "panel": (data.get("code") or [{}])[0].get("code"),
        "items": [
            (item["linkId"], item["text"], len(item["answerOption"]))
            for item in data["item"]
        ],
    }


def shipped() -> list[Instrument]:
    return list(REGISTRY.values())
