"""GAS T-score against values computed by hand from Kiresuk & Sherman's formula,
T = 50 + 10·Σwx / √((1 − ρ)·Σw² + ρ·(Σw)²), ρ = 0.3."""

from __future__ import annotations

import math

import pytest

from ipt import gas


@pytest.mark.parametrize(
    ("levels", "weights", "expected"),
    [
        # every goal at the expected level: 50 whatever their number
        ([0], None, 50.0),
        ([0, 0, 0], None, 50.0),
        # one goal: the denominator is √(0.7 + 0.3) = 1, so T = 50 + 10x
        ([2], None, 70.0),
        ([-2], None, 30.0),
        ([1], None, 60.0),
        # three goals at +1: 50 + 30/√(2.1 + 2.7) = 50 + 30/2.190890 = 63.6931
        ([1, 1, 1], None, 63.6931),
        # two goals, +2 and −1: 50 + 10/√(1.4 + 1.2) = 50 + 10/1.612452 = 56.2017
        ([2, -1], None, 56.2017),
        # three goals all −1: 50 − 30/2.190890 = 36.3069
        ([-1, -1, -1], None, 36.3069),
        # weights 2 and 1, levels +1 and 0: 50 + 20/√(0.7·5 + 0.3·9) = 50 + 20/2.489980
        ([1, 0], [2, 1], 58.0322),
    ],
)
def test_t_score_matches_the_hand_computed_value(
    levels: list[int], weights: list[float] | None, expected: float
) -> None:
    assert gas.t_score(levels, weights) == pytest.approx(expected, abs=1e-4)


def test_rho_zero_is_the_plain_standardised_sum() -> None:
    # ρ = 0: T = 50 + 10·Σx/√n
    assert gas.t_score([1, 1, 1, 1], rho=0) == pytest.approx(50 + 10 * 4 / math.sqrt(4))


@pytest.mark.parametrize(
    ("levels", "weights", "message"),
    [
        ([], None, "no rated goals"),
        ([3], None, "between −2 and \\+2"),
        ([1, 1], [1], "one weight for each goal"),
        ([1], [0], "positive"),
    ],
)
def test_t_score_refuses_what_it_cannot_summarise(
    levels: list[int], weights: list[float] | None, message: str
) -> None:
    with pytest.raises(gas.InvalidRatings, match=message):
        gas.t_score(levels, weights)


def test_every_level_is_described_in_words() -> None:
    assert sorted(gas.LEVEL_WORDS) == list(gas.LEVELS)
    assert gas.LEVEL_WORDS[0] == "the expected level"
