"""HRSD-17 against the published rules (Hamilton 1960; NINDS/ECDEU text; CamCOPS)."""

from __future__ import annotations

import pytest

from measures.instruments import hrsd17
from measures.instruments.base import InvalidAnswers, Respondent
from measures.tests.instruments.answers import values_for_total

HRSD17 = hrsd17.HRSD17
FOUR_POINT_ITEMS = (1, 2, 3, 7, 8, 9, 10, 11, 15)


def test_is_clinician_rated() -> None:
    assert HRSD17.respondent is Respondent.CLINICIAN_RATED


@pytest.mark.parametrize("number", range(1, 18))
def test_item_ranges(number: int) -> None:
    scores = {o.score for o in HRSD17.item(number).options if o.score is not None}
    expected = set(range(5)) if number in FOUR_POINT_ITEMS else set(range(3))
    assert scores == expected


def test_all_minimum_and_all_maximum() -> None:
    assert hrsd17.score([0] * 17).total == 0
    top = HRSD17.score_values([4 if n in FOUR_POINT_ITEMS else 2 for n in range(1, 18)])
    assert (top.total, top.band) == (52, "very severe")
    assert top.critical == (3,)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (7, "normal / none"),
        (8, "mild"),
        (13, "mild"),
        (14, "moderate"),
        (18, "moderate"),
        (19, "severe"),
        (22, "severe"),
        (23, "very severe"),
    ],
)
def test_band_boundaries(total: int, band: str) -> None:
    result = HRSD17.score_values(values_for_total(HRSD17, total))
    assert (result.total, result.band) == (total, band)
    assert result.caseness is None  # no verified cut-off


@pytest.mark.parametrize(("position", "points"), [(0, 0), (2, 2), (3, 0), (5, 2)])
def test_item_16_by_history_or_by_weighing(position: int, points: int) -> None:
    answers = [0] * 17
    answers[15] = position
    assert hrsd17.score(answers).total == points


def test_item_16_not_assessed_is_not_scored_and_noted() -> None:
    answers = [1] * 17
    answers[15] = 6
    result = hrsd17.score(answers)
    assert result.total == 16
    assert hrsd17.NOT_ASSESSED in result.notes


@pytest.mark.parametrize(("rating", "fired"), [(0, ()), (1, (3,)), (4, (3,))])
def test_suicide_item_is_critical_from_1(rating: int, fired: tuple[int, ...]) -> None:
    answers = [0] * 17
    answers[2] = rating
    assert hrsd17.score(answers).critical == fired


def test_missing_item_gives_no_total() -> None:
    answers: list[int | None] = [0] * 17
    answers[16] = None
    result = hrsd17.score(answers)
    assert result.total is None
    assert result.reason is not None
    assert "item 17 (Insight)" in result.reason


def test_rating_above_an_items_range_is_refused() -> None:
    answers = [0] * 17
    answers[3] = 3  # insomnia items score 0-2
    with pytest.raises(InvalidAnswers, match=r"item 4 \(Insomnia: early\)"):
        hrsd17.score(answers)
