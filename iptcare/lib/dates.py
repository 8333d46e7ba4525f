"""Arithmetic on stored dates that stays in range.

Dates already stored may be at the very ends of the calendar (written before typed
dates were bounded, or by an import), and Python's dates end at 0001-01-01 and
9999-12-31: a week or a baseline before such a date raises ``OverflowError``, and one
such course made the pages that read it fail, the supervisor's review of the whole
team included. The pages therefore do their arithmetic on stored dates with
``shifted``, which stops at the ends instead.
"""

from __future__ import annotations

from datetime import date, timedelta


def shifted(day: date, by: timedelta) -> date:
    """``day`` moved by ``by``, held at the first or last date Python has rather than
    overflowing (for dates stored before the bounds were checked)."""
    try:
        return day + by
    except OverflowError:
        return date.max if by > timedelta(0) else date.min
