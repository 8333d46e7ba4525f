"""DAST-10 scoring (Skinner 1982; NIDA CDE bands): yes = 1 except item 3."""

from __future__ import annotations

import pytest

from measures.instruments import dast10
from measures.instruments.base import InvalidAnswers

DAST10 = dast10.DAST10
NO, YES = 0, 1


def test_all_no_scores_1_because_item_3_is_reversed() -> None:
    result = dast10.score([NO] * 10)
    assert (result.total, result.band, result.caseness) == (1, "low", False)


def test_lowest_and_highest_totals() -> None:
    lowest = [NO, NO, YES, NO, NO, NO, NO, NO, NO, NO]
    highest = [YES, YES, NO, YES, YES, YES, YES, YES, YES, YES]
    assert dast10.score(lowest).band == "no problems reported"
    assert dast10.score(lowest).total == 0
    assert (dast10.score(highest).total, dast10.score(highest).band) == (10, "severe")


@pytest.mark.parametrize(
    ("total", "band", "caseness"),
    [
        (0, "no problems reported", False),
        (1, "low", False),
        (2, "low", False),
        (3, "moderate", True),
        (5, "moderate", True),
        (6, "substantial", True),
        (8, "substantial", True),
        (9, "severe", True),
    ],
)
def test_band_and_cutoff_boundaries(total: int, band: str, caseness: bool) -> None:
    values = [1] * total + [0] * (10 - total)
    result = DAST10.score_values(values)
    assert (result.total, result.band, result.caseness) == (total, band, caseness)


def test_item_3_is_reverse_keyed() -> None:
    item = DAST10.item(3)
    assert item.reverse_keyed
    assert [(o.label, o.score) for o in item.options] == [("No", 1), ("Yes", 0)]


def test_items_carry_neutral_labels_and_no_wording() -> None:
    assert [i.label for i in DAST10.items] == [f"Item {n}" for n in range(1, 11)]
    assert all(i.text is None for i in DAST10.items)


def test_missing_item_gives_no_total() -> None:
    result = dast10.score([NO] * 9 + [None])
    assert result.total is None
    assert result.reason is not None
    assert "item 10" in result.reason


def test_out_of_range_message_uses_the_neutral_label() -> None:
    with pytest.raises(InvalidAnswers, match=r"DAST-10 item 4: 2 is not one"):
        dast10.score([0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
