"""Reliable change: published thresholds first, Jacobson-Truax where SD and
reliability are known (Jacobson & Truax 1991)."""

from __future__ import annotations

import math

import pytest

from measures.instruments import get
from measures.instruments.change import (
    Direction,
    jacobson_truax_index,
    jacobson_truax_threshold,
    reliable_change,
)


def test_jacobson_truax_worked_example() -> None:
    # s1 = 5, r = 0.84: SE = 2.0, S_diff = 2.83, threshold 5.54 points
    assert math.isclose(jacobson_truax_threshold(5, 0.84), 1.96 * math.sqrt(8))
    assert round(jacobson_truax_threshold(5, 0.84), 2) == 5.54
    assert round(jacobson_truax_index(20, 14, 5, 0.84), 3) == round(
        -6 / math.sqrt(8), 3
    )


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [
        (18, 12, Direction.IMPROVED),  # exactly 6: reliable
        (18, 13, Direction.NO_RELIABLE_CHANGE),
        (12, 18, Direction.DETERIORATED),
        (12, 12, Direction.NO_RELIABLE_CHANGE),
    ],
)
def test_phq9_uses_the_nhs_threshold_of_6(
    before: int, after: int, direction: Direction
) -> None:
    change = reliable_change(get("phq9"), before, after)
    assert change.direction is direction
    assert change.threshold == 6
    assert change.difference == after - before


@pytest.mark.parametrize(
    ("before", "after", "reliable"), [(12, 8, True), (12, 9, False)]
)
def test_gad7_uses_4(before: int, after: int, reliable: bool) -> None:
    change = reliable_change(get("gad7"), before, after)
    assert (change.direction is Direction.IMPROVED) == reliable


def test_takes_scores_as_well_as_totals() -> None:
    phq9 = get("phq9")
    change = reliable_change(phq9, phq9.score([2] * 9), phq9.score([1] * 9))
    assert (change.before, change.after, change.direction) == (
        18,
        9,
        Direction.IMPROVED,
    )


def test_refuses_a_score_of_another_instrument() -> None:
    with pytest.raises(ValueError, match="gad7 score cannot be compared on phq9"):
        reliable_change(get("phq9"), get("gad7").score([0] * 7), 3)


def test_missing_total_gives_no_direction() -> None:
    change = reliable_change(get("phq9"), None, 10)
    assert change.direction is None
    assert change.reason


def test_without_a_published_threshold_it_asks_for_sd_and_reliability() -> None:
    change = reliable_change(get("hrsd17"), 20, 10)
    assert change.direction is None
    assert change.reason is not None
    assert "SD and reliability" in change.reason


def test_jacobson_truax_decides_when_sd_and_reliability_are_given() -> None:
    # threshold 5.54 with SD 5 and r 0.84
    hrsd = get("hrsd17")
    assert reliable_change(hrsd, 20, 14, sd=5, reliability=0.84).direction is (
        Direction.IMPROVED
    )
    small = reliable_change(hrsd, 20, 15, sd=5, reliability=0.84)
    assert small.direction is Direction.NO_RELIABLE_CHANGE
    assert small.threshold == 5.544
    assert small.rci is not None


def test_wsas_uses_its_stored_reliability_with_the_services_sd() -> None:
    change = reliable_change(get("wsas"), 30, 15, sd=9)
    # r = 0.73, SD 9: threshold about 13 points
    assert change.threshold is not None
    assert round(change.threshold) == 13
    assert change.direction is Direction.IMPROVED


def test_direction_follows_polarity_for_mspss_where_higher_is_better() -> None:
    mspss = get("mspss")
    up = reliable_change(mspss, 2.0, 5.0, sd=1.0, reliability=0.85)
    assert up.direction is Direction.IMPROVED
    down = reliable_change(mspss, 5.0, 2.0, sd=1.0, reliability=0.85)
    assert down.direction is Direction.DETERIORATED


@pytest.mark.parametrize(("sd", "reliability"), [(0, 0.8), (5, 1.0), (5, -0.1)])
def test_impossible_parameters_are_refused(sd: float, reliability: float) -> None:
    with pytest.raises(ValueError):
        jacobson_truax_threshold(sd, reliability)
