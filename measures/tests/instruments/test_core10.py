"""CORE-10 against the CORE System Trust rules: items 2-3 reversed, pro-rating with one
item missing, item 6 the risk item."""

from __future__ import annotations

import pytest

from measures.instruments import core10
from measures.instruments.base import InvalidAnswers

CORE10 = core10.CORE10


def test_all_first_options_score_8_because_items_2_and_3_are_reversed() -> None:
    # "Not at all" everywhere: 0 on eight items, 4 on items 2 and 3
    result = core10.score([0] * 10)
    assert result.total == 8
    assert result.critical == ()


def test_all_last_options_score_32() -> None:
    assert core10.score([4] * 10).total == 32


def test_lowest_and_highest_possible_totals() -> None:
    low = [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]
    high = [4, 0, 0, 4, 4, 4, 4, 4, 4, 4]
    assert core10.score(low).total == 0
    assert core10.score(high).total == 40


@pytest.mark.parametrize(
    ("position", "points"), [(0, 4), (1, 3), (2, 2), (3, 1), (4, 0)]
)
@pytest.mark.parametrize("item", [2, 3])
def test_reversed_items(item: int, position: int, points: int) -> None:
    answers = [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]
    answers[item - 1] = position
    assert core10.score(answers).total == points
    assert CORE10.item(item).reverse_keyed


def test_one_missing_item_is_pro_rated() -> None:
    # nine answered items summing 17: 10 x 17 / 9 = 18.9
    answers: list[int | None] = [2, 2, 2, 2, 2, 2, 2, 2, 1, None]
    answers[1] = 2  # reversed: scores 2
    answers[2] = 2
    result = core10.score(answers)
    assert result.total == 18.9
    assert result.notes
    assert "item 10" in result.notes[0]


def test_two_missing_items_give_no_total() -> None:
    result = core10.score([1, 1, 1, 1, 1, 1, 1, 1, None, None])
    assert result.total is None
    assert result.reason is not None
    assert "at most 1 item missing" in result.reason


@pytest.mark.parametrize(("position", "fired"), [(0, ()), (1, (6,)), (4, (6,))])
def test_item_6_is_the_risk_item(position: int, fired: tuple[int, ...]) -> None:
    answers = [0, 4, 4, 0, 0, position, 0, 0, 0, 0]
    assert core10.score(answers).critical == fired


def test_cutoff_bands_and_reliable_change_are_left_unset_until_verified() -> None:
    assert CORE10.caseness is None
    assert CORE10.bands == ()
    assert CORE10.reliable_change is None


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="4 = Most or all of the time"):
        core10.score([5] + [0] * 9)
