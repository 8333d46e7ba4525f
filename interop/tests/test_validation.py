"""The export's validator: each distinct element once, and never a resource the R4
model would refuse."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from interop import validation
from interop.validation import Validator

ITEM = {
    "linkId": "1",
    "text": "Little interest",
    "answer": [
        {
            "valueCoding": {
                "system": "http://loinc.org",
                "code": "LA6569-3",
                "display": "Several days",
            }
        }
    ],
}


def response(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": "a1",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "authored": "2026-01-02T03:04:05Z",
        "item": [copy.deepcopy(ITEM), {**copy.deepcopy(ITEM), "linkId": "2"}],
    }
    data.update(changes)
    return data


def bad_item(**changes: Any) -> dict[str, Any]:
    return response(item=[copy.deepcopy(ITEM), {**copy.deepcopy(ITEM), **changes}])


BAD = {
    "an unknown element in an item": bad_item(colour="red"),
    "an item without its linkId": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"text": "no link"}],
    },
    "an answer that is not a list": bad_item(answer={"valueString": "x"}),
    "a null among the items": response(item=[copy.deepcopy(ITEM), None]),
    "an item that is not an object": response(item=[copy.deepcopy(ITEM), "x"]),
    "a status that is not a code": response(status=" done"),
    "no status": {k: v for k, v in response().items() if k != "status"},
    "a bad instant": response(authored="yesterday"),
    "a reference that is not an object": response(subject="Patient/p1"),
    "an unknown top-level element": response(colour="red"),
    "two answer types in one answer": bad_item(
        answer=[{"valueString": "a", "valueInteger": 1}]
    ),
}


@pytest.mark.parametrize("data", BAD.values(), ids=BAD.keys())
def test_what_the_model_refuses_the_validator_refuses(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        QuestionnaireResponse.model_validate(copy.deepcopy(data))
    validate = Validator(QuestionnaireResponse)
    validate(response())  # the good items are in its cache first
    with pytest.raises(ValidationError):
        validate(data)


def test_a_valid_resource_comes_back_unchanged() -> None:
    validate = Validator(QuestionnaireResponse)
    data = response()
    expected = copy.deepcopy(data)
    assert validate(data) is data
    assert data == expected


def test_each_distinct_item_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    validate = Validator(QuestionnaireResponse)
    item = validate.elements["item"]
    calls: list[Any] = []
    real = item.model.model_validate

    def counting(value: Any) -> Any:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(item, "model", type("M", (), {"model_validate": counting}))
    for number in range(50):
        validate(response(id=f"a{number}"))
    assert len(calls) == 2  # items "1" and "2"


def test_an_element_that_rarely_repeats_is_no_longer_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(validation, "SAMPLE", 20)
    validate = Validator(Observation)
    for number in range(30):
        validate(
            {
                "resourceType": "Observation",
                "id": f"o{number}",
                "status": "final",
                "code": {"text": "PHQ-9 total"},
                "derivedFrom": [{"reference": f"QuestionnaireResponse/q{number}"}],
            }
        )
    assert validate.elements["derivedFrom"].cached is False
    assert validate.elements["derivedFrom"].cache == {}
    assert validate.elements["code"].cached is True
    with pytest.raises(ValidationError):  # still validated, in place
        validate(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "PHQ-9 total"},
                "derivedFrom": [{"reference": 5}],
            }
        )


def test_the_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "CACHE_SIZE", 10)
    monkeypatch.setattr(validation, "SAMPLE", 10_000)
    validate = Validator(QuestionnaireResponse)
    for number in range(100):
        validate(response(item=[{**ITEM, "linkId": str(number)}]))
    assert len(validate.elements["item"].cache) <= 10
