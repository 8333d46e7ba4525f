"""Observation ← the scores of a ``measures.Administration``: one for the total (id
``<administration>``) and one per subscale (``<administration>.<n>``, n from 1 in the
instrument's order), each with its severity band as interpretation and ``derivedFrom``
the QuestionnaireResponse. A score the scorer could not compute is not sent; a total
that stands for missing answers (prorated, ``measures``) carries a note saying so, in
the words the pages use ("Total prorated from 8 of 9 items").
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from interop import codes
from interop.resources._common import instant, reference
from measures.instruments import REGISTRY
from measures.instruments.base import Instrument
from measures.models import Administration, prorated_note_for

RESOURCE_TYPE = "Observation"
UCUM = "http://unitsofmeasure.org"
SURVEY = {
    "coding": [
        {"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
    ]
}


def total_coding(instrument: Instrument) -> list[dict[str, str]]:
    """LOINC's total-score code where it has one, and always the product's own."""
    coding = []
    if instrument.loinc.total:
        coding.append({"system": codes.LOINC, "code": instrument.loinc.total})
    coding.append(
        {
            "system": codes.SCORE,
            "code": codes.score_code(instrument.id),
            "display": f"{instrument.short_name} total score",
        }
    )
    return coding


def _subscale_coding(instrument: Instrument, name: str) -> list[dict[str, str]]:
    return [
        {
            "system": codes.SCORE,
            "code": codes.score_code(instrument.id, name),
            "display": f"{instrument.short_name} {name.replace('_', ' ')}",
        }
    ]


def _observation(
    administration: Administration,
    patient_public_id: str,
    resource_id: str,
    coding: list[dict[str, str]],
    value: float,
    band: str,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": RESOURCE_TYPE,
        "id": resource_id,
        "status": "final" if administration.revision == 1 else "amended",
        "category": [SURVEY],
        "code": {"coding": coding},
        "subject": reference("Patient", patient_public_id),
        "effectiveDateTime": instant(administration.administered_at),
        "valueQuantity": {"value": value, "system": UCUM, "code": "{score}"},
        "derivedFrom": [reference("QuestionnaireResponse", administration.public_id)],
    }
    if band:
        data["interpretation"] = [
            {"coding": [{"system": codes.SEVERITY_BAND, "code": band}], "text": band}
        ]
    return data


def prorated_note(administration: Administration) -> str:
    """ "Total prorated from 8 of 9 items", or "": the measures app's one rule, in
    English whatever language a request or the worker runs in."""
    arguments = (
        administration.instrument_id,
        administration.answers,
        administration.total,
    )
    if translation.get_language() == "en":  # the worker's own: no switch per score
        note = prorated_note_for(*arguments)
    else:
        with translation.override("en"):
            note = prorated_note_for(*arguments)
    return f"Total {note}" if note else ""


def to_fhir(
    administration: Administration, patient_public_id: str
) -> list[dict[str, Any]]:
    """The total first, then each computed subscale."""
    instrument = REGISTRY.get(administration.instrument_id)
    if instrument is None:
        return []
    resources = []
    if administration.total is not None:
        total = _observation(
            administration,
            patient_public_id,
            str(administration.public_id),
            total_coding(instrument),
            administration.total,
            administration.band,
        )
        note = prorated_note(administration)
        if note:
            total["note"] = [{"text": note}]
        resources.append(total)
    for number, subscale in enumerate(instrument.subscales, start=1):
        value = (administration.subscales or {}).get(subscale.name)
        if value is None:
            continue
        resources.append(
            _observation(
                administration,
                patient_public_id,
                f"{administration.public_id}.{number}",
                _subscale_coding(instrument, subscale.name),
                value,
                "",
            )
        )
    return resources


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    own = next(c for c in data["code"]["coding"] if c["system"] == codes.SCORE)
    instrument_id, _, which = own["code"].partition("-")
    interpretation = data.get("interpretation") or [{"text": ""}]
    return {
        "administration": data["derivedFrom"][0]["reference"].removeprefix(
            "QuestionnaireResponse/"
        ),
        "instrument_id": instrument_id,
        "score": which,
        "value": data["valueQuantity"]["value"],
        "band": interpretation[0]["text"],
        "note": (data.get("note") or [{"text": ""}])[0]["text"],
        "administered_at": data["effectiveDateTime"],
        "patient": data["subject"]["reference"].removeprefix("Patient/"),
    }
