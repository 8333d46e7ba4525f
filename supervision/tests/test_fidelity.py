"""IPT's structure kept and broken, element by element, on courses built for it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from supervision.fidelity import CourseFacts, course_fidelity, shares

START = date(2026, 1, 5)


def weekly(count: int) -> tuple[date, ...]:
    return tuple(START + timedelta(weeks=n) for n in range(count))


# A 12-session course (3 initial, 3 termination sessions) that kept everything.
KEPT = CourseFacts(
    initial_sessions=3,
    termination_sessions=3,
    planned=12,
    phase="ended",
    outcome="completed",
    attended=weekly(12),
    inventory_first_on=START,
    problem_area_first_on=START + timedelta(weeks=2),
    problem_areas=1,
    formulation_agreed_on=START + timedelta(weeks=3),
    contract_agreed_on=START + timedelta(weeks=3),
    termination_began_on=START + timedelta(weeks=9),  # session 10
    relapse_plan_written=True,
    score_days=weekly(12),
)


def test_a_course_that_kept_its_structure_keeps_every_element() -> None:
    fidelity = course_fidelity(KEPT)
    assert [e.kept for e in fidelity.elements] == [True] * 8
    assert fidelity.kept == fidelity.due == 8


@pytest.mark.parametrize(
    ("key", "change"),
    [
        ("inventory", {"inventory_first_on": START + timedelta(weeks=4)}),  # session 5
        ("inventory", {"inventory_first_on": None}),
        ("problem_area", {"problem_area_first_on": START + timedelta(weeks=5)}),
        ("formulation", {"formulation_agreed_on": None}),
        ("contract", {"contract_agreed_on": None}),
        ("areas", {"problem_areas": 3}),
        ("measures", {"score_days": weekly(9)}),  # 9 of 12 sessions: 75 %
        ("termination", {"termination_began_on": START + timedelta(weeks=10)}),
        ("termination", {"termination_began_on": None}),
        ("relapse_plan", {"relapse_plan_written": False}),
    ],
)
def test_each_element_breaks_on_its_own(key: str, change: dict[str, object]) -> None:
    fidelity = course_fidelity(replace(KEPT, **change))  # type: ignore[arg-type]
    assert fidelity.get(key).kept is False
    assert fidelity.kept == 7
    assert fidelity.get(key).reason


def test_the_inventory_on_the_day_of_session_4_is_on_time() -> None:
    on_the_day = replace(KEPT, inventory_first_on=START + timedelta(weeks=3))
    assert course_fidelity(on_the_day).get("inventory").kept is True


def test_two_problem_areas_are_allowed() -> None:
    assert course_fidelity(replace(KEPT, problem_areas=2)).get("areas").kept is True


def test_measures_before_eight_in_ten_sessions_are_on_schedule() -> None:
    # 10 of 12 sessions (83 %) had a score in the week before.
    facts = replace(KEPT, score_days=weekly(10))
    assert course_fidelity(facts).get("measures").kept is True


def test_a_new_course_has_nothing_due_yet() -> None:
    new = replace(
        KEPT,
        phase="initial",
        outcome="",
        attended=weekly(2),
        inventory_first_on=None,
        problem_area_first_on=None,
        problem_areas=0,
        formulation_agreed_on=None,
        contract_agreed_on=None,
        termination_began_on=None,
        relapse_plan_written=False,
        score_days=(),
    )
    fidelity = course_fidelity(new)
    assert fidelity.due == 1  # measures: judged from the second session
    assert fidelity.get("measures").kept is False
    assert all(
        fidelity.get(key).kept is None
        for key in ("inventory", "problem_area", "formulation", "contract", "areas")
    )


def test_a_course_that_ended_early_is_not_blamed_for_termination() -> None:
    dropped = replace(
        KEPT,
        outcome="dropped_out",
        attended=weekly(5),
        termination_began_on=None,
        relapse_plan_written=False,
    )
    fidelity = course_fidelity(dropped)
    assert fidelity.get("termination").kept is None
    assert fidelity.get("relapse_plan").kept is None


def test_shares_count_only_courses_for_which_an_element_was_due() -> None:
    broken = course_fidelity(replace(KEPT, relapse_plan_written=False))
    early = course_fidelity(
        replace(
            KEPT,
            phase="middle",
            outcome="",
            attended=weekly(6),
            relapse_plan_written=False,
        )
    )
    counted = shares([course_fidelity(KEPT), broken, early])
    assert counted["relapse_plan"] == (1, 2)
    assert counted["inventory"] == (3, 3)


def test_the_problem_area_on_the_day_of_session_4_is_on_time() -> None:
    on_the_day = replace(KEPT, problem_area_first_on=START + timedelta(weeks=3))
    assert course_fidelity(on_the_day).get("problem_area").kept is True


@pytest.mark.parametrize(("scored", "kept"), [(8, True), (7, False)])
def test_measures_at_exactly_eight_in_ten_sessions_are_on_schedule(
    scored: int, kept: bool
) -> None:
    # 10 sessions: 8 scored is 80 %, kept; 7 is 70 %, not.
    facts = replace(KEPT, attended=weekly(10), score_days=weekly(scored))
    assert course_fidelity(facts).get("measures").kept is kept


@pytest.mark.parametrize(("days_before", "kept"), [(0, True), (6, True), (7, False)])
def test_a_score_counts_for_a_session_in_the_week_up_to_its_day(
    days_before: int, kept: bool
) -> None:
    # Fortnightly sessions, each with one score that many days before it: on the
    # day or 6 days before is "in the week up to it"; 7 days before is not.
    sessions = tuple(START + timedelta(weeks=2 * n) for n in range(5))
    facts = replace(
        KEPT,
        attended=sessions,
        score_days=tuple(day - timedelta(days=days_before) for day in sessions),
    )
    measures = course_fidelity(facts).get("measures")
    assert measures.kept is kept
    assert measures.reason.startswith(f"{5 if kept else 0} of 5 sessions")
