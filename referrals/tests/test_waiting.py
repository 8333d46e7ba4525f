"""The waiting-time arithmetic, against cases worked out by hand (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from referrals.waiting import (
    ALL_SITES,
    MonthFigures,
    Snapshot,
    Start,
    age_text,
    age_text_changes_at,
    contact_due_on,
    days_waited,
    started_on,
    unreachable_after,
    waiting_snapshot,
    waiting_time_figures,
    weeks_text,
)

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, d) for d in range(2, 9))


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (MON, 1, TUE),
        (THU, 1, FRI),
        (FRI, 1, date(2026, 3, 9)),  # the weekend is skipped: Monday
        (SAT, 1, date(2026, 3, 9)),
        (SUN, 1, date(2026, 3, 9)),
        (THU, 2, date(2026, 3, 9)),
        (FRI, 5, date(2026, 3, 13)),
        (WED, 0, WED),
        (SAT, 0, date(2026, 3, 9)),
    ],
)
def test_the_contact_day_counts_working_days_only(
    received: date, days: int, due: date
) -> None:
    assert contact_due_on(received, days) == due


def test_closed_days_are_skipped_like_weekends() -> None:
    good_friday, easter_monday = date(2026, 4, 3), date(2026, 4, 6)
    assert contact_due_on(date(2026, 4, 2), 1, [good_friday, easter_monday]) == date(
        2026, 4, 7
    )


def test_a_negative_target_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        contact_due_on(MON, -1)


def test_waits_are_whole_days_and_never_negative() -> None:
    assert days_waited(date(2026, 1, 1), date(2026, 2, 12)) == 42
    with pytest.raises(ValueError, match="before the referral"):
        days_waited(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "0 days"),
        (1, "1 day"),
        (7, "1 week"),
        (44, "6 weeks 2 days"),
        (126, "18 weeks"),
    ],
)
def test_waits_read_as_staff_say_them(days: int, text: str) -> None:
    assert weeks_text(days) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (30, "0 min"),
        (40 * 60, "40 min"),
        (5 * 3600 + 59, "5 h"),
        (24 * 3600, "1 day"),
        (51 * 3600, "2 days 3 h"),
    ],
)
def test_the_age_of_a_request_reads_plainly(seconds: int, text: str) -> None:
    assert age_text(seconds) == text


@pytest.mark.parametrize(
    "seconds", [-5, 0, 30, 59.9, 60, 40 * 60 + 1, 3599, 3600, 5 * 3600 + 59, 51 * 3600]
)
def test_the_age_reads_the_same_until_it_changes(seconds: float) -> None:
    """A kept queue ends when the first age on it next reads otherwise, and not before
    (decisions/0068)."""
    changes = age_text_changes_at(seconds)
    assert changes > seconds
    assert age_text(changes - 0.001) == age_text(max(seconds, 0))
    assert age_text(changes) != age_text(seconds)


def _start(site: str, started: date, waited: int) -> Start:
    """Someone who started on ``started`` after waiting ``waited`` days."""
    from datetime import timedelta

    return Start(site, started - timedelta(days=waited), started)


def test_a_month_of_four_people_worked_by_hand() -> None:
    """North, starts in March 2026: waits of 10, 42, 43 and 130 days.
    Within 6 weeks (≤ 42 days): 10 and 42 → 2 of 4 = 50 %, below 75 %.
    Within 18 weeks (≤ 126 days): 10, 42 and 43 → 3 of 4 = 75 %, below 95 %."""
    starts = [
        Start("North", date(2026, 2, 26), date(2026, 3, 8)),  # 10 days
        Start("North", date(2026, 1, 30), date(2026, 3, 13)),  # 42 days
        Start("North", date(2026, 1, 30), date(2026, 3, 14)),  # 43 days
        Start("North", date(2025, 11, 1), date(2026, 3, 11)),  # 130 days
    ]
    [row] = waiting_time_figures(starts)
    assert row == MonthFigures("North", date(2026, 3, 1), 4, 2, 3)
    assert (row.percent_6_weeks, row.percent_18_weeks) == (50.0, 75.0)
    assert not row.meets_6_week_standard
    assert not row.meets_18_week_standard


def test_exactly_three_in_four_meets_the_six_week_standard() -> None:
    starts = [_start("North", date(2026, 3, 20), w) for w in (1, 2, 42, 43)]
    [row] = waiting_time_figures(starts)
    assert row.within_6_weeks == 3
    assert row.percent_6_weeks == 75.0
    assert row.meets_6_week_standard
    assert row.meets_18_week_standard  # 4 of 4


def test_nineteen_in_twenty_meets_the_eighteen_week_standard_and_eighteen_does_not() -> (
    None
):
    on_time = [_start("North", date(2026, 5, 15), 100) for _ in range(19)]
    late = [_start("North", date(2026, 5, 15), 127)]
    [row] = waiting_time_figures(on_time + late)
    assert (row.started, row.within_18_weeks, row.percent_18_weeks) == (20, 19, 95.0)
    assert row.meets_18_week_standard
    [row] = waiting_time_figures(on_time[:18] + late * 2)
    assert (row.within_18_weeks, row.percent_18_weeks) == (18, 90.0)
    assert not row.meets_18_week_standard


def test_figures_are_by_site_and_month_with_a_service_row_first() -> None:
    """North: 1 start in January (5 days), 2 in February (50 and 7 days).
    South: 1 start in February (200 days).
    All sites, February: 3 starts, within 6 weeks 1 (7 days), within 18 weeks 2."""
    starts = [
        Start("North", date(2026, 1, 1), date(2026, 1, 6)),
        Start("North", date(2025, 12, 20), date(2026, 2, 8)),
        Start("North", date(2026, 2, 1), date(2026, 2, 8)),
        Start("South", date(2025, 7, 20), date(2026, 2, 5)),
    ]
    rows = waiting_time_figures(starts)
    assert rows == [
        MonthFigures(ALL_SITES, date(2026, 1, 1), 1, 1, 1),
        MonthFigures(ALL_SITES, date(2026, 2, 1), 3, 1, 2),
        MonthFigures("North", date(2026, 1, 1), 1, 1, 1),
        MonthFigures("North", date(2026, 2, 1), 2, 1, 2),
        MonthFigures("South", date(2026, 2, 1), 1, 0, 0),
    ]
    assert rows[1].percent_6_weeks == 33.3
    assert rows[1].percent_18_weeks == 66.7


def test_one_site_has_no_service_row_and_nobody_means_no_rows() -> None:
    rows = waiting_time_figures([_start("North", date(2026, 1, 1), 3)])
    assert [row.site for row in rows] == ["North"]
    assert waiting_time_figures([]) == []
    assert MonthFigures("North", date(2026, 1, 1), 0, 0, 0).percent_6_weeks == 0.0


def test_the_snapshot_counts_waits_already_past_the_standards() -> None:
    today = date(2026, 6, 1)
    waiting = [
        ("North", date(2026, 5, 25)),  # 7 days
        ("North", date(2026, 4, 20)),  # 42 days: not yet over 6 weeks
        ("North", date(2026, 4, 19)),  # 43 days: over 6 weeks
        ("South", date(2026, 1, 25)),  # 127 days: over 18 weeks too
    ]
    assert waiting_snapshot(waiting, today) == [
        Snapshot("North", 3, 1, 0),
        Snapshot("South", 1, 1, 1),
    ]


def test_started_is_the_first_attended_session_else_the_booked_first_appointment() -> (
    None
):
    today = date(2026, 3, 10)
    booked = date(2026, 3, 3)
    assert started_on(
        first_attended=date(2026, 3, 5), sessions_recorded=True,
        first_appointment=booked, today=today,
    ) == date(2026, 3, 5)  # fmt: skip
    assert (
        started_on(
            first_attended=None,
            sessions_recorded=False,
            first_appointment=booked,
            today=today,
        )
        == booked
    )
    # attendance is recorded but nothing attended yet: not started
    assert (
        started_on(
            first_attended=None,
            sessions_recorded=True,
            first_appointment=booked,
            today=today,
        )
        is None
    )
    # booked for a day still to come: not started
    assert started_on(
        first_attended=None, sessions_recorded=False,
        first_appointment=date(2026, 3, 20), today=today,
    ) is None  # fmt: skip
    assert (
        started_on(
            first_attended=None,
            sessions_recorded=False,
            first_appointment=None,
            today=today,
        )
        is None
    )


def test_unreachable_after_the_limit_of_failed_calls_in_a_row() -> None:
    assert not unreachable_after(2, 3)
    assert unreachable_after(3, 3)
