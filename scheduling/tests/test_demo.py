"""The demo clinic's calendars: deterministic, realistic, and never double-booked."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction

from ipt.models import Course
from scheduling.choices import AttendanceOutcome
from scheduling.models import Appointment, Attendee, EngagementEvent

pytestmark = pytest.mark.django_db


def test_the_demo_books_sessions_with_attendance_and_never_double_books() -> None:
    call_command("demo", "--patients", "60", "--seed", "5")
    assert Appointment.objects.filter(attendees__attendance="").exists()  # ahead
    recorded = set(
        Attendee.objects.exclude(attendance="").values_list("attendance", flat=True)
    )
    assert AttendanceOutcome.ATTENDED in recorded
    assert Appointment.objects.filter(kind="group").exists()
    # every attended session on a course has its appointment
    linked = Attendee.objects.filter(course_session__number__isnull=False).count()
    assert linked > 0
    for event in EngagementEvent.objects.all():
        assert event.missed_in_a_row == 2
    # no clinician is in two places at once
    by_clinician: dict[int, list[tuple[object, object]]] = {}
    for appointment in Appointment.objects.order_by("starts_at"):
        by_clinician.setdefault(appointment.clinician_id, []).append(
            (appointment.starts_at, appointment.ends_at)
        )
    for slots in by_clinician.values():
        for (_, end), (start, _) in pairwise(slots):
            assert start >= end
    # open courses have their next sessions booked
    open_course = Course.objects.exclude(phase="ended").first()
    assert open_course is not None


def _load(seed: int) -> list[tuple[object, ...]]:
    """Load the demo, read its calendar, and roll the load back."""
    savepoint = transaction.savepoint()
    call_command("demo", "--patients", "20", "--seed", str(seed))
    calendar = list(
        Appointment.objects.order_by("public_id").values_list(
            "public_id", "clinician__username", "starts_at", "kind", "place"
        )
    )
    transaction.savepoint_rollback(savepoint)
    return calendar


def test_the_same_seed_makes_the_same_calendar() -> None:
    first, again, other = _load(9), _load(9), _load(10)
    assert first and first == again
    assert first != other
