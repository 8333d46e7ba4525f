"""Group work belongs to appointments too: a group meeting recorded on the group's page
is booked on the spot (a group appointment with every member whose course is open) and
each member's attendance recorded through it, in one transaction, so the calendar feed,
the attendance figures and the course's ending see group work as they see sessions
alone (docs/decisions/0043)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt import services
from ipt.choices import Attendance, Delivery, Phase
from ipt.models import Course, CourseSession, Group, GroupMember, GroupSession
from ipt.tests.factories import CourseFactory, program
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling
from scheduling.choices import AppointmentKind, AttendanceOutcome
from scheduling.models import Appointment, Attendee, EngagementEvent
from scheduling.tests.factories import booked, group_booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(clinic: Clinic) -> Group:
    return services.group_create(
        by=clinic.therapist_on_team,
        name="Tuesday evening group",
        program=program("group"),
        team=clinic.team_a,
        facilitators=[clinic.therapist_on_team],
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def _member(clinic: Clinic, group: Group, **course: Any) -> GroupMember:
    made = CourseFactory(
        patient=PatientFactory(team=clinic.team_a),
        program=program("group"),
        clinician=clinic.therapist_off_team,
        **course,
    )
    return services.group_member_add(
        group=group, course=made, by=clinic.therapist_on_team
    )


@pytest.fixture
def members(clinic: Clinic, group: Group) -> list[GroupMember]:
    return [_member(clinic, group) for _ in range(3)]


def _an_hour_ago() -> datetime.datetime:
    return timezone.localtime() - datetime.timedelta(hours=1)


def _outcomes(
    members: list[GroupMember], missed: GroupMember | None = None
) -> dict[str, AttendanceOutcome]:
    return {
        str(member.course.public_id): AttendanceOutcome.DID_NOT_ATTEND
        if member == missed
        else AttendanceOutcome.ATTENDED
        for member in members
    }


def _record(
    clinic: Clinic, group: Group, outcomes: dict[str, AttendanceOutcome], **kw: Any
) -> Appointment:
    when = kw.pop("when", None) or _an_hour_ago()
    return scheduling.unplanned_group_session_record(
        by=kw.pop("by", clinic.therapist_on_team),
        group=group,
        day=when.date(),
        at=when.time().replace(second=0, microsecond=0),
        duration_minutes=kw.pop("duration_minutes", 90),
        outcomes=outcomes,
        **kw,
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        Appointment.objects.count(),
        Attendee.objects.count(),
        GroupSession.objects.count(),
        CourseSession.objects.count(),
    )


def test_a_group_meeting_is_booked_on_the_spot_and_each_member_counted(
    clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    when = _an_hour_ago()
    appointment = _record(
        clinic, group, _outcomes(members, missed=members[2]), when=when, theme="Roles"
    )
    assert appointment.kind == AppointmentKind.GROUP
    assert appointment.group == group
    assert appointment.clinician == clinic.therapist_on_team  # the facilitator
    assert appointment.local_starts_at.strftime("%Y-%m-%d %H:%M") == when.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert appointment.duration_minutes == 90
    meeting = GroupSession.objects.get()
    assert (meeting.number, meeting.theme) == (1, "Roles")
    for member in members:
        attendee = Attendee.objects.select_related("course_session").get(
            appointment=appointment, course=member.course
        )
        session = attendee.course_session
        assert session is not None and session.group_session == meeting
        assert session.delivery == Delivery.GROUP
        member.course.refresh_from_db()
    assert [m.course.sessions_attended for m in members] == [1, 1, 0]
    missed = Attendee.objects.get(course=members[2].course)
    assert missed.attendance == AttendanceOutcome.DID_NOT_ATTEND
    assert missed.course_session.attendance == Attendance.MISSED  # type: ignore[union-attr]
    # The booking is audited for each member, without a name in the detail.
    booked_rows = AuditEvent.objects.filter(
        category="appointment", object_id=str(appointment.public_id)
    )
    assert {row.patient_id for row in booked_rows} == {
        m.course.patient_id for m in members
    }
    assert all("unplanned; group" in row.detail for row in booked_rows)
    assert not any(
        m.course.patient.family_name in row.detail
        for row in booked_rows
        for m in members
    )


def test_the_next_meeting_takes_the_next_number_and_counts_missed_runs(
    clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    _record(
        clinic,
        group,
        _outcomes(members, missed=members[0]),
        when=_an_hour_ago() - datetime.timedelta(days=14),
    )
    _record(
        clinic,
        group,
        _outcomes(members, missed=members[0]),
        when=_an_hour_ago() - datetime.timedelta(days=7),
    )
    assert list(GroupSession.objects.values_list("number", flat=True)) == [1, 2]
    # Two missed in a row are seen as missed sessions alone are (engagement events).
    assert EngagementEvent.objects.filter(patient=members[0].course.patient).exists()
    assert not EngagementEvent.objects.filter(
        patient=members[1].course.patient
    ).exists()


def test_a_supervisor_records_it_for_the_groups_facilitator(
    clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    appointment = _record(clinic, group, _outcomes(members), by=clinic.supervisor)
    assert appointment.clinician == clinic.therapist_on_team
    assert appointment.booked_by == clinic.supervisor


def test_the_meeting_is_in_the_facilitators_calendar_feed(
    clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    appointment = _record(clinic, group, _outcomes(members))
    events = scheduling_selectors.feed_events(
        staff=clinic.therapist_on_team, host="test"
    )
    mine = [e for e in events if e.uid.startswith(str(appointment.public_id))]
    assert [e.summary for e in mine] == ["Group session (3)"]
    member_events = scheduling_selectors.patient_events(
        patient=members[0].course.patient, host="test"
    )
    assert [e.summary for e in member_events] == ["Group session"]


def test_a_members_course_ending_leaves_their_recorded_meetings_and_future_ones_go(
    clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    _record(clinic, group, _outcomes(members))
    future = group_booked(group, clinic.therapist_on_team)
    course = members[0].course
    assert [a.appointment for a in scheduling.future_appointments_of(course)] == [
        future
    ]
    scheduling.course_calendar_end(by=clinic.therapist_on_team, course=course)
    # Taken off the coming meeting, the one held stays on their course.
    assert not future.attendees.filter(course=course).exists()
    assert Attendee.objects.filter(course=course, attendance="attended").count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("future", "once it has begun"),
        ("missing_member", "every member"),
        ("late_cancellation", "attended or not attended"),
        ("facilitator_busy", "already has a group session"),
        ("member_busy", "The patient already has a session"),
        ("full_course", "record number"),
        ("too_long", "10 to 240 minutes"),
    ],
)
def test_bad_input_is_refused_and_books_nothing(
    clinic: Clinic,
    group: Group,
    members: list[GroupMember],
    case: str,
    message: str,
) -> None:
    outcomes = _outcomes(members)
    when = _an_hour_ago()
    kw: dict[str, Any] = {}
    if case == "future":
        when = timezone.localtime() + datetime.timedelta(hours=2)
    elif case == "missing_member":
        outcomes.pop(str(members[1].course.public_id))
    elif case == "late_cancellation":
        outcomes[str(members[1].course.public_id)] = AttendanceOutcome.LATE_CANCELLATION
    elif case == "facilitator_busy":
        group_booked(group, clinic.therapist_on_team, starts_at=when)
    elif case == "member_busy":
        booked(
            members[1].course.patient,
            clinic.therapist_off_team,
            starts_at=when,
            course=members[1].course,
        )
    elif case == "full_course":
        Course.objects.filter(pk=members[1].course.pk).update(
            sessions_attended=program("group").sessions
        )
        message = members[1].course.patient.record_number
    elif case == "too_long":
        kw["duration_minutes"] = 24 * 60
    before = _counts()
    with pytest.raises(scheduling.Refused, match=message):
        _record(clinic, group, outcomes, when=when, **kw)
    assert _counts() == before


def test_members_whose_course_has_ended_are_not_on_the_roll(
    clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    Course.objects.filter(pk=members[2].course.pk).update(
        phase=Phase.ENDED, outcome="dropped_out", ended_on=timezone.localdate()
    )
    appointment = _record(clinic, group, _outcomes(members[:2]))
    assert set(appointment.attendees.values_list("course_id", flat=True)) == {
        m.course_id for m in members[:2]
    }


# --- The group page's form -----------------------------------------------------------


def _url(group: Group) -> str:
    return reverse("ipt:group-session-record", args=[group.public_id])


def _post(members: list[GroupMember], **fields: str) -> dict[str, str]:
    when = _an_hour_ago()
    return {
        "held_on": when.date().isoformat(),
        "at": f"{when:%H:%M}",
        "duration_minutes": "90",
        "theme": "Warm-up",
        **{f"member_{m.pk}": "attended" for m in members},
        **fields,
    }


def test_the_group_page_records_a_meeting_with_its_appointment(
    client: Client, clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    client.force_login(clinic.therapist_on_team)
    form = client.get(_url(group)).content.decode()
    assert "Time it began" in form and "Late cancellation" not in form
    response = client.post(
        _url(group), _post(members, **{f"member_{members[0].pk}": "did_not_attend"})
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.is_group and appointment.group == group
    assert appointment.attendees.filter(course_session__isnull=False).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "Recorded group session 1." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"at": ""}, "This field is required."),
        ({"duration_minutes": "5"}, "greater than or equal to 10"),
        ({"held_on": "2099-01-01"}, "The date is in the future."),
        ({"member_X": "late_cancellation"}, "Select a valid choice."),
    ],
)
def test_the_form_refuses_bad_input_and_changes_nothing(
    client: Client,
    clinic: Clinic,
    group: Group,
    members: list[GroupMember],
    fields: dict[str, str],
    message: str,
) -> None:
    if "member_X" in fields:
        fields = {f"member_{members[0].pk}": fields["member_X"]}
    client.force_login(clinic.therapist_on_team)
    before = _counts()
    response = client.post(_url(group), _post(members, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_a_clash_is_shown_on_the_form(
    client: Client, clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    client.force_login(clinic.therapist_on_team)
    data = _post(members)
    group_booked(
        group,
        clinic.therapist_on_team,
        starts_at=timezone.make_aware(
            datetime.datetime.fromisoformat(f"{data['held_on']}T{data['at']}")
        ),
    )
    before = _counts()
    response = client.post(_url(group), data)
    assert response.status_code == 200
    assert "That time clashes." in response.content.decode()
    assert _counts() == before


def test_only_the_facilitators_and_the_teams_supervisors_record_a_meeting(
    client: Client, clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    for staff, status in [
        (clinic.therapist_off_team, 404),
        (clinic.supervisor_other_team, 404),
        (StaffFactory(site=clinic.site_a, teams=[clinic.team_a]), 404),
        (clinic.supervisor, 302),
    ]:
        client.force_login(staff)
        assert client.get(_url(group)).status_code == (200 if status == 302 else 404), (
            staff
        )
        assert client.post(_url(group), _post(members)).status_code == status, staff
    assert Appointment.objects.get().booked_by == clinic.supervisor


def test_the_group_page_leads_to_each_open_members_meeting_alone_which_is_booked(
    client: Client, clinic: Clinic, group: Group, members: list[GroupMember]
) -> None:
    Course.objects.filter(pk=members[2].course.pk).update(
        phase=Phase.ENDED, outcome="dropped_out", ended_on=timezone.localdate()
    )
    client.force_login(clinic.therapist_on_team)
    page = client.get(reverse("ipt:group-detail", args=[group.public_id]))
    links = [
        reverse(
            "ipt:session-record",
            args=[member.course.patient.public_id, member.course.public_id],
        )
        for member in members
    ]
    html = page.content.decode()
    assert links[0] in html and links[1] in html
    assert links[2] not in html  # the course has ended
    # A facilitator records a member's mid-group meeting there: booked, like any
    # session, with the member's own clinician.
    CareTeamMemberFactory(
        patient=members[0].course.patient,
        staff=members[0].course.clinician,
        role="primary",
    )
    when = _an_hour_ago()
    response = client.post(
        links[0],
        {
            "held_on": when.date().isoformat(),
            "at": f"{when:%H:%M}",
            "duration_minutes": "50",
            "attendance": "attended",
        },
    )
    assert response.status_code == 302
    attendee = Attendee.objects.select_related("appointment").get(
        course=members[0].course
    )
    assert attendee.appointment.kind == AppointmentKind.INDIVIDUAL
    assert attendee.appointment.clinician == members[0].course.clinician
    assert attendee.course_session.delivery == Delivery.INDIVIDUAL  # type: ignore[union-attr]
