"""Factories for scheduling. ``booked`` makes an individual appointment with its
attendee directly (no services, no audit rows), for tests that start from a calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Staff
from ipt.models import Course, Group
from patients.models import Patient
from scheduling.choices import AppointmentKind
from scheduling.models import Appointment, Attendee


class AppointmentFactory(DjangoModelFactory[Appointment]):
    class Meta:
        model = Appointment

    kind = AppointmentKind.INDIVIDUAL
    clinician = factory.SubFactory("accounts.tests.factories.StaffFactory")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=50))
    time_zone = "Europe/London"
    place = "Room 3, 1 High Street"
    booked_by = factory.SelfAttribute("clinician")


class AttendeeFactory(DjangoModelFactory[Attendee]):
    class Meta:
        model = Attendee

    appointment = factory.SubFactory(AppointmentFactory)
    patient = factory.SubFactory("patients.tests.factories.PatientFactory")


def booked(
    patient: Patient,
    clinician: Staff,
    *,
    starts_at: datetime | None = None,
    minutes: int = 50,
    course: Course | None = None,
    **fields: Any,
) -> Appointment:
    """An individual appointment for the patient (tomorrow, unless ``starts_at``)."""
    starts_at = starts_at or timezone.now() + timedelta(days=1)
    appointment = AppointmentFactory(
        clinician=clinician,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )
    AttendeeFactory(appointment=appointment, patient=patient, course=course)
    return appointment


def group_booked(
    group: Group, clinician: Staff, *, starts_at: datetime | None = None
) -> Appointment:
    """A group appointment with an attendee for every member's course."""
    starts_at = starts_at or timezone.now() + timedelta(days=1)
    appointment = AppointmentFactory(
        kind=AppointmentKind.GROUP,
        group=group,
        clinician=clinician,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
    )
    for member in group.members.select_related("course"):
        AttendeeFactory(
            appointment=appointment,
            patient_id=member.course.patient_id,
            course=member.course,
        )
    return appointment
