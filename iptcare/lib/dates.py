"""The bounds on the dates people type, and arithmetic on stored dates that stays in
range.

Every date typed into the product is checked here, once: none is before 1900 (a year
typed as 0001 or 1024 is a slip, not history) or after 2099 (an appointment or a
consent's end in 9999 is the same slip, and a time zone west of UTC carried its
evening past the last day Python has), none in a patient's care is before the patient
was born, and one that must have happened already is not in the future.

Dates already stored may still be outside those bounds (written before the check, or
by an import), and Python's dates end at 0001-01-01 and 9999-12-31: a week or a
baseline before such a date raises ``OverflowError``. The pages therefore do their
arithmetic on stored dates with ``shifted``, which stops at the ends instead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)


def date_refusal(
    day: date, *, born: date | None = None, happened: bool = False
) -> str | None:
    """Why ``day`` cannot be right, in words for the page, or None if it can be.

    ``born``: the patient's date of birth, for a date in their care (a date of birth
    itself is checked without it). ``happened``: the date records something done
    (a session held, a test collected), so it is not in the future."""
    if isinstance(day, datetime):
        day = day.date()  # the wall date it was typed as; no conversion to overflow
    if day < EARLIEST:
        return _("The date is before 1900: check the year.")
    if born is not None and day < born:
        return _("The date is before the patient's date of birth.")
    if happened and day > timezone.localdate():
        return _("The date is in the future.")
    if day > LATEST:
        return _("The date is after 2099: check the year.")
    return None


def birth_date_refusal(born: date) -> str | None:
    """Why a date of birth cannot be right, or None: its own rules, said once for the
    patient record and the referral."""
    today = timezone.localdate()
    if born > today:
        return _("The date of birth is in the future.")
    if born.year < today.year - 120:
        return _("Check the year of birth.")
    return None


def shifted(day: date, by: timedelta) -> date:
    """``day`` moved by ``by``, held at the first or last date Python has rather than
    overflowing (for dates stored before the bounds were checked)."""
    try:
        return day + by
    except OverflowError:
        return date.max if by > timedelta(0) else date.min
