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
        ("group", 11, 8, 2, 2, "weekly"),
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
def test_ipt16_asks_the_wider_measures_at_intake_mid_course_and_end() -> None:
    program = factories.program("ipt16")
    assert program.instruments_before_session(1) == ["phq9", "gad7"]
    assert "auditc" in program.instruments_before_session(8)
    assert "auditc" not in program.instruments_before_session(9)
    assert "hrsd17" in program.instruments_at(MeasureTiming.INTAKE)
    assert "core10" in program.instruments_at(MeasureTiming.END)


CORE = {"phq9", "gad7", "core10"}


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ipt16", "ipt12", "brief8", "group", "maintenance"])
def test_a_shipped_schedule_is_humane(code: str) -> None:
    """At most the core measures before a session, but at mid-course; PHQ-9 (and
    GAD-7 where asked) at least every 4 sessions; HRSD-17 is never the patient's."""
    from measures.instruments import REGISTRY
    from measures.instruments.base import Respondent
    from scheduling.services import self_report_due

    program = factories.program(code)
    last = program.sessions
    wider = [
        n
        for n in range(1, last + 1)
        if not set(program.instruments_before_session(n)) <= CORE
    ]
    mid_course = [n for n in wider if n != last]
    assert len(mid_course) <= 1, wider  # one mid-course measurement, then the end
    assert all(last / 3 <= n <= 2 * last / 3 for n in mid_course), wider
    for core in ("phq9", "gad7"):
        sessions = [
            n
            for n in range(1, program.sessions + 1)
            if core in program.instruments_before_session(n)
        ]
        if not sessions:
            continue
        gaps = [b - a for a, b in zip([0, *sessions], sessions, strict=False)]
        assert max(gaps) <= 4, (core, sessions)
    assert REGISTRY["hrsd17"].respondent != Respondent.SELF_REPORT
    course = factories.CourseFactory(program=program)
    for session in range(1, program.sessions + 1):
        assert "hrsd17" not in self_report_due(course, session)


@pytest.mark.django_db
def test_a_schedule_the_service_edited_is_left_as_it_is() -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("ipt.migrations.0005_humane_measure_schedules")
    program = factories.program("ipt12")
    ProgramMeasure.objects.create(
        program=program, instrument="pcl5", timing="before_session", sessions="3"
    )
    before = ProgramMeasure.objects.filter(program=program).count()
    migration.backwards(apps, None)
    migration.forwards(apps, None)
    assert ProgramMeasure.objects.filter(program=program).count() == before
    unedited = factories.program("ipt16")
    migration.backwards(apps, None)
    assert "auditc" in unedited.instruments_before_session(1)
    migration.forwards(apps, None)
    assert unedited.instruments_before_session(1) == ["phq9", "gad7"]


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
