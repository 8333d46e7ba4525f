"""The demo clinic's courses: every phase, with inventories, timelines, problem areas,
contracts, goals and signed notes, consistent with the rules, the same for the same
seed."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from accounts.models import Staff
from ipt import demo as ipt_demo
from ipt.choices import NoteStatus, Outcome, Phase
from ipt.defaults import programs_ensure
from ipt.models import (
    Course,
    CourseProblemArea,
    Goal,
    Group,
    InventoryPerson,
    Program,
    SessionNote,
    TimelineEntry,
)
from iptcare import demo
from patients.models import CareTeamMember, Patient


@pytest.mark.django_db
def test_demo_patients_have_courses_in_every_phase() -> None:
    # when
    demo.load_demo_clinic(seed=5, patient_count=150)
    # then
    courses = list(Course.objects.all())
    assert {course.phase for course in courses} == set(Phase.values)
    assert {course.outcome for course in courses if course.phase == Phase.ENDED} >= {
        Outcome.COMPLETED,
        Outcome.DROPPED_OUT,
    }
    assert {course.program.code for course in courses} >= {"ipt12", "ipt16", "brief8"}
    assert InventoryPerson.objects.filter(uses_with_patient=True).exists()
    assert InventoryPerson.objects.filter(supports_recovery=True).exists()
    assert TimelineEntry.objects.filter(someone_died=True).exists()
    assert set(CourseProblemArea.objects.values_list("area", flat=True)) == {
        "grief",
        "disputes",
        "transitions",
        "deficits",
    }
    assert SessionNote.objects.filter(status=NoteStatus.SIGNED).exists()
    assert SessionNote.objects.filter(status=NoteStatus.DRAFT).exists()
    assert Group.objects.filter(members__isnull=False).exists()
    care_teams = set(CareTeamMember.objects.values_list("patient_id", "staff_id"))
    today = timezone.localdate()
    for course in courses:
        # the course's own rules hold in the demo too
        assert (course.patient_id, course.clinician_id) in care_teams
        numbered = list(course.sessions.filter(number__isnull=False).order_by("number"))
        assert [s.number for s in numbered] == list(
            range(1, course.sessions_attended + 1)
        )
        assert all(s.held_on <= today for s in numbered)
        if course.phase in {Phase.MIDDLE, Phase.TERMINATION}:
            assert course.contract.is_agreed
            assert course.formulation_agreed_on is not None
            areas = set(course.problem_areas.values_list("area", flat=True))
            assert areas and set(course.goals.values_list("area", flat=True)) == areas
        if course.phase == Phase.TERMINATION:
            assert course.sessions_attended >= course.plan.termination_starts_at
        if course.outcome == Outcome.COMPLETED and course.goals.exists():
            assert course.gas_t_score is not None
    for member in Group.objects.get(
        team__site__name__startswith="Northside"
    ).members.all():
        assert member.course.program.code == "group"


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_courses() -> None:
    staff = Staff.objects.create(username="demo-clinician", role="clinician")
    patients = [Patient(id=n, record_number=f"D{n}") for n in range(1, 41)]
    members = [CareTeamMember(patient=p, staff=staff) for p in patients]
    programs_ensure()
    programs = {p.code: p for p in Program.objects.all()}
    today = timezone.localdate()

    def courses(seed: int) -> list[tuple[object, ...]]:
        rng = random.Random(seed)
        rows = ipt_demo.Rows()
        for patient, member in zip(patients, members, strict=True):
            ipt_demo._course(rng, patient, member.staff, programs["ipt12"], today, rows)
        return [
            (c.public_id, c.phase, c.sessions_attended, c.formulation, len(p), len(g))
            for c, p, g in zip(rows.courses, rows.people, rows.goals, strict=True)
        ]

    assert courses(9) == courses(9)
    assert courses(9) != courses(10)
    assert Goal.objects.count() == 0  # generating alone writes nothing
