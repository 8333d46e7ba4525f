"""UCLA-3 against Hughes et al. 2004: three items scored 1-3, total 3-9."""

from __future__ import annotations

import pytest

from measures.instruments import ucla3
from measures.instruments.base import InvalidAnswers


@pytest.mark.parametrize(
    ("answers", "total"),
    [([0, 0, 0], 3), ([1, 1, 1], 6), ([2, 2, 2], 9), ([2, 0, 1], 6)],
)
def test_sum_of_1_to_3_per_item(answers: list[int], total: int) -> None:
    result = ucla3.score(answers)
    assert result.total == total
    # no validated cut-off or bands
    assert (result.band, result.caseness) == (None, None)


def test_missing_item_gives_no_total() -> None:
    result = ucla3.score([1, None, 1])
    assert result.total is None
    assert result.reason


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match=r"item 3 \(Isolated\).*2 = Often"):
        ucla3.score([0, 0, 3])
