"""WSAS scoring (Mundt et al. 2002) and the NHS Data Dictionary missing-value rule."""

from __future__ import annotations

import pytest

from measures.instruments import wsas
from measures.instruments.base import InvalidAnswers

WSAS = wsas.WSAS
NOT_APPLICABLE = 9


def test_all_minimum_and_maximum() -> None:
    assert (wsas.score([0] * 5).total, wsas.score([0] * 5).band) == (0, "subclinical")
    top = wsas.score([8] * 5)
    assert (top.total, top.band) == (40, "moderately severe or worse psychopathology")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (9, "subclinical"),
        (10, "significant functional impairment, less severe symptoms"),
        (20, "significant functional impairment, less severe symptoms"),
        (21, "moderately severe or worse psychopathology"),
    ],
)
def test_band_boundaries(total: int, band: str) -> None:
    values = [min(8, max(0, total - 8 * n)) for n in range(5)]
    result = WSAS.score_values(values)
    assert (result.total, result.band) == (total, band)


def test_work_not_applicable_is_replaced_by_the_mean_of_the_others() -> None:
    # 4 + 5 + 6 + 5 = 20, mean 5: total 25
    result = wsas.score([NOT_APPLICABLE, 4, 5, 6, 5])
    assert result.total == 25
    assert result.reason is None
    assert result.notes


def test_one_missing_item_is_replaced_by_the_mean_of_the_others() -> None:
    # 2 + 3 + 2 + 2 = 9, mean 2.25: total 11.25
    assert wsas.score([2, 3, None, 2, 2]).total == 11.25


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (9.75, "subclinical"),  # below 10
        (20.25, "moderately severe or worse psychopathology"),  # above 20
    ],
)
def test_fractional_totals_fall_in_mundts_bands(total: float, band: str) -> None:
    assert WSAS.band_for(total) == band


@pytest.mark.parametrize(
    "answers", [[NOT_APPLICABLE, None, 1, 1, 1], [1, None, None, 1, 1]]
)
def test_more_than_one_missing_value_disregards_the_questionnaire(
    answers: list[int | None],
) -> None:
    result = wsas.score(answers)
    assert result.total is None
    assert result.reason is not None
    assert "NHS Data Dictionary" in result.reason


def test_only_the_work_item_may_be_not_applicable() -> None:
    with pytest.raises(InvalidAnswers, match="WSAS item 2: 9 is not one"):
        wsas.score([0, NOT_APPLICABLE, 0, 0, 0])


def test_no_item_wording_is_shipped() -> None:
    assert all(item.text is None for item in WSAS.items)
    assert WSAS.licence.ship_text is False
