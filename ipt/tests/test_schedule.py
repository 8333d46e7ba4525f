"""Programs as data: the templates every database starts with, their phase
boundaries and their measure schedules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ipt.choices import MeasureTiming
from ipt.defaults import programs_ensure
from ipt.models import Program, ProgramMeasure
from ipt.schedule import (
    InvalidSessionList,
    MeasureRule,
    due_at,
    due_before_session,
    parse_sessions,
)
from ipt.tests import factories


def test_session_lists_parse() -> None:
    assert parse_sessions("") is None
    assert parse_sessions("1, 4,8") == frozenset({1, 4, 8})
    for bad in ("0", "one", "1-4", ","):
        with pytest.raises(InvalidSessionList):
            parse_sessions(bad)


def test_due_before_session_takes_every_session_and_listed_ones() -> None:
    rules = [
        MeasureRule("phq9", "before_session"),
        MeasureRule("auditc", "before_session", frozenset({1, 8})),
        MeasureRule("hrsd17", "end"),
    ]
    assert due_before_session(rules, 8) == ["phq9", "auditc"]
    assert due_before_session(rules, 2) == ["phq9"]
    assert due_at(rules, "end") == ["hrsd17"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "sessions", "group", "initial", "termination", "frequency"),
    [
        ("ipt16", 16, 0, 3, 3, "weekly"),
        ("ipt12", 12, 0, 3, 3, "weekly"),
        ("brief8", 8, 0, 2, 2, "weekly"),
        ("group", 10, 8, 2, 2, "weekly"),
        ("maintenance", 12, 0, 1, 2, "monthly"),
    ],
)
def test_every_database_has_the_five_programs(
    code: str, sessions: int, group: int, initial: int, termination: int, frequency: str
) -> None:
    program = factories.program(code)
    assert (
        program.sessions,
        program.group_sessions,
        program.initial_sessions,
        program.termination_sessions,
        program.frequency,
    ) == (sessions, group, initial, termination, frequency)
    assert program.instruments_at(MeasureTiming.INTAKE)
    assert "phq9" in program.instruments_before_session(2)
    assert program.instruments_at(MeasureTiming.END)
    assert program.instruments_at(MeasureTiming.FOLLOW_UP)


@pytest.mark.django_db
def test_ipt16_schedules_audit_c_at_the_first_middle_and_last_session() -> None:
    program = factories.program("ipt16")
    assert "auditc" in program.instruments_before_session(1)
    assert "auditc" in program.instruments_before_session(8)
    assert "auditc" not in program.instruments_before_session(9)
    assert "hrsd17" in program.instruments_at(MeasureTiming.INTAKE)


@pytest.mark.django_db
def test_a_schedule_line_is_validated() -> None:
    program = factories.program("ipt12")
    bad = [
        ProgramMeasure(program=program, instrument="PHQ-9", timing="intake"),
        ProgramMeasure(program=program, instrument="phq9", timing="follow_up"),
        ProgramMeasure(
            program=program, instrument="phq9", timing="intake", sessions="1"
        ),
        ProgramMeasure(
            program=program, instrument="phq9", timing="before_session", sessions="x"
        ),
    ]
    for measure in bad:
        with pytest.raises(ValidationError):
            measure.full_clean()


@pytest.mark.django_db
def test_a_program_needs_room_for_its_phases() -> None:
    program = Program(
        code="tiny", name="Tiny", sessions=4, initial_sessions=3, termination_sessions=3
    )
    with pytest.raises(ValidationError, match="Too few sessions"):
        program.full_clean()


@pytest.mark.django_db
def test_programs_come_back_after_a_flush() -> None:
    """A transactional test empties every table, data-migration rows included."""
    ProgramMeasure.objects.all().delete()
    Program.objects.all().delete()
    programs_ensure()
    programs_ensure()  # idempotent
    assert set(Program.objects.values_list("code", flat=True)) == {
        "ipt16",
        "ipt12",
        "brief8",
        "group",
        "maintenance",
    }
    assert ProgramMeasure.objects.filter(program__code="ipt16").count() > 10
