"""GAD-7 against the published rules (Spitzer et al. 2006; NHS Talking Therapies)."""

from __future__ import annotations

import pytest

from measures.instruments import gad7
from measures.instruments.base import InvalidAnswers
from measures.tests.instruments.answers import values_for_total

GAD7 = gad7.GAD7


def test_all_minimum_and_all_maximum() -> None:
    assert gad7.score([0] * 7).total == 0
    top = gad7.score([3] * 7)
    assert (top.total, top.band, top.caseness) == (21, "severe", True)
    assert top.critical == ()


@pytest.mark.parametrize(
    ("total", "band", "caseness"),
    [
        (4, "minimal", False),
        (5, "mild", False),
        (7, "mild", False),
        (8, "mild", True),  # NHS Talking Therapies caseness is 8, not the screen's 10
        (9, "mild", True),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
    ],
)
def test_band_and_caseness_boundaries(total: int, band: str, caseness: bool) -> None:
    result = GAD7.score_values(values_for_total(GAD7, total))
    assert (result.total, result.band, result.caseness) == (total, band, caseness)


def test_lowest_option_is_not_at_all_not_not_at_all_sure() -> None:
    assert GAD7.item(1).options[0].label == "Not at all"


def test_reliable_change_is_4() -> None:
    assert GAD7.reliable_change is not None
    assert GAD7.reliable_change.points == 4


def test_three_missing_answers_give_no_total() -> None:
    result = gad7.score([0, 0, 0, None, None, None, 0])
    assert result.total is None
    assert result.reason is not None
    assert "item 4 (Trouble relaxing)" in result.reason


@pytest.mark.parametrize(
    ("answers", "total", "answered"),
    [
        ([1, 2, 1, 2, 1, 2, 1], 10, 7),  # complete: the plain sum
        ([1, 2, 1, None, 1, 2, 1], 9, 6),  # 8 / 6 × 7 = 9.33 → 9
        ([3, 2, 3, None, None, 2, 3], 18, 5),  # 13 / 5 × 7 = 18.2 → 18 (the limit)
    ],
)
def test_one_or_two_missing_are_prorated_from_the_mean_of_the_answered(
    answers: list[int | None], total: int, answered: int
) -> None:
    result = gad7.score(answers)
    assert result.total == total
    assert result.answered == answered
    if answered < 7:
        assert f"prorated from {answered} of 7 items" in result.notes[0]


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match=r"item 7 \(Afraid\)"):
        gad7.score([0, 0, 0, 0, 0, 0, 9])


def test_loinc_codes() -> None:
    assert (GAD7.loinc.panel, GAD7.loinc.total) == ("69737-5", "70274-6")
    assert [i.loinc for i in GAD7.items] == [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ]  # fmt: skip
