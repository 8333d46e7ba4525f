"""The series arithmetic alone, no database: local times hold across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduling import recurrence
from scheduling.recurrence import Frequency, InvalidSeries, Slot

FIFTY_MINUTES = timedelta(minutes=50)


def _local_times(slots: list[Slot], zone: str) -> list[str]:
    return [recurrence.local(s.starts_at, zone).strftime("%a %H:%M") for s in slots]


@pytest.mark.parametrize(
    ("zone", "first", "change_day"),
    [
        ("Europe/London", date(2025, 3, 20), date(2025, 3, 30)),  # spring forward
        ("Europe/London", date(2025, 10, 16), date(2025, 10, 26)),  # fall back
        ("America/New_York", date(2025, 3, 4), date(2025, 3, 9)),
        ("America/New_York", date(2025, 10, 28), date(2025, 11, 2)),
    ],
)
def test_an_18_00_weekly_session_stays_at_18_00_across_a_clock_change(
    zone: str, first: date, change_day: date
) -> None:
    slots = recurrence.series_slots(
        first=first, at=time(18), duration=FIFTY_MINUTES, time_zone=zone, count=4
    )
    assert _local_times(slots, zone) == [first.strftime("%a 18:00")] * 4
    before = [s for s in slots if s.starts_at.date() < change_day]
    after = [s for s in slots if s.starts_at.date() > change_day]
    assert before and after
    # The instant moves by the hour the clocks moved.
    offset_before = recurrence.local(before[-1].starts_at, zone).utcoffset()
    offset_after = recurrence.local(after[0].starts_at, zone).utcoffset()
    assert offset_before is not None and offset_after is not None
    assert abs(offset_after - offset_before) == timedelta(hours=1)
    assert after[0].starts_at - before[-1].starts_at != timedelta(weeks=1)


def test_london_18_00_is_18_00_utc_in_winter_and_17_00_utc_in_summer() -> None:
    slots = recurrence.series_slots(
        first=date(2025, 3, 27),
        at=time(18),
        duration=FIFTY_MINUTES,
        time_zone="Europe/London",
        count=2,
    )
    assert slots[0].starts_at == datetime(2025, 3, 27, 18, tzinfo=UTC)
    assert slots[1].starts_at == datetime(2025, 4, 3, 17, tzinfo=UTC)
    assert slots[1].ends_at == datetime(2025, 4, 3, 17, 50, tzinfo=UTC)


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    instant = recurrence.local_instant(date(2025, 3, 30), time(1, 30), "Europe/London")
    assert recurrence.local(instant, "Europe/London").strftime("%H:%M") == "02:30"


def test_a_time_that_happens_twice_is_the_first_of_the_two() -> None:
    instant = recurrence.local_instant(
        date(2025, 11, 2), time(1, 30), "America/New_York"
    )
    assert instant == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)  # still EDT, UTC-4


def test_fortnightly_skips_a_week() -> None:
    dates = recurrence.occurrence_dates(
        first=date(2025, 1, 7), count=3, frequency=Frequency.FORTNIGHTLY
    )
    assert dates == [date(2025, 1, 7), date(2025, 1, 21), date(2025, 2, 4)]


def test_twice_weekly_uses_the_first_day_and_the_second_weekday() -> None:
    dates = recurrence.occurrence_dates(
        first=date(2025, 1, 7),  # a Tuesday
        count=4,
        frequency=Frequency.TWICE_WEEKLY,
        second_weekday=4,  # Friday
    )
    assert dates == [
        date(2025, 1, 7),
        date(2025, 1, 10),
        date(2025, 1, 14),
        date(2025, 1, 17),
    ]


def test_twice_weekly_needs_a_different_second_day() -> None:
    with pytest.raises(InvalidSeries, match="differ"):
        recurrence.occurrence_dates(
            first=date(2025, 1, 7),
            count=4,
            frequency=Frequency.TWICE_WEEKLY,
            second_weekday=1,
        )
    with pytest.raises(InvalidSeries, match="second day"):
        recurrence.occurrence_dates(
            first=date(2025, 1, 7), count=4, frequency=Frequency.TWICE_WEEKLY
        )


def test_monthly_is_the_same_weekday_of_the_same_week() -> None:
    dates = recurrence.occurrence_dates(
        first=date(2025, 1, 14),  # the second Tuesday
        count=3,
        frequency=Frequency.MONTHLY,
    )
    assert dates == [date(2025, 1, 14), date(2025, 2, 11), date(2025, 3, 11)]


def test_monthly_on_a_fifth_weekday_falls_back_to_the_last_one() -> None:
    dates = recurrence.occurrence_dates(
        first=date(2025, 1, 29),  # the fifth Wednesday
        count=2,
        frequency=Frequency.MONTHLY,
    )
    assert dates == [date(2025, 1, 29), date(2025, 2, 26)]


def test_monthly_crosses_the_year() -> None:
    dates = recurrence.occurrence_dates(
        first=date(2025, 11, 3), count=3, frequency="monthly"
    )
    assert dates[-1] == date(2026, 1, 5)


@pytest.mark.parametrize("count", [0, recurrence.MAX_OCCURRENCES + 1])
def test_a_series_has_a_sensible_length(count: int) -> None:
    with pytest.raises(InvalidSeries):
        recurrence.occurrence_dates(
            first=date(2025, 1, 7), count=count, frequency="weekly"
        )


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidSeries, match="time zone"):
        recurrence.local_instant(date(2025, 1, 7), time(9), "Mars/Olympus")


def test_back_to_back_slots_do_not_clash_but_overlapping_ones_do() -> None:
    nine = datetime(2025, 1, 7, 9, tzinfo=UTC)
    first = Slot(nine, nine + FIFTY_MINUTES)
    next_one = Slot(first.ends_at, first.ends_at + FIFTY_MINUTES)
    overlapping = Slot(nine + timedelta(minutes=30), nine + timedelta(minutes=80))
    assert not first.overlaps(next_one)
    assert first.overlaps(overlapping) and overlapping.overlaps(first)
    found = recurrence.clashes([overlapping], [(first, "a"), (next_one, "b")])
    assert [item for _, item in found] == ["a", "b"]
    assert recurrence.clashes([next_one], [(first, "a")]) == []


def test_a_change_day_is_23_or_25_hours_long() -> None:
    start, end = recurrence.day_bounds(date(2025, 3, 30), "Europe/London")
    assert end - start == timedelta(hours=23)
    start, end = recurrence.day_bounds(date(2025, 11, 2), "America/New_York")
    assert end - start == timedelta(hours=25)


def test_initials_and_week_start() -> None:
    assert recurrence.initials("ada", "Lovelace") == "A.L."
    assert recurrence.initials("", "") == "?"
    assert recurrence.week_start(date(2025, 1, 9)) == date(2025, 1, 6)
