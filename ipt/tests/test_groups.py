"""Group IPT: a group with members (each through their own course), group sessions
with per-member attendance, and per-member notes."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt import services
from ipt.choices import Attendance, Phase
from ipt.models import CourseSession, Group, GroupSession
from ipt.services import Refused
from ipt.tests.factories import CourseFactory, program
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def group(clinic: Clinic) -> Group:
    return services.group_create(
        by=clinic.therapist_on_team,
        name="Tuesday evening group",
        program=program("group"),
        team=clinic.team_a,
        facilitators=[clinic.therapist_on_team],
        starts_on=TODAY,
    )


def _member_course(clinic: Clinic, **kwargs: object):  # type: ignore[no-untyped-def]
    patient = PatientFactory(team=clinic.team_a)
    return CourseFactory(
        patient=patient,
        program=program("group"),
        clinician=clinic.therapist_off_team,
        **kwargs,
    )


def test_a_member_joins_through_their_own_course_and_the_facilitators_join_their_care_team(
    clinic: Clinic, group: Group
) -> None:
    course = _member_course(clinic)
    services.group_member_add(group=group, course=course, by=clinic.therapist_on_team)
    assert group.members.get().course == course
    assert course.patient.care_team.filter(staff=clinic.therapist_on_team).exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("ended", "has ended"),
        ("individual", "course on the group's program"),
        ("other_team", "patients of the group's team"),
    ],
)
def test_members_are_refused_when_they_do_not_fit(
    clinic: Clinic, group: Group, make: str, message: str
) -> None:
    if make == "ended":
        course = _member_course(
            clinic, phase=Phase.ENDED, outcome="dropped_out", ended_on=TODAY
        )
    elif make == "individual":
        course = CourseFactory(patient=PatientFactory(team=clinic.team_a))
    else:
        course = CourseFactory(
            patient=PatientFactory(team=clinic.team_b), program=program("group")
        )
    with pytest.raises(Refused, match=message):
        services.group_member_add(
            group=group, course=course, by=clinic.therapist_on_team
        )


def test_a_full_group_takes_no_one_else(clinic: Clinic, group: Group) -> None:
    group.max_members = 2
    group.save()
    for _ in range(2):
        services.group_member_add(
            group=group, course=_member_course(clinic), by=clinic.therapist_on_team
        )
    with pytest.raises(Refused, match="full"):
        services.group_member_add(
            group=group, course=_member_course(clinic), by=clinic.therapist_on_team
        )


def test_a_group_session_records_each_members_attendance_on_their_course(
    clinic: Clinic, group: Group
) -> None:
    here, away = _member_course(clinic), _member_course(clinic)
    members = [
        services.group_member_add(
            group=group, course=course, by=clinic.therapist_on_team
        )
        for course in (here, away)
    ]
    # when
    meeting = services.group_session_record(
        group=group,
        by=clinic.therapist_on_team,
        held_on=TODAY,
        theme="Role transitions: what changed this week",
        attendance={
            members[0].pk: Attendance.ATTENDED,
            members[1].pk: Attendance.MISSED,
        },
    )
    # then
    assert meeting.number == 1
    attended = CourseSession.objects.get(course=here)
    missed = CourseSession.objects.get(course=away)
    assert (attended.number, attended.delivery, attended.group_session) == (
        1,
        "group",
        meeting,
    )
    assert (missed.number, missed.attendance) == (None, Attendance.MISSED)
    here.refresh_from_db()
    assert here.sessions_attended == 1
    # each member's note is their own, on their own course's session
    note = services.note_save_draft(
        session=attended, by=clinic.therapist_on_team, mood=6
    )
    assert note.session.course == here


def test_a_group_session_needs_every_members_attendance(
    clinic: Clinic, group: Group
) -> None:
    member = services.group_member_add(
        group=group, course=_member_course(clinic), by=clinic.therapist_on_team
    )
    services.group_member_add(
        group=group, course=_member_course(clinic), by=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="every member"):
        services.group_session_record(
            group=group,
            by=clinic.therapist_on_team,
            held_on=TODAY,
            theme="",
            attendance={member.pk: Attendance.ATTENDED},
        )
    assert not GroupSession.objects.exists()


def test_one_members_refusal_refuses_the_whole_meeting(
    clinic: Clinic, group: Group
) -> None:
    full = _member_course(clinic, sessions_attended=program("group").sessions)
    fine = _member_course(clinic)
    members = [
        services.group_member_add(
            group=group, course=course, by=clinic.therapist_on_team
        )
        for course in (full, fine)
    ]
    with pytest.raises(Refused, match=full.patient.record_number):
        services.group_session_record(
            group=group,
            by=clinic.therapist_on_team,
            held_on=TODAY,
            theme="",
            attendance={m.pk: Attendance.ATTENDED for m in members},
        )
    assert not GroupSession.objects.exists()
    assert not CourseSession.objects.exists()


def test_group_facilitators_are_clinicians_of_the_team(clinic: Clinic) -> None:
    with pytest.raises(Refused, match="clinicians of the group's team"):
        services.group_create(
            by=clinic.therapist_on_team,
            name="A group",
            program=program("group"),
            team=clinic.team_a,
            facilitators=[clinic.therapist_other_site],
            starts_on=TODAY,
        )
    with pytest.raises(Refused, match="group program"):
        services.group_create(
            by=clinic.therapist_on_team,
            name="A group",
            program=program("ipt12"),
            team=clinic.team_a,
            facilitators=[clinic.therapist_on_team],
            starts_on=TODAY,
        )


def test_the_group_page_is_for_facilitators_and_the_teams_supervisors(
    client: Client, clinic: Clinic, group: Group
) -> None:
    services.group_member_add(
        group=group, course=_member_course(clinic), by=clinic.therapist_on_team
    )
    url = reverse("ipt:group-detail", args=[group.public_id])
    for staff, status in [
        (clinic.therapist_on_team, 200),
        (clinic.supervisor, 200),
        (clinic.therapist_off_team, 404),
        (clinic.supervisor_other_team, 404),
        (StaffFactory(site=clinic.site_a, teams=[clinic.team_a]), 404),
    ]:
        client.force_login(staff)
        assert client.get(url).status_code == status, staff


def test_the_group_page_audits_each_member_shown(
    client: Client, clinic: Clinic, group: Group
) -> None:
    course = _member_course(clinic)
    services.group_member_add(group=group, course=course, by=clinic.therapist_on_team)
    client.force_login(clinic.therapist_on_team)
    before = AuditEvent.objects.filter(patient=course.patient).count()
    page = client.get(
        reverse("ipt:group-detail", args=[group.public_id])
    ).content.decode()
    assert course.patient.family_name in page
    assert AuditEvent.objects.filter(patient=course.patient).count() == before + 1


def test_a_group_session_is_recorded_through_the_form(
    client: Client, clinic: Clinic, group: Group
) -> None:
    member = services.group_member_add(
        group=group, course=_member_course(clinic), by=clinic.therapist_on_team
    )
    client.force_login(clinic.therapist_on_team)
    url = reverse("ipt:group-session-record", args=[group.public_id])
    bad = client.post(url, {"held_on": "2099-01-01"})
    assert bad.status_code == 200
    assert "The date is in the future." in bad.content.decode()
    assert not GroupSession.objects.exists()
    began = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(
        url,
        {
            "held_on": began.date().isoformat(),
            "at": f"{began:%H:%M}",
            "duration_minutes": "90",
            "theme": "Warm-up",
            f"member_{member.pk}": "attended",
        },
    )
    assert response.status_code == 302
    session = GroupSession.objects.get().course_sessions.get()
    assert session.number == 1
    assert session.attendee.appointment.group == group  # booked on the spot


def _group_form(clinic: Clinic, **changes: object) -> dict[str, object]:
    """The group form as a facilitator fills it in, with ``changes``."""
    return {
        "name": "Thursday group",
        "program": program("group").pk,
        "team": clinic.team_a.pk,
        "facilitators": [clinic.therapist_on_team.pk],
        "starts_on": TODAY.isoformat(),
        "max_members": "8",
        **changes,
    }


def test_a_group_is_started_and_a_member_added_through_the_pages(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    response = client.post(
        reverse("ipt:group-create"),
        _group_form(clinic),
    )
    group = Group.objects.get()
    assert response.status_code == 302
    course = _member_course(clinic)
    # the candidate must be visible to the facilitator: on the care team
    course.patient.care_team.create(staff=clinic.therapist_on_team, role="clinician")
    response = client.post(
        reverse("ipt:group-detail", args=[group.public_id]),
        {"course": str(course.public_id)},
    )
    assert response.status_code == 302
    assert group.members.get().course == course


@pytest.mark.parametrize("facilitator", ["99999999999999999999999", str(2**63)])
def test_a_facilitator_id_past_any_integer_is_refused_on_the_form(
    client: Client, clinic: Clinic, facilitator: str
) -> None:
    """An outside probe's 500 on SQLite: the id overflowed its integers."""
    client.force_login(clinic.therapist_on_team)
    response = client.post(
        reverse("ipt:group-create"),
        _group_form(clinic, facilitators=[facilitator]),
    )
    assert response.status_code in (200, 400)
    assert "not one of the available choices" in response.content.decode()
    assert not Group.objects.exists()
