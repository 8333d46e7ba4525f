"""What every instrument in the registry must carry, and how answers are checked."""

from __future__ import annotations

import json
import re

import pytest

from measures.instruments import REGISTRY, UnknownInstrument, get
from measures.instruments.base import Instrument, InvalidAnswers, Respondent

EXPECTED_IDS = [
    "phq9", "phq2", "gad7", "gad2", "audit", "auditc", "hrsd17", "pcl5", "mspss",
    "ucla3", "core10", "taps1", "asq", "dast10", "wsas", "cssrs", "iip32",
]  # fmt: skip
SHIPS_TEXT = set(EXPECTED_IDS[:13])
LOINC = re.compile(r"^\d{1,6}-\d$")
LOINC_ANSWER = re.compile(r"^LA\d{1,6}-\d$")

INSTRUMENTS = list(REGISTRY.values())


def test_registry_holds_every_instrument_in_order() -> None:
    assert list(REGISTRY) == EXPECTED_IDS


def test_get_returns_the_instrument_and_names_known_ids_when_unknown() -> None:
    assert get("phq9") is REGISTRY["phq9"]
    with pytest.raises(UnknownInstrument, match="Known: phq9, phq2"):
        get("bdi2")


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_metadata_is_complete(instrument: Instrument) -> None:
    assert instrument.id == instrument.id.lower()
    assert instrument.name
    assert instrument.short_name
    assert instrument.version
    assert isinstance(instrument.respondent, Respondent)
    assert instrument.scoring
    assert instrument.missing_rule
    assert instrument.sources
    assert instrument.licence.attribution
    assert instrument.licence.terms
    assert instrument.licence.source
    assert instrument.licence.ship_text == (instrument.id in SHIPS_TEXT)
    for item in instrument.items:
        assert item.label
        assert item.options


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_shippable_instruments_have_wording_for_every_item(
    instrument: Instrument,
) -> None:
    if instrument.licence.ship_text:
        assert all(item.text for item in instrument.items)
    else:
        assert all(item.text is None for item in instrument.items)
        assert instrument.instructions is None
        assert all(item.label.startswith("Item ") for item in instrument.items)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_loinc_codes_are_well_formed(instrument: Instrument) -> None:
    codes = [instrument.loinc.panel, instrument.loinc.total]
    codes += [item.loinc for item in instrument.items]
    assert all(LOINC.match(code) for code in codes if code is not None)
    answers = [o.loinc for item in instrument.items for o in item.options]
    assert all(LOINC_ANSWER.match(code) for code in answers if code is not None)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_bands_cover_the_range_without_overlap(instrument: Instrument) -> None:
    if not instrument.bands or instrument.score_range is None:
        return
    low, high = instrument.score_range
    values: list[float] = list(range(int(low), int(high) + 1))
    fractional = any(
        not (b.min_inclusive and b.max_inclusive) or isinstance(b.max, float)
        for b in instrument.bands
    )
    if fractional:  # means and imputed totals: check between the whole numbers too
        values = [low + (high - low) * n / 400 for n in range(401)]
    for value in values:
        assert sum(band.contains(value) for band in instrument.bands) == 1, value


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_critical_items_name_real_items(instrument: Instrument) -> None:
    for rule in instrument.critical_items:
        item = instrument.item(rule.item)
        assert rule.min_score <= max(o.score or 0 for o in item.options)
        assert rule.trigger
        assert rule.action


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_wrong_number_of_answers_is_refused(instrument: Instrument) -> None:
    with pytest.raises(InvalidAnswers, match=f"{len(instrument.items)} items; got"):
        instrument.score([0] * (len(instrument.items) + 1))


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_out_of_range_answer_names_the_item_and_its_options(
    instrument: Instrument,
) -> None:
    item = instrument.items[-1]
    answers: list[int | None] = [None] * len(instrument.items)
    answers[-1] = len(item.options)
    with pytest.raises(InvalidAnswers) as excinfo:
        instrument.score(answers)
    message = str(excinfo.value)
    assert f"item {item.number}" in message
    assert f"{len(item.options) - 1} = " in message


@pytest.mark.parametrize("bad", [True, 1.0, "1"])
def test_answers_that_are_not_positions_are_refused(bad: object) -> None:
    with pytest.raises(InvalidAnswers, match="not an option position"):
        get("phq9").score([bad, 0, 0, 0, 0, 0, 0, 0, 0])  # type: ignore[list-item]


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.id)
def test_score_is_json_ready(instrument: Instrument) -> None:
    result = instrument.score([0] * len(instrument.items))
    data = json.loads(json.dumps(result.as_dict()))
    assert data["instrument"] == instrument.id
    assert set(data) >= {
        "instrument",
        "total",
        "band",
        "caseness",
        "critical",
        "subscales",
    }


def test_score_is_immutable() -> None:
    result = get("audit").score([1] * 8 + [0, 0])
    with pytest.raises(TypeError):
        result.subscales["harm"] = 40  # type: ignore[index]
