"""PHQ-2 and GAD-2: items 1–2 of the PHQ-9 / GAD-7, screen positive at 3 (Kroenke et
al. 2003; 2007)."""

from __future__ import annotations

import pytest

from measures.instruments import gad2, phq2
from measures.instruments.base import Instrument, InvalidAnswers


@pytest.mark.parametrize("instrument", [phq2.PHQ2, gad2.GAD2], ids=["phq2", "gad2"])
@pytest.mark.parametrize(
    ("answers", "total", "positive"),
    [([0, 0], 0, False), ([1, 1], 2, False), ([2, 1], 3, True), ([3, 3], 6, True)],
)
def test_screen_positive_from_3(
    instrument: Instrument, answers: list[int], total: int, positive: bool
) -> None:
    result = instrument.score(answers)
    assert (result.total, result.caseness) == (total, positive)
    assert result.band is None  # no verified bands


@pytest.mark.parametrize("instrument", [phq2.PHQ2, gad2.GAD2], ids=["phq2", "gad2"])
def test_missing_item_gives_no_total(instrument: Instrument) -> None:
    result = instrument.score([3, None])
    assert result.total is None
    assert result.caseness is None
    assert result.reason


def test_phq2_items_are_phq9_items_1_and_2() -> None:
    assert [i.text for i in phq2.PHQ2.items] == [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
    ]
    assert (phq2.PHQ2.loinc.panel, phq2.PHQ2.loinc.total) == ("55757-9", "55758-7")


def test_gad2_loinc_panel_is_left_unset_because_unverified() -> None:
    assert gad2.GAD2.loinc.panel is None
    assert gad2.GAD2.loinc.total is None
    assert [i.loinc for i in gad2.GAD2.items] == ["69725-0", "68509-9"]


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="item 2"):
        gad2.score([0, 4])
