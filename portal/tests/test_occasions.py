"""The program's schedule, as the portal reads it (pure: no database)."""

from __future__ import annotations

from datetime import date

from ipt.schedule import MeasureRule
from portal.occasions import occasions_due

RULES = [
    MeasureRule("phq9", "before_session"),
    MeasureRule("auditc", "before_session", sessions=frozenset({1, 6})),
    MeasureRule("core10", "intake"),
    MeasureRule("wsas", "end"),
    MeasureRule("phq9", "follow_up", months_after_end=3),
]
OPENED = date(2026, 1, 5)


def _due(**kwargs: object) -> dict[str, str]:
    args: dict[str, object] = {
        "rules": RULES,
        "phase": "middle",
        "sessions_attended": 4,
        "last_session_on": date(2026, 2, 2),
        "opened_on": OPENED,
        "ended_on": None,
        "today": date(2026, 2, 5),
    }
    args.update(kwargs)
    return {o.instrument_id: o.key for o in occasions_due(**args)}  # type: ignore[arg-type]


def test_before_every_session_and_the_listed_ones() -> None:
    assert _due() == {"phq9": "session-5"}
    assert _due(sessions_attended=5) == {"phq9": "session-6", "auditc": "session-6"}


def test_intake_questionnaires_until_the_first_session() -> None:
    due = _due(phase="initial", sessions_attended=0, last_session_on=None)
    assert due == {"phq9": "session-1", "auditc": "session-1", "core10": "intake"}


def test_end_questionnaires_in_the_termination_phase() -> None:
    assert _due(phase="termination", sessions_attended=11) == {
        "phq9": "session-12",
        "wsas": "end",
    }


def test_follow_up_for_a_month_from_three_months_after_the_end() -> None:
    ended = date(2026, 3, 31)
    before = _due(phase="ended", ended_on=ended, today=date(2026, 6, 29))
    on_the_day = _due(phase="ended", ended_on=ended, today=date(2026, 6, 30))
    last_day = _due(phase="ended", ended_on=ended, today=date(2026, 7, 30))
    after = _due(phase="ended", ended_on=ended, today=date(2026, 7, 31))
    assert before == {} and after == {}
    assert on_the_day == last_day == {"phq9": "follow-up-3"}


def test_an_answer_counts_only_after_the_last_session() -> None:
    (occasion,) = occasions_due(
        rules=RULES[:1],
        phase="middle",
        sessions_attended=4,
        last_session_on=date(2026, 2, 2),
        opened_on=OPENED,
        ended_on=None,
        today=date(2026, 2, 5),
    )
    assert occasion.since == date(2026, 2, 2)
