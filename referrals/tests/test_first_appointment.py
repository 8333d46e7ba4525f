"""Intake books the first appointment through scheduling: accepting with a clinician,
or booking from the waiting list, puts one appointment on the clinician's calendar
(audited by scheduling, reminded like any other), and a clash scheduling refuses is a
form error with nothing changed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from ipt.models import Course
from patients.models import CareTeamMember, Patient
from referrals.choices import Status
from referrals.models import Referral
from referrals.tests.factories import ReferralFactory, in_contact, program, waiting
from scheduling import services as scheduling
from scheduling.choices import Party, Purpose
from scheduling.models import Appointment, Attendee
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db


def _soon(days: int = 3) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def _local(when: datetime.datetime, zone: Any = None) -> str:
    """The time as the coordinator types it: on the site's clocks."""
    return timezone.localtime(when, zone).strftime("%Y-%m-%dT%H:%M")


def _accept(client: Client, clinic: Clinic, referral: Referral, when: Any) -> Any:
    return client.post(
        reverse("referrals:accept", args=[referral.public_id]),
        {
            "program": program("ipt16").pk,
            "team": clinic.team_a.pk,
            "next_step": "book",
            "clinician": clinic.therapist_on_team.pk,
            "first_appointment_at": _local(when, referral.site_zone),
            "place": "Room 2, 14 High Street",
        },
    )


def _book(client: Client, clinic: Clinic, referral: Referral, when: Any) -> Any:
    return client.post(
        reverse("referrals:book", args=[referral.public_id]),
        {
            "clinician": clinic.therapist_on_team.pk,
            "first_appointment_at": _local(when, referral.site_zone),
            "video_link": "https://video.example.org/room-7",
        },
    )


def _snapshot() -> tuple[int, ...]:
    return (
        Patient.objects.count(),
        Course.objects.count(),
        CareTeamMember.objects.count(),
        Appointment.objects.count(),
        Attendee.objects.count(),
        AuditEvent.objects.filter(action__in=["create", "update"]).count(),
        Referral.objects.filter(status=Status.BOOKED).count(),
    )


def _clash_at(clinic: Clinic, when: datetime.datetime) -> Appointment:
    """The clinician already has a session with another patient at that time."""
    return booked(clinic.patient, clinic.therapist_on_team, starts_at=when)


def test_accepting_with_a_clinician_books_one_appointment_on_their_calendar(
    client: Client, clinic: Clinic
) -> None:
    referral = in_contact(ReferralFactory(site=clinic.site_a))
    client.force_login(clinic.coordinator)
    first = _soon()
    # when
    response = _accept(client, clinic, referral, first)
    # then: one appointment, the clinician's, for the new patient on the new course
    assert response.status_code == 302
    referral.refresh_from_db()
    appointment = Appointment.objects.get()
    assert appointment.clinician == clinic.therapist_on_team
    assert appointment.starts_at == first == referral.first_appointment_at
    assert appointment.booked_by == clinic.coordinator
    assert appointment.place == "Room 2, 14 High Street"  # what the reminder says
    attendee = appointment.attendees.get()
    assert (attendee.patient, attendee.course) == (referral.patient, referral.course)
    assert referral.first_appointment == appointment
    calendar = Appointment.objects.for_clinician(clinic.therapist_on_team.pk)
    assert list(calendar) == [appointment]
    # one audit row of scheduling's, naming fields, not values
    event = AuditEvent.objects.get(category="appointment")
    assert (event.action, event.actor, event.patient) == (
        "create",
        clinic.coordinator,
        referral.patient,
    )
    assert event.object_id == str(appointment.public_id)
    # and the patient is reminded like anyone booked through scheduling
    due = scheduling.messages_due(now=first - datetime.timedelta(hours=2))
    assert any(
        d.purpose == Purpose.REMINDER and d.attendee_id == attendee.pk for d in due
    )


def test_booking_from_the_waiting_list_books_one_appointment(
    client: Client, clinic: Clinic
) -> None:
    referral = waiting(ReferralFactory(site=clinic.site_a))
    client.force_login(clinic.coordinator)
    first = _soon(10)
    response = _book(client, clinic, referral, first)
    assert response.status_code == 302
    referral.refresh_from_db()
    appointment = Appointment.objects.get()
    assert referral.status == Status.BOOKED
    assert referral.first_appointment == appointment
    assert (appointment.clinician, appointment.starts_at) == (
        clinic.therapist_on_team,
        first,
    )
    assert appointment.attendees.get().course == referral.course
    assert AuditEvent.objects.filter(category="appointment").count() == 1


CLASHES = [
    pytest.param(in_contact, _accept, Status.IN_CONTACT, id="accepting"),
    pytest.param(waiting, _book, Status.WAITING, id="booking-from-the-waiting-list"),
]


@pytest.mark.parametrize(("start", "post", "status"), CLASHES)
def test_a_clash_on_the_clinicians_calendar_is_refused_and_changes_nothing(
    client: Client,
    clinic: Clinic,
    start: Callable[[Referral], Referral],
    post: Callable[..., Any],
    status: Status,
) -> None:
    referral = start(ReferralFactory(site=clinic.site_a))
    first = _soon()
    _clash_at(clinic, first + datetime.timedelta(minutes=30))  # within the session
    client.force_login(clinic.coordinator)
    before = _snapshot()
    # when
    response = post(client, clinic, referral, first)
    # then: the intake form again, saying what clashes
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "That time clashes." in errors
    assert f"{clinic.therapist_on_team.display_name} already has a session" in errors
    # and nothing changed: no record, course, care team, appointment or audit row
    assert _snapshot() == before
    referral.refresh_from_db()
    assert referral.status == status
    assert referral.course is None and referral.first_appointment is None


def test_the_request_shows_when_its_first_appointment_has_since_moved(
    client: Client, clinic: Clinic
) -> None:
    referral = waiting(ReferralFactory(site=clinic.site_a))
    client.force_login(clinic.coordinator)
    first = _soon(10)
    _book(client, clinic, referral, first)
    referral.refresh_from_db()
    assert referral.first_appointment is not None
    scheduling.appointment_move(
        by=clinic.therapist_on_team,
        appointment=referral.first_appointment,
        day=timezone.localdate(first) + datetime.timedelta(days=1),
        at=datetime.time(11),
        requested_by=Party.PATIENT,
        reason="Asked for the next day.",
    )
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert "since moved to" in page.content.decode()


def test_the_time_is_read_on_the_sites_clocks_not_the_servers(
    client: Client, clinic: Clinic
) -> None:
    # given a site in New York, on a server whose zone is London
    clinic.site_a.time_zone = "America/New_York"
    clinic.site_a.save()
    referral = in_contact(ReferralFactory(site=clinic.site_a))
    client.force_login(clinic.coordinator)
    day = (timezone.now() + datetime.timedelta(days=5)).date()
    # when the coordinator types 10:00
    response = _accept_at(client, clinic, referral, f"{day:%Y-%m-%d}T10:00")
    # then the appointment is at 10:00 in New York, and the form said whose time
    assert response.status_code == 302
    new_york = ZoneInfo("America/New_York")
    starts_at = Appointment.objects.get().starts_at
    assert timezone.localtime(starts_at, new_york).time() == datetime.time(10, 0)
    assert timezone.localtime(starts_at, new_york).date() == day
    form_page = client.get(
        reverse(
            "referrals:accept",
            args=[in_contact(ReferralFactory(site=clinic.site_a)).public_id],
        )
    )
    assert "America/New_York time" in form_page.content.decode()


def _accept_at(client: Client, clinic: Clinic, referral: Referral, typed: str) -> Any:
    return client.post(
        reverse("referrals:accept", args=[referral.public_id]),
        {
            "program": program("ipt16").pk,
            "team": clinic.team_a.pk,
            "next_step": "book",
            "clinician": clinic.therapist_on_team.pk,
            "first_appointment_at": typed,
            "place": "Room 2",
        },
    )


def test_booking_needs_a_place_or_a_video_link_and_shows_it(
    client: Client, clinic: Clinic
) -> None:
    referral = waiting(ReferralFactory(site=clinic.site_a))
    client.force_login(clinic.coordinator)
    url = reverse("referrals:book", args=[referral.public_id])
    before = _snapshot()
    # without either: a clear error and nothing booked
    response = client.post(
        url,
        {
            "clinician": clinic.therapist_on_team.pk,
            "first_appointment_at": _local(_soon(), referral.site_zone),
        },
    )
    assert response.status_code == 200
    assert "Give a place or a video link." in str(response.context["form"].errors)
    assert _snapshot() == before
    # with a video link: booked, and the request says where
    assert _book(client, clinic, referral, _soon()).status_code == 302
    assert Appointment.objects.get().video_link == "https://video.example.org/room-7"
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert "By video" in page.content.decode()
