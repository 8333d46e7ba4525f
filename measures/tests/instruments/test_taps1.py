"""TAPS-1: any use other than "Never" is a positive screen (NIDA; Gryczynski 2017)."""

from __future__ import annotations

import pytest

from measures.instruments import taps1
from measures.instruments.base import InvalidAnswers

NEVER, MONTHLY, DAILY = 0, 2, 4


def test_never_everything_is_a_negative_screen() -> None:
    # given a man: item 2 asked, item 3 not
    result = taps1.score([NEVER, NEVER, None, NEVER, NEVER])
    assert (result.total, result.band, result.caseness) == (None, taps1.NEGATIVE, False)
    assert dict(result.subscales) == {
        "tobacco": 0,
        "alcohol": 0,
        "drugs": 0,
        "prescription": 0,
    }


def test_daily_everything_is_positive_with_every_substance_flagged() -> None:
    result = taps1.score([DAILY, None, DAILY, DAILY, DAILY])
    assert (result.band, result.caseness) == (taps1.POSITIVE, True)
    assert result.flags == (
        "tobacco_use",
        "alcohol_use",
        "drugs_use",
        "prescription_use",
    )


@pytest.mark.parametrize("item", [1, 2, 3, 4, 5])
def test_any_frequency_above_never_on_any_item_is_positive(item: int) -> None:
    answers: list[int | None] = [NEVER, NEVER, None, NEVER, NEVER]
    answers[item - 1] = 1  # less than monthly
    assert taps1.score(answers).caseness is True


def test_a_positive_answer_decides_the_screen_whatever_is_missing() -> None:
    result = taps1.score([None, None, None, MONTHLY, None])
    assert result.caseness is True
    assert result.subscales["drugs"] == MONTHLY
    assert result.subscales["tobacco"] is None


def test_no_use_reported_with_a_gap_leaves_the_screen_undecided() -> None:
    result = taps1.score([NEVER, None, None, NEVER, NEVER])
    assert result.caseness is None
    assert result.reason is not None
    assert "alcohol" in result.reason


def test_alcohol_uses_whichever_item_was_asked() -> None:
    assert taps1.score([0, None, 3, 0, 0]).subscales["alcohol"] == 3
    assert taps1.score([0, 2, None, 0, 0]).subscales["alcohol"] == 2


def test_loinc_codes_follow_the_us_core_panel() -> None:
    assert taps1.TAPS1.loinc.panel == "96841-2"
    assert [i.loinc for i in taps1.TAPS1.items] == [
        "96842-0", "88037-7", "75889-6", "96843-8", "96844-6",
    ]  # fmt: skip


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match=r"item 4 \(Drugs\).*4 = Daily or almost"):
        taps1.score([0, 0, None, 5, 0])
