"""PHQ-9 against the published rules (Kroenke et al. 2001; NHS Talking Therapies)."""

from __future__ import annotations

import pytest

from measures.instruments import phq9
from measures.instruments.base import InvalidAnswers
from measures.tests.instruments.answers import values_for_total

PHQ9 = phq9.PHQ9


def test_all_minimum_scores_zero_and_minimal() -> None:
    result = phq9.score([0] * 9)
    assert (result.total, result.band, result.caseness) == (0, "minimal", False)
    assert result.critical == ()
    assert result.flags == ()


def test_all_maximum_scores_27_and_severe_with_item_9_critical() -> None:
    result = phq9.score([3] * 9)
    assert (result.total, result.band, result.caseness) == (27, "severe", True)
    assert result.critical == (9,)


@pytest.mark.parametrize(
    ("total", "band", "caseness"),
    [
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),  # NHS Talking Therapies caseness starts at 10
        (14, "moderate", True),
        (15, "moderately severe", True),
        (19, "moderately severe", True),
        (20, "severe", True),
    ],
)
def test_band_and_caseness_boundaries(total: int, band: str, caseness: bool) -> None:
    # given answers adding up to the total, item 9 kept at 0
    values = values_for_total(PHQ9, total)
    # when
    result = PHQ9.score_values(values)
    # then
    assert (result.total, result.band, result.caseness) == (total, band, caseness)


@pytest.mark.parametrize(
    ("answer", "fired"), [(0, ()), (1, (9,)), (2, (9,)), (3, (9,))]
)
def test_item_9_fires_at_any_frequency_even_with_a_low_total(
    answer: int, fired: tuple[int, ...]
) -> None:
    result = phq9.score([0] * 8 + [answer])
    assert result.critical == fired
    assert result.band == "minimal"


def test_item_9_fires_even_when_the_total_cannot_be_computed() -> None:
    result = phq9.score([None, None, None, 0, 0, 0, 0, 0, 2])
    assert result.total is None
    assert result.critical == (9,)


def test_three_missing_answers_give_no_total_and_say_why() -> None:
    result = phq9.score([1, 1, None, 1, None, 1, None, 1, 1])
    assert result.total is None
    assert result.band is None
    assert result.caseness is None
    assert result.reason is not None
    assert "item 3 (Sleep)" in result.reason
    assert "at most 2 items missing (NHS Data Dictionary)" in result.reason
    assert result.answered == 6


@pytest.mark.parametrize(
    ("answers", "total", "answered"),
    [
        # NHS Data Dictionary: each missing item takes the mean of the answered ones
        ([1, 1, None, 1, 1, 1, 1, 1, 1], 9, 8),  # 8 / 8 × 9 = 9
        ([2, 1, None, 1, 1, 1, 1, 1, 0], 9, 8),  # 8 / 8 × 9 = 9: below caseness
        ([2, 2, None, 1, 1, 1, 1, 1, 0], 10, 8),  # 9 / 8 × 9 = 10.1 → 10: caseness
        ([3, 3, None, None, 3, 3, 3, 3, 0], 23, 7),  # 18 / 7 × 9 = 23.1 (the limit)
    ],
)
def test_one_or_two_missing_are_prorated_from_the_mean_of_the_answered(
    answers: list[int | None], total: int, answered: int
) -> None:
    result = phq9.score(answers)
    assert result.total == total
    assert result.answered == answered
    assert f"prorated from {answered} of 9 items" in result.notes[0]
    assert result.flags == ()  # the syndrome algorithm needs every answer


def test_an_unanswered_item_9_is_never_hidden_by_prorating() -> None:
    result = phq9.score([0, 0, 0, 0, 0, 0, 0, 0, None])
    assert result.total == 0
    assert result.critical == (9,)  # reaches the clinician as a risk question


def test_reliable_change_is_6_and_caseness_10() -> None:
    assert PHQ9.reliable_change is not None
    assert PHQ9.reliable_change.points == 6
    assert PHQ9.caseness is not None
    assert PHQ9.caseness.value == 10


@pytest.mark.parametrize(
    ("answers", "flag"),
    [
        # 5 symptoms at "more than half the days", including item 1
        ([2, 0, 2, 2, 2, 2, 0, 0, 0], phq9.MAJOR_DEPRESSIVE_SYNDROME),
        # item 9 counts at "several days"
        ([0, 2, 2, 2, 2, 0, 0, 0, 1], phq9.MAJOR_DEPRESSIVE_SYNDROME),
        # 5 symptoms but neither item 1 nor 2: no syndrome
        ([1, 1, 2, 2, 2, 2, 2, 0, 0], None),
        # item 2 plus 2 others: other depressive syndrome
        ([0, 3, 2, 2, 0, 0, 0, 0, 0], phq9.OTHER_DEPRESSIVE_SYNDROME),
        ([0, 3, 0, 0, 0, 0, 0, 0, 0], None),
    ],
)
def test_provisional_syndrome_flags(answers: list[int], flag: str | None) -> None:
    result = phq9.score(answers)
    assert result.flags == ((flag,) if flag else ())


@pytest.mark.parametrize("bad", [4, -1])
def test_out_of_range_answer_is_refused_naming_item_and_options(bad: int) -> None:
    with pytest.raises(InvalidAnswers) as excinfo:
        phq9.score([0, 0, 0, 0, bad, 0, 0, 0, 0])
    message = str(excinfo.value)
    assert "item 5 (Appetite)" in message
    assert "0 = Not at all" in message
    assert "3 = Nearly every day" in message


def test_wrong_number_of_answers_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="9 items; got 8"):
        phq9.score([0] * 8)


def test_difficulty_question_is_carried_but_not_scored() -> None:
    (difficulty,) = PHQ9.extra_items
    assert difficulty.loinc == "69722-7"
    assert all(option.score is None for option in difficulty.options)


def test_loinc_codes() -> None:
    assert (PHQ9.loinc.panel, PHQ9.loinc.total) == ("44249-1", "44261-6")
    assert [item.loinc for item in PHQ9.items] == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
        "44258-2", "44252-5", "44253-3", "44260-8",
    ]  # fmt: skip
    assert [o.loinc for o in PHQ9.item(1).options] == [
        "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9",
    ]  # fmt: skip
