"""Booking a course's contract, single sessions, moving and cancelling, and the
refusal of a clinician's double booking."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from audit.models import AuditEvent
from conftest import Clinic
from ipt.models import Course
from ipt.tests.factories import CourseFactory
from scheduling import recurrence, services
from scheduling.choices import AppointmentStatus, ChangeKind, Party
from scheduling.models import Appointment, AppointmentChange, Attendee
from scheduling.services import Refused
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db

# Saturday 1 March 2025, 10:00 in London: both spring clock changes are ahead.
NOW = datetime(2025, 3, 1, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)


def reasons(refusal: pytest.ExceptionInfo[Refused]) -> str:
    return " ".join(refusal.value.reasons)


def _book_series(course: Course, by: object, **overrides: object) -> object:
    fields: dict[str, object] = {
        "first_date": date(2025, 3, 20),
        "at": time(18),
        "duration_minutes": 50,
        "sessions": 6,
        "frequency": "weekly",
        "place": "Room 3, 1 High Street",
    }
    fields.update(overrides)
    return services.series_book(by=by, course=course, **fields)  # type: ignore[arg-type]


def _local_starts(appointments: list[Appointment]) -> list[str]:
    return [a.local_starts_at.strftime("%a %H:%M") for a in appointments]


def test_booking_the_contract_creates_its_weekly_series_at_18_00_across_the_clock_change(
    clinic: Clinic, course: Course
) -> None:
    # when
    series = _book_series(course, clinic.therapist_on_team)
    # then
    appointments = list(Appointment.objects.order_by("starts_at"))
    assert len(appointments) == 6
    assert _local_starts(appointments) == ["Thu 18:00"] * 6
    assert appointments[0].starts_at == datetime(2025, 3, 20, 18, tzinfo=UTC)  # GMT
    assert appointments[2].starts_at == datetime(2025, 4, 3, 17, tzinfo=UTC)  # BST
    assert all(a.series == series for a in appointments)
    assert all(a.clinician == clinic.therapist_on_team for a in appointments)
    attendees = Attendee.objects.filter(appointment__in=appointments)
    assert {(a.patient_id, a.course_id) for a in attendees} == {
        (clinic.patient.pk, course.pk)
    }
    event = AuditEvent.objects.get(category="appointment_series")
    assert event.patient == clinic.patient
    assert "Room 3" not in event.detail  # field names, never values


def test_a_new_york_site_books_on_new_york_clocks(
    clinic: Clinic, course: Course
) -> None:
    # given
    clinic.site_a.time_zone = "America/New_York"
    clinic.site_a.save()
    # when: 4 March to 25 March crosses the change of 9 March
    _book_series(
        course, clinic.therapist_on_team, first_date=date(2025, 3, 4), sessions=4
    )
    # then
    appointments = list(Appointment.objects.order_by("starts_at"))
    assert _local_starts(appointments) == ["Tue 18:00"] * 4
    assert appointments[0].starts_at.astimezone(UTC).hour == 23  # EST, UTC-5
    assert appointments[1].starts_at.astimezone(UTC).hour == 22  # EDT, UTC-4
    assert {a.time_zone for a in appointments} == {"America/New_York"}


def test_contract_defaults_come_from_the_contract_or_the_program(
    clinic: Clinic, course: Course
) -> None:
    defaults = services.contract_defaults(course)
    assert defaults.sessions == course.sessions_planned  # nothing held or booked yet
    assert defaults.frequency == "weekly"
    assert defaults.first_date > NOW.date()
    _book_series(course, clinic.therapist_on_team, sessions=4)
    assert services.contract_defaults(course).sessions == course.sessions_planned - 4


def test_booking_more_sessions_than_the_plan_has_left_is_refused(
    clinic: Clinic, course: Course
) -> None:
    with pytest.raises(Refused) as refusal:
        _book_series(
            course, clinic.therapist_on_team, sessions=course.sessions_planned + 1
        )
    assert "left to book" in reasons(refusal)
    assert not Appointment.objects.exists()


def test_twice_weekly_needs_its_second_day(clinic: Clinic, course: Course) -> None:
    with pytest.raises(Refused) as refusal:
        _book_series(course, clinic.therapist_on_team, frequency="twice_weekly")
    assert "second day" in reasons(refusal)
    _book_series(
        course, clinic.therapist_on_team, frequency="twice_weekly", second_weekday=0
    )
    days = {a.local_starts_at.strftime("%a") for a in Appointment.objects.all()}
    assert days == {"Mon", "Thu"}


def test_a_clinicians_double_booking_is_refused_naming_the_clash(
    clinic: Clinic, course: Course
) -> None:
    # given: the clinician sees someone else on Thursday 27 March at 18:30
    other = clinic.patient_other_site
    other.family_name = "Quillfeather"  # a canary no date or clinician name contains
    other.save()
    clash = booked(
        other,
        clinic.therapist_on_team,
        starts_at=recurrence.local_instant(
            date(2025, 3, 27), time(18, 30), "Europe/London"
        ),
    )
    before = Appointment.objects.count()
    # when
    with pytest.raises(Refused) as refusal:
        _book_series(course, clinic.therapist_on_team)
    # then: nothing of the series was booked, and the message names the clash
    text = reasons(refusal)
    assert clinic.therapist_on_team.display_name in text
    assert "Thursday 27 March 2025, 18:30–19:20" in text
    assert other.family_name not in text  # the other patient is not named
    assert Appointment.objects.count() == before
    assert clash.status == AppointmentStatus.SCHEDULED


def test_a_single_booking_over_another_is_refused_and_back_to_back_is_fine(
    clinic: Clinic,
) -> None:
    # given
    first = services.appointment_book(
        by=clinic.coordinator,
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        day=date(2025, 3, 4),
        at=time(9),
        duration_minutes=50,
        place="Room 3",
    )
    # when / then: 09:30 overlaps
    with pytest.raises(Refused) as refusal:
        services.appointment_book(
            by=clinic.coordinator,
            patient=clinic.patient,
            clinician=clinic.therapist_on_team,
            day=date(2025, 3, 4),
            at=time(9, 30),
            duration_minutes=50,
            place="Room 3",
        )
    assert "already has a session on Tuesday 4 March 2025, 09:00–09:50" in reasons(
        refusal
    )
    # 09:50 starts as the first ends: no clash for the clinician (another patient)
    second = services.appointment_book(
        by=clinic.coordinator,
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        day=date(2025, 3, 4),
        at=time(9, 50),
        duration_minutes=50,
        video_link="https://video.example.org/room/42",
    )
    assert second.starts_at == first.ends_at


def test_the_patient_cannot_be_booked_twice_at_once(clinic: Clinic) -> None:
    # given: another clinician on the care team
    from patients.tests.factories import CareTeamMemberFactory

    CareTeamMemberFactory(
        patient=clinic.patient, staff=clinic.supervisor, role="clinician"
    )
    booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=datetime(2025, 3, 4, 9, tzinfo=UTC),
    )
    # when / then
    with pytest.raises(Refused) as refusal:
        services.appointment_book(
            by=clinic.coordinator,
            patient=clinic.patient,
            clinician=clinic.supervisor,
            day=date(2025, 3, 4),
            at=time(9, 15),
            duration_minutes=50,
            place="Room 4",
        )
    assert "The patient already has a session" in reasons(refusal)


def test_a_clinician_off_the_care_team_cannot_hold_the_session(clinic: Clinic) -> None:
    with pytest.raises(Refused) as refusal:
        services.appointment_book(
            by=clinic.coordinator,
            patient=clinic.patient,
            clinician=clinic.therapist_off_team,
            day=date(2025, 3, 4),
            at=time(9),
            duration_minutes=50,
            place="Room 3",
        )
    assert "not on the patient's care team" in reasons(refusal)


def test_a_time_in_the_past_is_refused(clinic: Clinic) -> None:
    with pytest.raises(Refused, match="passed"):
        services.appointment_book(
            by=clinic.coordinator,
            patient=clinic.patient,
            clinician=clinic.therapist_on_team,
            day=date(2025, 2, 28),
            at=time(9),
            duration_minutes=50,
            place="Room 3",
        )


def test_moving_keeps_the_length_records_who_asked_and_why(clinic: Clinic) -> None:
    # given
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=datetime(2025, 3, 4, 9, tzinfo=UTC),
        minutes=60,
    )
    # when: to the day after the change, 18:00 London time
    services.appointment_move(
        by=clinic.coordinator,
        appointment=appointment,
        day=date(2025, 3, 31),
        at=time(18),
        requested_by=Party.PATIENT,
        reason="Working late that day",
    )
    # then
    appointment.refresh_from_db()
    assert appointment.local_starts_at.strftime("%Y-%m-%d %H:%M") == "2025-03-31 18:00"
    assert appointment.duration == timedelta(minutes=60)
    change = AppointmentChange.objects.get()
    assert (change.kind, change.requested_by) == (ChangeKind.MOVED, Party.PATIENT)
    assert change.previous_starts_at == datetime(2025, 3, 4, 9, tzinfo=UTC)
    audit_row = AuditEvent.objects.filter(category="appointment").latest("id")
    assert "Working late" not in audit_row.detail
    assert "requested_by=patient" in audit_row.detail


def test_moving_onto_another_session_is_refused(clinic: Clinic) -> None:
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=datetime(2025, 3, 4, 9, tzinfo=UTC),
    )
    booked(
        clinic.patient_other_site,
        clinic.therapist_on_team,
        starts_at=datetime(2025, 3, 5, 9, tzinfo=UTC),
    )
    with pytest.raises(Refused, match="already has a session on Wednesday 5 March"):
        services.appointment_move(
            by=clinic.coordinator,
            appointment=appointment,
            day=date(2025, 3, 5),
            at=time(9, 10),
            requested_by=Party.CLINIC,
            reason="Room needed",
        )
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime(2025, 3, 4, 9, tzinfo=UTC)
    assert not AppointmentChange.objects.exists()


def test_cancelling_needs_a_reason_and_frees_the_time(clinic: Clinic) -> None:
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=datetime(2025, 3, 4, 9, tzinfo=UTC),
    )
    with pytest.raises(Refused, match="reason"):
        services.appointment_cancel(
            by=clinic.coordinator,
            appointment=appointment,
            requested_by=Party.CLINIC,
            reason="  ",
        )
    services.appointment_cancel(
        by=clinic.coordinator,
        appointment=appointment,
        requested_by=Party.CLINIC,
        reason="Clinician unwell",
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    # the slot is free again
    services.appointment_book(
        by=clinic.coordinator,
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        day=date(2025, 3, 4),
        at=time(9),
        duration_minutes=50,
        place="Room 3",
    )
    with pytest.raises(Refused, match="already cancelled"):
        services.appointment_cancel(
            by=clinic.coordinator,
            appointment=appointment,
            requested_by=Party.CLINIC,
            reason="Again",
        )
