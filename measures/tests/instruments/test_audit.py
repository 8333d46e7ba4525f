"""AUDIT against the WHO manual (Babor et al. 2001): 0/2/4 items, skip rule, zones."""

from __future__ import annotations

import pytest

from measures.instruments import audit
from measures.instruments.base import InvalidAnswers
from measures.tests.instruments.answers import values_for_total

AUDIT = audit.AUDIT


def test_all_minimum_is_zero_zone_i() -> None:
    result = audit.score([0] * 10)
    assert (result.total, result.band, result.caseness) == (0, "Zone I low risk", False)


def test_all_maximum_is_40_with_items_9_and_10_scoring_4() -> None:
    result = audit.score([4] * 8 + [2, 2])
    assert result.total == 40
    assert result.band == "Zone IV possible dependence - specialist assessment"
    assert dict(result.subscales) == {"consumption": 12, "dependence": 12, "harm": 16}


@pytest.mark.parametrize(("position", "points"), [(0, 0), (1, 2), (2, 4)])
def test_items_9_and_10_score_0_2_4(position: int, points: int) -> None:
    answers = [1] + [0] * 7 + [position, position]
    assert audit.score(answers).total == 1 + 2 * points


def test_items_9_and_10_have_only_three_options() -> None:
    with pytest.raises(InvalidAnswers) as excinfo:
        audit.score([1] + [0] * 7 + [3, 0])
    message = str(excinfo.value)
    assert "item 9 (Injury)" in message
    assert "1 = Yes, but not in the last year" in message


@pytest.mark.parametrize(
    ("total", "band", "caseness"),
    [
        (7, "Zone I low risk", False),
        (8, "Zone II hazardous", True),
        (15, "Zone II hazardous", True),
        (16, "Zone III harmful", True),
        (19, "Zone III harmful", True),
        (20, "Zone IV possible dependence - specialist assessment", True),
    ],
)
def test_zone_and_cutoff_boundaries(total: int, band: str, caseness: bool) -> None:
    result = AUDIT.score_values(values_for_total(AUDIT, total))
    assert (result.total, result.band, result.caseness) == (total, band, caseness)


def test_never_drinking_skips_items_2_to_8_which_score_0() -> None:
    # given item 1 "Never", items 2–8 skipped, item 10 "Yes, during the last year"
    answers = [0] + [None] * 7 + [0, 2]
    # when
    result = audit.score(answers)
    # then
    assert result.total == 4
    assert result.reason is None
    assert any("skip rule" in note for note in result.notes)


def test_items_2_and_3_zero_skip_items_4_to_8() -> None:
    result = audit.score([1, 0, 0, None, None, None, None, None, 1, 0])
    assert result.total == 3
    assert dict(result.subscales) == {"consumption": 1, "dependence": 0, "harm": 2}


def test_a_missing_item_outside_the_skip_rule_gives_no_total() -> None:
    result = audit.score([2, 1, 1, None, 0, 0, 0, 0, 0, 0])
    assert result.total is None
    assert result.reason is not None
    assert "item 4 (Unable to stop)" in result.reason
    # complete subscales are still reported
    assert result.subscales["consumption"] == 4
    assert result.subscales["dependence"] is None


def test_dependence_subtotal_of_4_flags_possible_dependence() -> None:
    assert (
        audit.POSSIBLE_DEPENDENCE in audit.score([2, 1, 1, 2, 2, 0, 0, 0, 0, 0]).flags
    )
    assert audit.score([2, 1, 1, 1, 2, 0, 0, 0, 0, 0]).flags == ()


def test_loinc_codes() -> None:
    assert (AUDIT.loinc.panel, AUDIT.loinc.total) == ("72110-0", "75624-7")
    assert [i.loinc for i in AUDIT.items] == [
        "68518-0", "68519-8", "68520-6", "97734-8", "97735-5",
        "97736-3", "97737-1", "97738-9", "97739-7", "97740-5",
    ]  # fmt: skip
