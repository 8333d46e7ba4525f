"""URL arguments for the scheduling lines of the access matrix (tests/access_matrix.py).

Objects are made with factories, not services, so that making them writes no audit
row (the matrix counts the rows a page writes). Each helper reuses what an earlier one
made, since the IDOR sweep calls them all in one test.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ipt.choices import Phase
from ipt.models import Course, Group, GroupMember
from ipt.tests.factories import CourseFactory, GroupFactory, program
from scheduling import services
from scheduling.models import Appointment, CalendarFeed
from scheduling.tests.factories import booked, group_booked


def appointment_kwargs(clinic: Any) -> dict[str, Any]:
    """A session of the patient's tomorrow."""
    appointment = Appointment.objects.filter(
        attendees__patient=clinic.patient, group__isnull=True
    ).first() or booked(clinic.patient, clinic.therapist_on_team)
    return {
        "public_id": clinic.patient.public_id,
        "appointment_id": appointment.public_id,
    }


def _group(clinic: Any) -> Group:
    group = Group.objects.filter(facilitators=clinic.therapist_on_team).first()
    if group is None:
        group = GroupFactory(
            team=clinic.team_a, facilitators=[clinic.therapist_on_team]
        )
        course = Course.objects.filter(patient=clinic.patient).exclude(
            phase=Phase.ENDED
        ).first() or CourseFactory(
            patient=clinic.patient,
            clinician=clinic.therapist_on_team,
            program=program("group"),
            phase=Phase.MIDDLE,
            sessions_attended=2,
        )
        GroupMember.objects.create(group=group, course=course)
    return group


def group_kwargs(clinic: Any) -> dict[str, Any]:
    return {"group_id": _group(clinic).public_id}


def group_session_kwargs(clinic: Any) -> dict[str, Any]:
    """A meeting of the group, begun an hour ago (attendance may be recorded)."""
    group = _group(clinic)
    appointment = group.appointments.first() or group_booked(
        group, clinic.therapist_on_team, starts_at=timezone.now() - timedelta(hours=1)
    )
    return {"appointment_id": appointment.public_id}


def feed_kwargs(clinic: Any) -> dict[str, Any]:
    """A live feed token of the therapist: the token, not a sign-in, opens the feed."""
    CalendarFeed.objects.all().delete()
    return {"token": services.feed_create(staff=clinic.therapist_on_team)}
