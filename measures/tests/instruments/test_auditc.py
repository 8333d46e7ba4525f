"""AUDIT-C: items 1–3 of the AUDIT, positive at 4+ for men and 3+ for women."""

from __future__ import annotations

import pytest

from measures.instruments import auditc


def test_all_minimum_and_maximum() -> None:
    assert auditc.score([0, 0, 0]).total == 0
    assert auditc.score([4, 4, 4]).total == 12


@pytest.mark.parametrize(
    ("answers", "total", "caseness"),
    [
        ([1, 1, 0], 2, False),  # negative for everyone
        ([2, 0, 1], 3, None),  # positive for women only: sex decides
        ([2, 1, 1], 4, True),  # positive for everyone
    ],
)
def test_caseness_around_the_sex_specific_cutoffs(
    answers: list[int], total: int, caseness: bool | None
) -> None:
    result = auditc.score(answers)
    assert (result.total, result.caseness) == (total, caseness)
    assert (auditc.SEX_DEPENDENT in result.notes) == (total == 3)


def test_points_only_from_item_1_are_noted() -> None:
    assert auditc.ITEM1_ONLY in auditc.score([4, 0, 0]).notes
    assert auditc.ITEM1_ONLY not in auditc.score([4, 1, 0]).notes


def test_never_drinking_lets_items_2_and_3_be_skipped() -> None:
    result = auditc.score([0, None, None])
    assert (result.total, result.caseness) == (0, False)


def test_missing_item_otherwise_gives_no_total() -> None:
    result = auditc.score([2, None, 1])
    assert result.total is None
    assert result.caseness is None
    assert result.reason


def test_loinc_codes() -> None:
    loinc = auditc.AUDITC.loinc
    assert (loinc.panel, loinc.total) == ("72109-2", "75626-2")
    assert auditc.AUDITC.item(1).loinc == "68518-0"  # not US Core's 68517-2
