"""QuestionnaireResponse ← ``measures.Administration`` (the current revision of each).

Answers are option positions in the database and codings here (see
``questionnaire.answer_coding``); a missing answer is an item without an answer.
"""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import drop_empty, instant, reference
from interop.resources.questionnaire import answer_coding, extra_link_id
from measures.choices import Source
from measures.models import Administration

RESOURCE_TYPE = "QuestionnaireResponse"


def _answers(
    items: Any, positions: list[int | None], link: Any
) -> list[dict[str, Any]]:
    out = []
    for index, (item, position) in enumerate(zip(items, positions, strict=False)):
        entry: dict[str, Any] = {"linkId": link(index, item), "text": item.label}
        if position is not None:
            option = item.options[position]
            entry["answer"] = [{"valueCoding": answer_coding(option, position)}]
        out.append(entry)
    return out


def to_fhir(administration: Administration, patient_public_id: str) -> dict[str, Any]:
    instrument = administration.instrument
    items: list[dict[str, Any]] = []
    if instrument is not None:
        items = _answers(
            instrument.items, administration.answers, lambda i, item: str(item.number)
        )
        items += _answers(
            instrument.extra_items,
            administration.extra_answers,
            lambda i, item: extra_link_id(i),
        )
    source = (
        reference("Patient", patient_public_id)
        if administration.source == Source.PATIENT_PORTAL
        else None
    )
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(administration.public_id),
            "meta": {"versionId": str(administration.revision)},
            "questionnaire": (
                f"{codes.questionnaire_url(administration.instrument_id)}"
                f"|{administration.instrument_version}"
            ),
            "status": "completed" if administration.revision == 1 else "amended",
            "subject": reference("Patient", patient_public_id),
            "authored": instant(administration.administered_at),
            "source": source,
            "extension": [
                {
                    "url": codes.ADMINISTRATION_SOURCE,
                    "valueCode": administration.source,
                }
            ],
            "item": items,
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    """The administration's fields: instrument, version, positions, when, source."""
    from interop.resources._common import parse_instant
    from interop.resources.questionnaire import position_of
    from measures.instruments import get

    canonical, _, version = data["questionnaire"].partition("|")
    instrument_id = canonical.removeprefix(codes.QUESTIONNAIRE_BASE)
    instrument = get(instrument_id)
    by_link = {entry["linkId"]: entry for entry in data.get("item", [])}

    def positions(items: Any, link: Any) -> list[int | None]:
        result: list[int | None] = []
        for index, item in enumerate(items):
            answer = by_link.get(link(index, item), {}).get("answer")
            result.append(
                position_of(item, answer[0]["valueCoding"]) if answer else None
            )
        return result

    return {
        "public_id": data["id"],
        "instrument_id": instrument_id,
        "instrument_version": version,
        "answers": positions(instrument.items, lambda i, item: str(item.number)),
        "extra_answers": (
            positions(instrument.extra_items, lambda i, item: extra_link_id(i))
            if any(link.startswith("extra-") for link in by_link)
            else []
        ),
        "administered_at": parse_instant(data["authored"]),
        "source": next(
            e["valueCode"]
            for e in data.get("extension", [])
            if e["url"] == codes.ADMINISTRATION_SOURCE
        ),
        "patient": data["subject"]["reference"].removeprefix("Patient/"),
    }
