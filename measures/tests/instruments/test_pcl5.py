"""PCL-5 against the published rules (Blevins et al. 2015; National Center for PTSD)."""

from __future__ import annotations

import pytest

from measures.instruments import pcl5
from measures.instruments.base import InvalidAnswers
from measures.tests.instruments.answers import values_for_total

PCL5 = pcl5.PCL5


def test_all_minimum_and_all_maximum() -> None:
    low = pcl5.score([0] * 20)
    assert (low.total, low.caseness, low.flags) == (0, False, ())
    top = pcl5.score([4] * 20)
    assert (top.total, top.caseness) == (80, True)
    assert dict(top.subscales) == {
        "B_intrusion": 20,
        "C_avoidance": 8,
        "D_cognition_mood": 28,
        "E_arousal": 24,
    }
    assert top.critical == (16,)
    assert top.flags == (pcl5.PROVISIONAL_PTSD,)


@pytest.mark.parametrize(("total", "caseness"), [(30, False), (31, True), (33, True)])
def test_probable_ptsd_cutoff(total: int, caseness: bool) -> None:
    result = PCL5.score_values(values_for_total(PCL5, total))
    assert (result.total, result.caseness) == (total, caseness)
    assert result.band is None  # no official bands


def _with(endorsed: dict[int, int]) -> list[int]:
    answers = [0] * 20
    for number, rating in endorsed.items():
        answers[number - 1] = rating
    return answers


@pytest.mark.parametrize(
    ("endorsed", "provisional"),
    [
        ({1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}, True),  # 1 B, 1 C, 2 D, 2 E
        ({1: 2, 6: 2, 8: 2, 9: 1, 15: 2, 16: 2}, False),  # one D below "Moderately"
        ({1: 4, 2: 4, 8: 4, 9: 4, 15: 4, 16: 4}, False),  # no C symptom
        ({1: 2, 7: 3, 10: 2, 14: 2, 19: 2, 20: 2}, True),
    ],
)
def test_provisional_dsm5_rule(endorsed: dict[int, int], provisional: bool) -> None:
    assert (pcl5.PROVISIONAL_PTSD in pcl5.score(_with(endorsed)).flags) == provisional


@pytest.mark.parametrize(("rating", "fired"), [(2, ()), (3, (16,)), (4, (16,))])
def test_risk_taking_item_is_critical_from_quite_a_bit(
    rating: int, fired: tuple[int, ...]
) -> None:
    assert pcl5.score(_with({16: rating})).critical == fired


def test_missing_item_gives_no_total_but_complete_clusters_stay() -> None:
    answers: list[int | None] = [1] * 20
    answers[6] = None
    result = pcl5.score(answers)
    assert result.total is None
    assert result.subscales["C_avoidance"] is None
    assert result.subscales["B_intrusion"] == 5


def test_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match=r"item 20 \(Sleep\)"):
        pcl5.score([0] * 19 + [5])


def test_reliable_change_is_ncptsds_10_points() -> None:
    assert PCL5.reliable_change is not None
    assert PCL5.reliable_change.points == 10
