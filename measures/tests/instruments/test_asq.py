"""ASQ against the NIMH toolkit: yes to 1-4, or a refusal, is positive; question 5
separates acute from non-acute."""

from __future__ import annotations

import pytest

from measures.instruments import asq
from measures.instruments.base import InvalidAnswers

NO, YES = 0, 1


def test_no_to_all_four_is_negative() -> None:
    result = asq.score([NO, NO, NO, NO, None])
    assert (result.total, result.band, result.caseness) == (None, asq.NEGATIVE, False)
    assert result.critical == ()


@pytest.mark.parametrize("item", [1, 2, 3, 4])
def test_yes_to_any_of_1_to_4_with_no_to_5_is_non_acute_positive(item: int) -> None:
    answers: list[int | None] = [NO, NO, NO, NO, NO]
    answers[item - 1] = YES
    result = asq.score(answers)
    assert (result.band, result.caseness) == (asq.NON_ACUTE, True)
    assert result.critical == (item,)


def test_yes_to_5_is_acute_positive() -> None:
    result = asq.score([YES, NO, YES, NO, YES])
    assert (result.band, result.caseness) == (asq.ACUTE, True)
    assert result.critical == (1, 3, 5)


def test_a_refused_question_counts_as_positive() -> None:
    result = asq.score([NO, None, NO, NO, NO])
    assert (result.band, result.caseness) == (asq.NON_ACUTE, True)
    assert result.critical == (2,)
    assert result.notes


def test_positive_screen_without_question_5_says_acuity_not_assessed() -> None:
    result = asq.score([YES, NO, NO, NO, None])
    assert (result.band, result.caseness) == (asq.ACUITY_UNKNOWN, True)


def test_all_maximum() -> None:
    result = asq.score([YES] * 5)
    assert result.critical == (1, 2, 3, 4, 5)
    assert result.band == asq.ACUTE


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="0 = No, 1 = Yes"):
        asq.score([2, 0, 0, 0, 0])
