"""The questionnaire form: each item's wording and options as a radio group, option
positions back, and clear errors naming the item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from measures.forms import InstrumentForm, instrument_form_class
from measures.instruments import REGISTRY, get


def _data(answers: list[int | None], prefix: str = "") -> dict[str, str]:
    name = f"{prefix}-item_" if prefix else "item_"
    return {
        f"{name}{n}": str(a) for n, a in enumerate(answers, start=1) if a is not None
    }


@pytest.mark.parametrize(
    "instrument_id", [i.id for i in REGISTRY.values() if i.licence.ship_text]
)
def test_the_form_shows_each_items_wording_and_options(instrument_id: str) -> None:
    # given
    instrument = get(instrument_id)
    # when
    html = str(InstrumentForm(instrument=instrument).as_div())
    # then
    for item in instrument.items:
        field = InstrumentForm(instrument=instrument)[f"item_{item.number}"]
        assert item.text and item.text in str(field.label)
        assert field.field.widget.input_type == "radio"  # type: ignore[attr-defined]
        for option in item.options:
            assert (
                str(option.label).replace("'", "&#x27;").replace('"', "&quot;") in html
            )


def test_the_form_returns_option_positions_with_none_for_no_answer() -> None:
    form = instrument_form_class(get("core10"))(
        data=_data([0, 4, 4, 0, 0, 0, 0, 0, 0, None])
    )
    assert form.is_valid(), form.errors
    assert form.positions() == [0, 4, 4, 0, 0, 0, 0, 0, 0, None]
    assert (
        form.score is not None and form.score.total is not None
    )  # CORE-10 pro-rates one


def test_a_position_outside_the_options_is_an_error_naming_the_item() -> None:
    form = InstrumentForm(
        instrument=get("phq9"), data=_data([0, 0, 0, 0, 0, 0, 0, 0, 7])
    )
    assert not form.is_valid()
    assert (
        "Item 9 (Self-harm thoughts): choose one of the options"
        in form.errors["item_9"][0]
    )


def test_a_missing_answer_the_rule_cannot_score_is_an_error_naming_the_item() -> None:
    form = InstrumentForm(
        instrument=get("phq9"), data=_data([0, 0, None, None, None, 0, 0, 0, 0])
    )
    assert not form.is_valid()
    assert form.errors["item_3"] == [
        "Answer item 3 (Sleep): without it the PHQ-9 has no score."
    ]
    assert form.offer_incomplete


def test_ticking_save_without_a_score_accepts_declined_answers() -> None:
    data = {**_data([0, 0, None, 0, 0, 0, 0, 0, 0]), "allow_incomplete": "on"}
    form = InstrumentForm(instrument=get("phq9"), data=data)
    assert form.is_valid(), form.errors
    assert form.positions()[2] is None


def test_a_prefix_lets_several_instruments_share_one_page() -> None:
    phq2 = InstrumentForm(
        instrument=get("phq2"), prefix="phq2", data=_data([1, 1], "phq2")
    )
    gad2 = InstrumentForm(
        instrument=get("gad2"), prefix="gad2", data=_data([2, 3], "gad2")
    )
    assert phq2.is_valid() and gad2.is_valid()
    assert (phq2.positions(), gad2.positions()) == ([1, 1], [2, 3])


def test_a_restricted_instrument_shows_item_numbers_and_a_notice(
    as_therapist: Client, clinic: Clinic
) -> None:
    # when
    url = reverse("measures:record", args=[clinic.patient.public_id])
    response = as_therapist.get(url, {"instrument": "dast10"})
    # then
    html = response.content.decode()
    assert "<legend>Item 1</legend>" in html
    assert "wording of the DAST-10 is licensed" in html


def test_a_clinics_licensed_wording_file_is_used_when_configured(
    tmp_path: Path, settings: Any
) -> None:
    # given
    wording = {
        str(item.number): f"Licensed wording {item.number}"
        for item in get("dast10").items
    }
    path = tmp_path / "licensed.json"
    path.write_text(
        json.dumps(
            {
                "format": "iptcare-licensed-text/1",
                "instruments": {
                    "dast10": {"licence": "Clinic licence 42", "items": wording}
                },
            }
        ),
        encoding="utf-8",
    )
    settings.IPTCARE_LICENSED_WORDING_FILE = str(path)
    # when
    form = InstrumentForm(instrument=get("dast10"))
    # then
    assert form["item_1"].label == "1. Licensed wording 1"
    assert not form.wording_withheld


def test_a_broken_licensed_wording_file_falls_back_to_item_numbers(
    tmp_path: Path, settings: Any
) -> None:
    path = tmp_path / "licensed.json"
    path.write_text("{not json", encoding="utf-8")
    settings.IPTCARE_LICENSED_WORDING_FILE = str(path)
    form = InstrumentForm(instrument=get("dast10"))
    assert form["item_1"].label == "Item 1"
    assert form.wording_withheld


def test_other_pages_can_embed_the_items_and_the_safety_steps(clinic: Clinic) -> None:
    # given
    from django.template import engines

    from measures.choices import Source
    from measures.services import administration_record
    from measures.tests.factories import critical_answers

    page = engines["django"].from_string(
        '{% include "measures/administration_form.html#instrument-fields" with form=asq %}'
        '{% include "measures/safety_steps.html" with administration=screening %}'
    )
    screening = administration_record(
        by=clinic.coordinator,
        instrument_id="asq",
        answers=critical_answers("asq", 5),
        source=Source.INTAKE_SCREENING,
    )
    # when
    html = page.render(
        {
            "asq": InstrumentForm(instrument=get("asq"), prefix="asq"),
            "screening": screening,
        }
    )
    # then
    assert 'name="asq-item_1"' in html and "<legend>1. " in html
    assert "Act now: a risk answer on the ASQ" in html
