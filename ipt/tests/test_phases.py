"""The phase rules as pure functions: position, boundaries, the automatic start of
termination, the contract limit, extensions and every refusal."""

from __future__ import annotations

import pytest

from ipt import phases
from ipt.phases import Outcome, Phase, Plan

TWELVE = Plan(planned=12, initial_sessions=3, termination_sessions=3)


@pytest.mark.parametrize(
    ("phase", "attended", "planned", "expected"),
    [
        (Phase.MIDDLE, 7, 12, "session 7 of 12, middle phase, 5 left"),
        (Phase.INITIAL, 1, 16, "session 1 of 16, initial phase, 15 left"),
        (Phase.TERMINATION, 11, 12, "session 11 of 12, termination phase, 1 left"),
        (Phase.TERMINATION, 12, 12, "session 12 of 12, termination phase, none left"),
        (Phase.INITIAL, 0, 12, "no session held yet, initial phase, 12 planned"),
    ],
)
def test_the_position_line_says_where_the_course_is(
    phase: Phase, attended: int, planned: int, expected: str
) -> None:
    assert (
        phases.position_text(phase=phase, attended=attended, planned=planned)
        == expected
    )


def test_an_ended_course_says_how_it_ended() -> None:
    text = phases.position_text(
        phase=Phase.ENDED, attended=9, planned=12, outcome_words="dropped out"
    )
    assert text == "ended (dropped out) after 9 of 12 sessions"


def test_boundaries_follow_the_plan() -> None:
    assert TWELVE.boundaries == {
        Phase.INITIAL: (1, 3),
        Phase.MIDDLE: (4, 9),
        Phase.TERMINATION: (10, 12),
    }
    assert TWELVE.describe() == "sessions 1–3 initial · 4–9 middle · 10–12 termination"
    brief = Plan(planned=8, initial_sessions=2, termination_sessions=2)
    assert brief.describe() == "sessions 1–2 initial · 3–6 middle · 7–8 termination"


@pytest.mark.parametrize(
    ("phase", "attended", "expected"),
    [
        (Phase.MIDDLE, 8, Phase.MIDDLE),
        (Phase.MIDDLE, 9, Phase.MIDDLE),
        # session 10 of 12 is the first of the last three: termination starts by itself
        (Phase.MIDDLE, 10, Phase.TERMINATION),
        (Phase.TERMINATION, 11, Phase.TERMINATION),
        # an initial phase running long stays initial: the clinician has work to do
        (Phase.INITIAL, 10, Phase.INITIAL),
    ],
)
def test_termination_starts_by_itself_at_the_last_sessions(
    phase: Phase, attended: int, expected: Phase
) -> None:
    assert (
        phases.phase_after_session(phase=phase, attended=attended, plan=TWELVE)
        == expected
    )


def test_two_termination_sessions_start_termination_one_session_later() -> None:
    plan = Plan(planned=12, initial_sessions=3, termination_sessions=2)
    assert (
        phases.phase_after_session(phase=Phase.MIDDLE, attended=10, plan=plan)
        == Phase.MIDDLE
    )
    assert (
        phases.phase_after_session(phase=Phase.MIDDLE, attended=11, plan=plan)
        == Phase.TERMINATION
    )


def test_no_session_past_the_contract_without_an_extension() -> None:
    assert (
        phases.may_hold_session(phase=Phase.TERMINATION, attended=11, planned=12)
        is None
    )
    refusal = phases.may_hold_session(phase=Phase.TERMINATION, attended=12, planned=12)
    assert refusal is not None and "extension with a reason" in refusal


def test_no_session_on_an_ended_course() -> None:
    refusal = phases.may_hold_session(phase=Phase.ENDED, attended=3, planned=12)
    assert refusal is not None and "ended" in refusal


def test_an_extension_in_termination_returns_to_the_middle_phase() -> None:
    extended = Plan(planned=16, initial_sessions=3, termination_sessions=3)
    assert (
        phases.phase_after_extension(
            phase=Phase.TERMINATION, attended=11, plan=extended
        )
        == Phase.MIDDLE
    )
    small = Plan(planned=13, initial_sessions=3, termination_sessions=3)
    assert (
        phases.phase_after_extension(phase=Phase.TERMINATION, attended=11, plan=small)
        == Phase.TERMINATION
    )


@pytest.mark.parametrize(
    ("phase", "sessions", "reason", "expected"),
    [
        (Phase.MIDDLE, 4, "Still working on the dispute with her partner.", []),
        (Phase.TERMINATION, 2, "Bereavement anniversary falls in week 12.", []),
        (Phase.INITIAL, 4, "Still working on the dispute.", ["change the contract"]),
        (Phase.ENDED, 4, "Still working on the dispute.", ["change the contract"]),
        (Phase.MIDDLE, 0, "Still working on the dispute.", ["at least one session"]),
        (Phase.MIDDLE, 4, "more", ["reason for the extension"]),
    ],
)
def test_an_extension_needs_an_open_course_sessions_and_a_reason(
    phase: Phase, sessions: int, reason: str, expected: list[str]
) -> None:
    blockers = phases.extension_blockers(
        phase=phase, sessions_added=sessions, reason=reason
    )
    assert len(blockers) == len(expected)
    for blocker, words in zip(blockers, expected, strict=True):
        assert words in blocker


READY = {
    "phase": Phase.INITIAL,
    "areas": [("disputes", "impasse")],
    "formulation": "Depressed since the rows with her partner began.",
    "formulation_agreed": True,
    "contract_agreed": True,
    "goals_per_area": {"disputes": 2},
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, []),
        ({"areas": []}, ["Choose the problem area"]),
        ({"areas": [("disputes", "")]}, ["stage of the dispute"]),
        (
            {"areas": [("grief", ""), ("disputes", "impasse"), ("deficits", "")]},
            ["at most two"],
        ),
        ({"formulation": "  "}, ["Write the interpersonal formulation"]),
        ({"formulation_agreed": False}, ["patient's agreement to the formulation"]),
        ({"contract_agreed": False}, ["Agree the treatment contract"]),
        ({"goals_per_area": {}}, ["1–3 goals for interpersonal dispute"]),
        ({"goals_per_area": {"disputes": 4}}, ["1–3 goals"]),
        ({"phase": Phase.MIDDLE}, ["not the initial phase"]),
    ],
)
def test_the_middle_phase_needs_area_formulation_and_agreed_contract(
    change: dict[str, object], expected: list[str]
) -> None:
    blockers = phases.middle_phase_blockers(**{**READY, **change})  # type: ignore[arg-type]
    assert len(blockers) >= len(expected)
    for words in expected:
        assert any(words in blocker for blocker in blockers), (words, blockers)
    if not expected:
        assert blockers == []


@pytest.mark.parametrize(
    ("phase", "outcome", "reason", "review", "plan", "expected"),
    [
        (Phase.TERMINATION, Outcome.COMPLETED, "", True, True, []),
        (
            Phase.MIDDLE,
            Outcome.COMPLETED,
            "",
            True,
            True,
            ["from its termination phase"],
        ),
        (Phase.TERMINATION, Outcome.COMPLETED, "", False, True, ["progress review"]),
        (Phase.TERMINATION, Outcome.COMPLETED, "", True, False, ["relapse-prevention"]),
        (
            Phase.INITIAL,
            Outcome.DROPPED_OUT,
            "Stopped coming after session 2.",
            False,
            False,
            [],
        ),
        (Phase.MIDDLE, Outcome.TRANSFERRED, "", False, False, ["why the course ends"]),
        (Phase.MIDDLE, Outcome.STEPPED_UP, "Admitted to the ward.", False, False, []),
        (
            Phase.ENDED,
            Outcome.DROPPED_OUT,
            "Again and again.",
            False,
            False,
            ["already ended"],
        ),
    ],
)
def test_ending_a_course_follows_its_rules(
    phase: Phase,
    outcome: Outcome,
    reason: str,
    review: bool,
    plan: bool,
    expected: list[str],
) -> None:
    blockers = phases.end_blockers(
        phase=phase,
        outcome=outcome,
        reason=reason,
        review_written=review,
        relapse_plan_complete=plan,
    )
    assert len(blockers) == len(expected), blockers
    for blocker, words in zip(blockers, expected, strict=True):
        assert words in blocker


def test_the_contract_needs_areas_goals_and_room_for_the_phases() -> None:
    assert (
        phases.contract_blockers(
            phase=Phase.INITIAL,
            areas=["grief"],
            goals_per_area={"grief": 1},
            sessions_agreed=12,
            minimum_sessions=6,
        )
        == []
    )
    blockers = phases.contract_blockers(
        phase=Phase.MIDDLE,
        areas=[],
        goals_per_area={},
        sessions_agreed=4,
        minimum_sessions=6,
    )
    assert len(blockers) == 3


def test_an_initial_phase_past_its_sessions_is_flagged() -> None:
    assert phases.initial_phase_overrun(phase=Phase.INITIAL, attended=4, plan=TWELVE)
    assert not phases.initial_phase_overrun(
        phase=Phase.INITIAL, attended=3, plan=TWELVE
    )
    assert not phases.initial_phase_overrun(phase=Phase.MIDDLE, attended=5, plan=TWELVE)
