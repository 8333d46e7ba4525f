"""The service statistics' arithmetic, checked by hand (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from outcomes import service
from outcomes.calculations import ScorePoint, course_outcome, paired_outcome
from outcomes.definitions import rules_for


def test_wilson_interval_matches_hand_computed_values() -> None:
    # p = 0.5, n = 10, z = 1.96: centre 0.5, half-width 0.2634 (Wilson 1927).
    assert service.wilson(5, 10) == (23.7, 76.3)
    # 0 of 10 still has an upper bound; 10 of 10 a lower one.
    assert service.wilson(0, 10) == (0.0, 27.8)
    assert service.wilson(10, 10) == (72.2, 100.0)
    assert service.wilson(1, 1) == (20.7, 100.0)


def test_wilson_refuses_an_empty_group_or_an_impossible_count() -> None:
    with pytest.raises(ValueError):
        service.wilson(0, 0)
    with pytest.raises(ValueError):
        service.wilson(3, 2)


def test_a_rate_under_the_small_number_threshold_carries_its_interval() -> None:
    nine = service.rate(6, 9)
    assert nine.small and (nine.low, nine.high) == service.wilson(6, 9)
    assert nine.text == f"6 of 9 (95 % CI {nine.low:.0f} %–{nine.high:.0f} %)"
    assert "67 %" not in nine.text  # never a bare percentage


def test_a_rate_at_the_threshold_is_a_percentage_with_its_denominator() -> None:
    ten = service.rate(6, 10)
    assert not ten.small and ten.low is None
    assert ten.text == "60 % (6 of 10)"


def test_the_small_number_threshold_is_configurable() -> None:
    assert service.rate(6, 10, small_below=20).small
    assert not service.rate(6, 9, small_below=5).small


def test_an_empty_group_has_no_rate() -> None:
    empty = service.rate(0, 0)
    assert empty.percent is None and empty.text == "no courses"


@pytest.mark.parametrize(
    ("courses", "hidden"), [(0, False), (1, True), (4, True), (5, False), (50, False)]
)
def test_groups_under_the_minimum_are_suppressed(courses: int, hidden: bool) -> None:
    assert service.suppressed(courses) is hidden


def test_the_suppression_minimum_is_configurable() -> None:
    assert service.suppressed(9, minimum=10)
    assert not service.suppressed(10, minimum=10)


def _outcome(instrument: str, first: float, last: float) -> object:
    rules = rules_for(instrument)
    assert rules is not None
    return course_outcome(
        rules,
        [ScorePoint(date(2026, 1, 5), first, 0), ScorePoint(date(2026, 3, 2), last, 8)],
    )


def test_a_course_with_both_measures_counts_the_nhs_pair() -> None:
    depression = _outcome("phq9", 14, 6)
    anxiety = _outcome("gad7", 12, 9)  # still a case on the GAD-7: not recovered
    figures = service.course_figures(
        depression,
        anxiety,
        paired_outcome(depression, anxiety),  # type: ignore[arg-type]
    )
    assert figures.measure == "paired"
    assert figures.caseness is True
    assert figures.recovery is False
    assert figures.reliable_improvement is True
    assert figures.baseline_severity == 14


def test_a_course_with_one_measure_counts_that_measure() -> None:
    depression = _outcome("phq9", 12, 4)
    figures = service.course_figures(depression, None, None)  # type: ignore[arg-type]
    assert figures.measure == "phq9"
    assert figures.recovery is True
    assert figures.reliable_recovery is True
    assert figures.reliable_deterioration is False


def test_a_course_below_caseness_does_not_count_for_recovery() -> None:
    depression = _outcome("phq9", 8, 2)
    figures = service.course_figures(depression, None, None)  # type: ignore[arg-type]
    assert figures.caseness is False and figures.recovery is None


def test_a_course_with_one_score_has_no_outcome() -> None:
    rules = rules_for("phq9")
    assert rules is not None
    one = course_outcome(rules, [ScorePoint(date(2026, 1, 5), 15, 0)])
    figures = service.course_figures(one, None, None)
    assert figures.measure == "" and figures.caseness is None
    assert figures.baseline_severity == 15


def test_months_are_added_to_the_last_day_of_a_short_month() -> None:
    assert service.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert service.add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert service.add_months(date(2026, 10, 15), 6) == date(2027, 4, 15)


def test_a_follow_up_counts_from_two_weeks_before_to_four_weeks_after() -> None:
    ended = date(2026, 1, 10)  # three months on: 10 April
    assert service.follow_up_returned(ended, 3, [date(2026, 3, 27)])
    assert not service.follow_up_returned(ended, 3, [date(2026, 3, 26)])
    assert service.follow_up_returned(ended, 3, [date(2026, 5, 8)])
    assert not service.follow_up_returned(ended, 3, [date(2026, 5, 9)])


def test_a_follow_up_is_due_once_its_window_has_closed() -> None:
    ended = date(2026, 1, 10)
    assert not service.follow_up_due(ended, 1, date(2026, 3, 10))
    assert service.follow_up_due(ended, 1, date(2026, 3, 11))
