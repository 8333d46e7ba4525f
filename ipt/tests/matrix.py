"""URL arguments for the IPT lines of the access matrix (tests/access_matrix.py).

Objects are made with factories, not services, so that making them writes no audit
row (the matrix counts the rows a page writes). Each helper reuses what an earlier one
made, since the IDOR sweep calls them all in one test.
"""

from __future__ import annotations

from typing import Any

from ipt.choices import Phase
from ipt.models import Course, Group, GroupMember
from ipt.tests.factories import (
    GroupFactory,
    PersonFactory,
    TimelineEntryFactory,
    course_in_phase,
)


def _course(clinic: Any) -> Course:
    course = (
        Course.objects.filter(patient=clinic.patient).exclude(phase=Phase.ENDED).first()
    )
    if course is None:
        course = course_in_phase(
            Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
        )
    return course


def course_kwargs(clinic: Any) -> dict[str, Any]:
    return {
        "public_id": clinic.patient.public_id,
        "course_id": _course(clinic).public_id,
    }


def person_kwargs(clinic: Any) -> dict[str, Any]:
    course = _course(clinic)
    person = course.people.first() or PersonFactory(course=course)
    return {**course_kwargs(clinic), "person_id": person.public_id}


def entry_kwargs(clinic: Any) -> dict[str, Any]:
    course = _course(clinic)
    entry = course.timeline.first() or TimelineEntryFactory(course=course)
    return {**course_kwargs(clinic), "entry_id": entry.public_id}


def goal_kwargs(clinic: Any) -> dict[str, Any]:
    goal = _course(clinic).goals.first()
    assert goal is not None
    return {**course_kwargs(clinic), "goal_id": goal.public_id}


def session_kwargs(clinic: Any) -> dict[str, Any]:
    session = _course(clinic).sessions.order_by("-number").first()
    assert session is not None
    return {**course_kwargs(clinic), "session_id": session.public_id}


def group_kwargs(clinic: Any) -> dict[str, Any]:
    group = Group.objects.filter(facilitators=clinic.therapist_on_team).first()
    if group is None:
        group = GroupFactory(
            team=clinic.team_a, facilitators=[clinic.therapist_on_team]
        )
    course = _course(clinic)
    if not GroupMember.objects.filter(course=course).exists():
        GroupMember.objects.create(group=group, course=course)
    return {"group_id": group.public_id}
