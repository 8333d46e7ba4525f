"""Group IPT: create a group, add members (each through their own course), record a
group session with each member's attendance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.choices import CLINICAL_ROLES, CareTeamRole
from audit import services as audit
from audit.choices import Action
from ipt.choices import Attendance, Phase
from ipt.models import Course, Group, GroupMember, GroupSession, Program
from ipt.services._common import Refused, record
from ipt.services.courses import session_record
from patients import services as patient_services

if TYPE_CHECKING:
    from accounts.models import Staff, Team


@transaction.atomic
def group_create(
    *,
    by: Staff,
    name: str,
    program: Program,
    team: Team,
    facilitators: Iterable[Staff],
    starts_on: date,
    max_members: int = 10,
) -> Group:
    facilitators = list(facilitators)
    if not program.is_group:
        raise Refused("Choose a group program.")
    if not facilitators:
        raise Refused("Name at least one facilitator.")
    for staff in facilitators:
        if (
            staff.role not in CLINICAL_ROLES
            or not staff.teams.filter(pk=team.pk).exists()
        ):
            raise Refused("Facilitators are clinicians of the group's team.")
    group = Group(
        name=name.strip(),
        program=program,
        team=team,
        starts_on=starts_on,
        max_members=max_members,
    )
    group.full_clean()
    group.save()
    group.facilitators.set(facilitators)
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="ipt_group",
        object_id=str(group.public_id),
        detail=f"program={program.code}; facilitators={len(facilitators)}",
    )
    return group


@transaction.atomic
def group_member_add(*, group: Group, course: Course, by: Staff) -> GroupMember:
    """Add a patient to the group through their open group-program course. The group's
    facilitators join the patient's care team: they treat the patient."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if course.phase == Phase.ENDED:
        raise Refused("The course has ended.")
    if course.program_id != group.program_id:
        raise Refused("Members join through a course on the group's program.")
    if course.patient.team_id != group.team_id:
        raise Refused("Members are patients of the group's team.")
    if GroupMember.objects.filter(course=course).exists():
        raise Refused("The patient is already in a group.")
    if group.members.count() >= group.max_members:
        raise Refused(f"The group is full ({group.max_members} members).")
    member = GroupMember(group=group, course=course)
    member.full_clean(validate_constraints=False)
    member.save()
    on_team = set(course.patient.care_team.values_list("staff_id", flat=True))
    for staff in group.facilitators.all():
        if staff.pk not in on_team:
            patient_services.care_team_add(
                by=by, patient=course.patient, staff=staff, role=CareTeamRole.CLINICIAN
            )
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_group_member",
        course=course,
        object_id=str(group.public_id),
    )
    return member


@transaction.atomic
def group_session_record(
    *,
    group: Group,
    by: Staff,
    held_on: date,
    theme: str,
    attendance: Mapping[int, Attendance],
) -> GroupSession:
    """Record a meeting of the group: one course session per member with an open
    course (``attendance`` maps each ``GroupMember`` id to attended, missed or
    cancelled). Any member's course refusing refuses the whole meeting."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if held_on > timezone.localdate():
        raise Refused("A session is recorded once it has taken place.")
    members = list(
        group.members.select_related("course__patient").exclude(
            course__phase=Phase.ENDED
        )
    )
    missing = [member for member in members if member.pk not in attendance]
    if missing:
        raise Refused("Record the attendance of every member.")
    number = (
        group.sessions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    meeting = GroupSession(
        group=group, number=number, held_on=held_on, theme=theme.strip(), recorded_by=by
    )
    meeting.full_clean(validate_constraints=False)
    meeting.save()
    for member in members:
        try:
            session_record(
                course=member.course,
                by=by,
                held_on=held_on,
                attendance=attendance[member.pk],
                group_session=meeting,
            )
        except Refused as refusal:
            record_number = member.course.patient.record_number
            raise Refused(
                [f"{record_number}: {reason}" for reason in refusal.reasons]
            ) from refusal
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="ipt_group_session",
        object_id=str(meeting.public_id),
        detail=f"number={number}; members={len(members)}",
    )
    return meeting
