"""MSPSS against the author's scoring sheet (Zimet et al. 1988; 2016): means."""

from __future__ import annotations

import pytest

from measures.instruments import mspss
from measures.instruments.base import InvalidAnswers

MSPSS = mspss.MSPSS


def test_all_minimum_is_mean_1_low() -> None:
    result = mspss.score([0] * 12)  # position 0 = "Very Strongly Disagree" = 1
    assert (result.total, result.band) == (1.0, "low")
    assert dict(result.subscales) == {
        "significant_other": 1.0,
        "family": 1.0,
        "friends": 1.0,
    }


def test_all_maximum_is_mean_7_high() -> None:
    result = mspss.score([6] * 12)
    assert (result.total, result.band) == (7.0, "high")


def test_total_and_subscales_are_means_of_the_right_items() -> None:
    # significant other 1,2,5,10 = 7; family 3,4,8,11 = 4; friends 6,7,9,12 = 1
    values = [7, 7, 4, 4, 7, 1, 1, 4, 1, 7, 4, 1]
    result = MSPSS.score_values(values)
    assert result.total == 4.0
    assert dict(result.subscales) == {
        "significant_other": 7.0,
        "family": 4.0,
        "friends": 1.0,
    }


@pytest.mark.parametrize(
    ("item_sum", "total", "band"),
    [
        (34, 2.83, "low"),
        (35, 2.92, "low"),  # 2.917 rounds to 2.9: the author's "1-2.9"
        (36, 3.0, "moderate"),
        (60, 5.0, "moderate"),
        (61, 5.08, "high"),  # 5.083 rounds to 5.1: the author's "5.1-7"
        (62, 5.17, "high"),
    ],
)
def test_band_boundaries_read_at_one_decimal(
    item_sum: int, total: float, band: str
) -> None:
    values = [item_sum // 12 + (1 if n < item_sum % 12 else 0) for n in range(12)]
    result = MSPSS.score_values(values)
    assert (result.total, result.band) == (total, band)


def test_higher_is_better_and_there_is_no_cutoff() -> None:
    assert MSPSS.higher_is_worse is False
    assert mspss.score([3] * 12).caseness is None


def test_missing_item_gives_no_total_but_complete_subscales_stay() -> None:
    answers: list[int | None] = [4] * 12
    answers[2] = None  # a family item
    result = mspss.score(answers)
    assert result.total is None
    assert result.subscales["family"] is None
    assert result.subscales["friends"] == 5.0


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="6 = Very Strongly Agree"):
        mspss.score([7] * 12)
