"""C-SSRS screener: scoring only, no wording; critical items per platform policy."""

from __future__ import annotations

import pytest

from measures.instruments import cssrs

NO, YES = 0, 1


def test_all_no_is_quiet_but_never_presented_as_a_risk_level() -> None:
    result = cssrs.score([NO] * 7)
    assert result.critical == ()
    assert (result.total, result.band, result.caseness) == (None, None, None)
    assert result.reason


@pytest.mark.parametrize("item", [4, 5])
def test_intent_or_plan_is_critical(item: int) -> None:
    answers: list[int | None] = [YES, YES, YES, NO, NO, NO, None]
    answers[item - 1] = YES
    assert cssrs.score(answers).critical == (item,)


@pytest.mark.parametrize(("recent", "fired"), [(YES, (6,)), (None, (6,)), (NO, ())])
def test_behaviour_is_critical_when_recent_or_its_timing_unknown(
    recent: int | None, fired: tuple[int, ...]
) -> None:
    result = cssrs.score([NO, NO, None, None, None, YES, recent])
    assert result.critical == fired
    assert cssrs.BEHAVIOUR_REPORTED in result.flags


def test_ideation_alone_is_flagged_not_critical() -> None:
    result = cssrs.score([YES, NO, None, None, None, NO, None])
    assert result.critical == ()
    assert result.flags == (cssrs.IDEATION,)


def test_no_wording_is_shipped() -> None:
    assert all(item.text is None for item in cssrs.CSSRS.items)
    assert cssrs.CSSRS.licence.ship_text is False
