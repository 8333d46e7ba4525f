"""Loading a licensed clinic's wording for the instruments IPT Care ships without it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from measures.instruments import REGISTRY
from measures.instruments.licensed_text import (
    FORMAT,
    LicensedTextError,
    instrument_with_wording,
    load,
)


def _entry(count: int, **extra: Any) -> dict[str, Any]:
    return {
        "licence": "Licence ref. TEST-1",
        "items": {str(n): f"Licensed wording {n}" for n in range(1, count + 1)},
        **extra,
    }


def _write(tmp_path: Path, instruments: dict[str, Any]) -> Path:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps({"format": FORMAT, "instruments": instruments}))
    return path


def test_wording_is_applied_and_scoring_is_unchanged(tmp_path: Path) -> None:
    # given
    path = _write(tmp_path, {"dast10": _entry(10, options={"*": ["Nope", "Yep"]})})
    # when
    registry = load(path)
    # then
    dast = registry["dast10"]
    assert dast.item(4).text == "Licensed wording 4"
    assert [o.label for o in dast.item(3).options] == ["Nope", "Yep"]
    assert [o.score for o in dast.item(3).options] == [1, 0]
    assert dast.licence.local_grant == "Licence ref. TEST-1"
    assert dast.score([0] * 10).total == REGISTRY["dast10"].score([0] * 10).total
    # the shipped registry is untouched
    assert REGISTRY["dast10"].item(4).text is None
    assert registry["phq9"] is REGISTRY["phq9"]


def test_per_item_option_labels(tmp_path: Path) -> None:
    labels = [f"r{n}" for n in range(10)]
    path = _write(tmp_path, {"wsas": _entry(5, options={"1": labels})})
    wsas = load(path)["wsas"]
    assert [o.label for o in wsas.item(1).options] == labels
    assert wsas.item(2).options == REGISTRY["wsas"].item(2).options


def test_instrument_with_wording_leaves_instruments_the_file_lacks(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, {"cssrs": _entry(7)})
    assert instrument_with_wording(REGISTRY["cssrs"], path).item(7).text
    assert instrument_with_wording(REGISTRY["iip32"], path) is REGISTRY["iip32"]


@pytest.mark.parametrize(
    ("instruments", "message"),
    [
        ({"phq9": _entry(9)}, "ships this instrument's own wording"),
        ({"nosuch": _entry(3)}, "unknown instrument 'nosuch'"),
        ({"dast10": _entry(9)}, r"missing: \['10'\]"),
        ({"dast10": {**_entry(10), "licence": " "}}, "'licence' must name"),
        ({"dast10": _entry(10, options={"3": ["only one"]})}, "has 2 options; 1"),
        ({"dast10": _entry(10, options={"11": ["a", "b"]})}, "'11' is not an item"),
        ({"dast10": _entry(10, scoring="x")}, "unknown keys"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    tmp_path: Path, instruments: dict[str, Any], message: str
) -> None:
    path = _write(tmp_path, instruments)
    with pytest.raises(LicensedTextError, match=message):
        load(path)


def test_wrong_format_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "other", "instruments": {}}')
    with pytest.raises(LicensedTextError, match="'format' must be"):
        load(bad)
    bad.write_text("{not json")
    with pytest.raises(LicensedTextError, match="not valid JSON"):
        load(bad)
    with pytest.raises(LicensedTextError, match="cannot be read"):
        load(tmp_path / "absent.json")
