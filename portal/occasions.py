"""Which questionnaires the program's schedule asks of the patient now, as plain
functions over ``ipt.schedule`` rules (no database; tested on their own).

An *occasion* is one moment of the schedule with a stable key: ``"intake"``,
``"session-5"`` (before the 5th session), ``"end"`` (during the termination phase) or
``"follow-up-3"`` (3 months after the end, for a month). The key makes a response
once-only: one response per patient, questionnaire and occasion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ipt.schedule import MeasureRule, due_at, due_before_session, follow_up_months
from iptcare.lib.dates import shifted

FOLLOW_UP_WINDOW_DAYS = 31


@dataclass(frozen=True)
class Occasion:
    instrument_id: str
    key: str
    since: date | None = None  # an answer given in the clinic after this day counts


def _months_after(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 exists in every month


def occasions_due(
    *,
    rules: Iterable[MeasureRule],
    phase: str,
    sessions_attended: int,
    last_session_on: date | None,
    opened_on: date,
    ended_on: date | None,
    today: date,
) -> list[Occasion]:
    """The questionnaires due now, each once, the most specific occasion first."""
    rules = list(rules)
    found: dict[str, Occasion] = {}

    def add(instruments: Iterable[str], key: str, since: date | None) -> None:
        for instrument_id in instruments:
            found.setdefault(instrument_id, Occasion(instrument_id, key, since))

    if phase == "ended":
        if ended_on is None:
            return []
        for months in follow_up_months(rules):
            starts = _months_after(ended_on, months)
            if starts <= today < starts + timedelta(days=FOLLOW_UP_WINDOW_DAYS):
                wanted = [
                    rule.instrument
                    for rule in rules
                    if rule.timing == "follow_up" and rule.months_after_end == months
                ]
                add(wanted, f"follow-up-{months}", starts - timedelta(days=1))
        return list(found.values())
    since = last_session_on or shifted(opened_on, -timedelta(days=1))
    next_session = sessions_attended + 1
    add(due_before_session(rules, next_session), f"session-{next_session}", since)
    if phase == "termination":
        add(due_at(rules, "end"), "end", since)
    if sessions_attended == 0:
        add(due_at(rules, "intake"), "intake", since)
    return list(found.values())
