"""The definitions against ``shared/instruments/instruments.json``, the research note
they were built from. Skipped where that file is not beside the repository (set
``IPTCARE_INSTRUMENTS_REFERENCE`` to its path to run it elsewhere).

Known, deliberate differences: HRSD item 16 joins 16A and 16B into one item; PCL-5
joins its instructions and stem; MSPSS bands are read at one decimal; WSAS bands are
Mundt's "below 10" and "above 20"; JSON ``unverified`` values are left unset.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from measures.instruments import REGISTRY
from measures.instruments.base import Instrument

REPO = Path(__file__).resolve().parents[3]
REFERENCE = Path(
    os.environ.get(
        "IPTCARE_INSTRUMENTS_REFERENCE",
        REPO.parent / "shared" / "instruments" / "instruments.json",
    )
)

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_file(), reason=f"{REFERENCE} not present"
)

JSON_IDS = {"cssrs": "cssrs_screen"}


def _reference() -> dict[str, dict[str, Any]]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in data["instruments"]}


def _pairs() -> list[tuple[Instrument, dict[str, Any]]]:
    if not REFERENCE.is_file():
        return []
    reference = _reference()
    return [
        (instrument, reference[JSON_IDS.get(instrument.id, instrument.id)])
        for instrument in REGISTRY.values()
        if JSON_IDS.get(instrument.id, instrument.id) in reference
    ]


PAIRS = _pairs()


def _ids(pair: tuple[Instrument, dict[str, Any]]) -> str:
    return pair[0].id


def test_every_reference_instrument_but_bam_is_defined() -> None:
    defined = {JSON_IDS.get(i, i) for i in REGISTRY}
    assert set(_reference()) - defined == {"bam"}


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
def test_licence_decides_whether_text_ships(
    pair: tuple[Instrument, dict[str, Any]],
) -> None:
    instrument, entry = pair
    assert instrument.licence.ship_text is entry["licence"]["ship_text"]


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
def test_item_wording_options_and_scores_match(
    pair: tuple[Instrument, dict[str, Any]],
) -> None:
    instrument, entry = pair
    if not isinstance(entry.get("items"), list):
        return  # wording not in the reference (licence)
    items = [i for i in entry["items"] if i["n"] not in ("16A", "16B")]
    for ref in items:
        item = instrument.item(int(ref["n"]))
        assert item.text == ref["text"], item.name
        if "loinc" in ref:
            assert item.loinc == ref["loinc"], item.name
        expected = [(o["label"], o["score"]) for o in ref["options"]]
        assert [(o.label, o.score) for o in item.options] == expected, item.name


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
def test_range_bands_and_loinc_match(pair: tuple[Instrument, dict[str, Any]]) -> None:
    instrument, entry = pair
    scoring = entry.get("scoring", {})
    if isinstance(scoring.get("range"), list):
        assert list(instrument.score_range or ()) == scoring["range"]
    if isinstance(entry.get("bands"), list) and instrument.id not in {"mspss", "wsas"}:
        expected = [(b["label"], b["min"], b["max"]) for b in entry["bands"]]
        assert [(b.label, b.min, b.max) for b in instrument.bands] == expected
    if isinstance(entry.get("bands"), list) and instrument.id in {"mspss", "wsas"}:
        assert [b.label for b in instrument.bands] == [
            b["label"] for b in entry["bands"]
        ]
    loinc = entry.get("loinc")
    if isinstance(loinc, dict):
        for key in ("panel", "total"):
            value = loinc.get(key)
            expected_code = None if value in (None, "unverified") else value
            assert getattr(instrument.loinc, key) == expected_code, key


@pytest.mark.parametrize("pair", PAIRS, ids=_ids)
def test_critical_items_match(pair: tuple[Instrument, dict[str, Any]]) -> None:
    instrument, entry = pair
    rules = entry.get("critical_items")
    if not isinstance(rules, list):
        return
    expected = {r["item"] for r in rules if isinstance(r["item"], int)}
    assert expected <= {rule.item for rule in instrument.critical_items}
