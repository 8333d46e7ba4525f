"""The pages: bad input changes nothing, a clash is shown by name, foreign ids are 404,
and the day and week cost the same for 3 appointments as for 30."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import CareTeamRole
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase, signed_note
from measures.tests.factories import AdministrationFactory
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from scheduling import recurrence
from scheduling.models import Appointment, AppointmentChange, Attendee
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db


def _url(name: str, *args: object) -> str:
    return reverse(f"scheduling:{name}", args=args)


def _counts() -> tuple[int, int, int]:
    return (
        Appointment.objects.count(),
        AppointmentChange.objects.count(),
        Attendee.objects.exclude(attendance="").count(),
    )


def _next_weekday_date(days: int = 7) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# --- Bad input changes nothing ------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"clinician": "", "day": "not a date", "at": "18:00", "duration_minutes": "50"},
        {"day": "2020-01-01", "at": "25:00", "duration_minutes": "5", "place": "x"},
        {"day": "2030-01-07", "at": "18:00", "duration_minutes": "50"},  # no place
        {
            "day": "2030-01-07",
            "at": "18:00",
            "duration_minutes": "50",
            "video_link": "javascript:alert(1)",
        },
    ],
)
def test_bad_booking_input_re_renders_with_errors_and_books_nothing(
    as_therapist: Client, clinic: Clinic, data: dict[str, str]
) -> None:
    data = {"clinician": str(clinic.therapist_on_team.pk), **data}
    before = _counts()
    response = as_therapist.post(_url("book", clinic.patient.public_id), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _counts() == before


def test_a_booking_that_clashes_shows_the_clash_and_books_nothing(
    as_therapist: Client, clinic: Clinic
) -> None:
    day = timezone.localdate() + timedelta(days=7)
    booked(
        clinic.patient_other_site,
        clinic.therapist_on_team,
        starts_at=recurrence.local_instant(day, time(18), "Europe/London"),
    )
    before = _counts()
    response = as_therapist.post(
        _url("book", clinic.patient.public_id),
        {
            "clinician": clinic.therapist_on_team.pk,
            "day": day.isoformat(),
            "at": "18:20",
            "duration_minutes": "50",
            "place": "Room 3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "already has a session on" in body
    assert f"{day:%A} {day.day} {day:%B %Y}, 18:00–18:50" in body
    assert _counts() == before


def test_a_good_booking_redirects_to_the_patients_sessions(
    as_therapist: Client, clinic: Clinic
) -> None:
    response = as_therapist.post(
        _url("book", clinic.patient.public_id),
        {
            "clinician": clinic.therapist_on_team.pk,
            "day": _next_weekday_date(),
            "at": "18:00",
            "duration_minutes": "50",
            "video_link": "https://video.example.org/r/1",
        },
    )
    assert response.status_code == 302
    attendee = Attendee.objects.get()
    assert attendee.patient == clinic.patient
    assert attendee.appointment.local_starts_at.strftime("%H:%M") == "18:00"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"first_date": "2030-01-07", "at": "18:00", "duration_minutes": "50"},
        {
            "first_date": "2030-01-07",
            "at": "18:00",
            "duration_minutes": "50",
            "sessions": "61",
            "frequency": "weekly",
            "place": "Room 3",
        },
        {
            "first_date": "2030-01-07",
            "at": "18:00",
            "duration_minutes": "50",
            "sessions": "4",
            "frequency": "twice_weekly",
            "place": "Room 3",
        },
        {
            "first_date": "2030-01-07",
            "at": "18:00",
            "duration_minutes": "50",
            "sessions": "40",  # more than the plan has left
            "frequency": "weekly",
            "place": "Room 3",
        },
    ],
)
def test_bad_series_input_books_nothing(
    as_therapist: Client, clinic: Clinic, data: dict[str, str]
) -> None:
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    before = _counts()
    response = as_therapist.post(_url("book-series", clinic.patient.public_id), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _counts() == before


def test_the_series_page_books_the_contract(
    as_therapist: Client, clinic: Clinic
) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    page = as_therapist.get(_url("book-series", clinic.patient.public_id))
    assert page.context["form"].initial["sessions"] == 4  # 12 planned, 8 held
    response = as_therapist.post(
        _url("book-series", clinic.patient.public_id),
        {
            "first_date": _next_weekday_date(),
            "at": "18:00",
            "duration_minutes": "50",
            "sessions": "4",
            "frequency": "weekly",
            "place": "Room 3",
        },
    )
    assert response.status_code == 302
    assert Attendee.objects.filter(course=course).count() == 4


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("move", {"day": "", "at": "18:00", "requested_by": "patient", "reason": "x"}),
        ("move", {"day": "2030-01-07", "at": "18:00", "requested_by": "nobody"}),
        ("cancel", {"requested_by": "clinic", "reason": ""}),
        ("cancel", {"requested_by": "", "reason": "Unwell"}),
    ],
)
def test_bad_move_or_cancel_input_changes_nothing(
    as_therapist: Client, clinic: Clinic, name: str, data: dict[str, str]
) -> None:
    appointment = booked(clinic.patient, clinic.therapist_on_team)
    before = (_counts(), appointment.starts_at, appointment.status)
    response = as_therapist.post(
        _url(name, clinic.patient.public_id, appointment.public_id), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    appointment.refresh_from_db()
    assert (_counts(), appointment.starts_at, appointment.status) == before


def test_bad_attendance_input_changes_nothing(
    as_therapist: Client, clinic: Clinic
) -> None:
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=timezone.now() - timedelta(hours=2),
    )
    before = _counts()
    url = _url("attendance", clinic.patient.public_id, appointment.public_id)
    response = as_therapist.post(url, {"attendance": "absent"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _counts() == before
    assert as_therapist.post(url, {"attendance": "attended"}).status_code == 302
    assert Attendee.objects.get().attendance == "attended"


def test_another_patients_appointment_is_404_under_this_patient(
    as_therapist: Client, clinic: Clinic
) -> None:
    other = PatientFactory(team=clinic.team_a)
    CareTeamMemberFactory(patient=other, staff=clinic.therapist_on_team, role="primary")
    theirs = booked(other, clinic.therapist_on_team)
    for name in ("move", "cancel", "attendance"):
        response = as_therapist.get(
            _url(name, clinic.patient.public_id, theirs.public_id)
        )
        assert response.status_code == 404, name


def test_the_patient_page_shows_upcoming_sessions_and_the_caseload_the_next(
    as_therapist: Client, clinic: Clinic
) -> None:
    starts = recurrence.local_instant(date(2030, 1, 8), time(18), "Europe/London")
    booked(clinic.patient, clinic.therapist_on_team, starts_at=starts, place="Room 3")
    detail = as_therapist.get(
        reverse("patients:detail", args=[clinic.patient.public_id])
    )
    assert "Tue 8 Jan 2030, 18:00–18:50 GMT" in detail.content.decode()
    caseload = as_therapist.get(reverse("patients:caseload"))
    assert "Tue 8 Jan, 18:00" in caseload.content.decode()


def test_a_coordinator_sees_sessions_but_not_attendance(
    client: Client, clinic: Clinic
) -> None:
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=timezone.now() - timedelta(days=1),
    )
    Attendee.objects.filter(appointment=appointment).update(
        attendance="did_not_attend", attendance_recorded_at=timezone.now()
    )
    client.force_login(clinic.coordinator)
    body = client.get(
        _url("patient-sessions", clinic.patient.public_id)
    ).content.decode()
    assert "Recorded" in body
    assert "Did not attend" not in body


# --- Day and week -------------------------------------------------------------------
def _caseload_with_sessions(clinic: Clinic, count: int, day: date) -> None:
    """``count`` patients, each with an open course, a session on ``day``, a note with a
    plan, a questionnaire answered and an open alert."""
    for index in range(count):
        patient = PatientFactory(team=clinic.team_a)
        CareTeamMemberFactory(
            patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
        )
        course = course_in_phase(
            Phase.MIDDLE, patient=patient, clinician=clinic.therapist_on_team
        )
        session = course.sessions.order_by("-number").first()
        assert session is not None
        signed_note(session)
        AdministrationFactory(
            patient=patient,
            entered_by=clinic.therapist_on_team,
            administered_at=timezone.now() - timedelta(days=1),
        )
        AlertFactory(patient=patient)
        starts = recurrence.local_instant(day, time(8), "Europe/London") + timedelta(
            minutes=index * 20
        )
        booked(
            patient,
            clinic.therapist_on_team,
            starts_at=starts,
            minutes=15,
            course=course,
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["today", "week"])
@pytest.mark.parametrize("persona", ["therapist_on_team", "supervisor"])
def test_the_day_and_week_cost_the_same_for_3_and_30_appointments(
    client: Client, clinic: Clinic, page: str, persona: str
) -> None:
    day = timezone.localdate() + timedelta(days=1)
    url = f"{_url(page)}?day={day.isoformat()}"
    client.force_login(getattr(clinic, persona))
    _caseload_with_sessions(clinic, 3, day)
    small = _queries(client, url)
    _caseload_with_sessions(clinic, 27, day)
    large = _queries(client, url)
    assert small == large
    assert large <= 16


def test_the_day_sheet_says_what_to_prepare(
    as_therapist: Client, clinic: Clinic
) -> None:
    day = timezone.localdate() + timedelta(days=1)
    _caseload_with_sessions(clinic, 1, day)
    response = as_therapist.get(f"{_url('today')}?day={day.isoformat()}")
    body = response.content.decode()
    assert "session 9" in body
    assert "PHQ-9" in body and "GAD-7" in body
    assert "(answered)" in body  # the PHQ-9 from the factory, answered this week
    assert "Carry on with the role play." in body
    assert "1 open alert" in body
    listed = AuditEvent.objects.filter(category="appointment", action="list")
    assert listed.count() == 1


def test_a_clinician_sees_only_their_own_day_and_a_supervisor_the_teams(
    client: Client, clinic: Clinic
) -> None:
    day = timezone.localdate() + timedelta(days=1)
    colleague = PatientFactory(team=clinic.team_a, family_name="Quillfeather")
    CareTeamMemberFactory(
        patient=colleague, staff=clinic.therapist_off_team, role="primary"
    )
    clinic.patient_other_site.family_name = "Zanzibarre"
    clinic.patient_other_site.save()
    booked(
        colleague,
        clinic.therapist_off_team,
        starts_at=recurrence.local_instant(day, time(9), "Europe/London"),
    )
    booked(
        clinic.patient_other_site,
        clinic.therapist_other_site,
        starts_at=recurrence.local_instant(day, time(9), "Europe/London"),
    )
    url = f"{_url('today')}?day={day.isoformat()}"
    client.force_login(clinic.therapist_on_team)
    assert colleague.family_name not in client.get(url).content.decode()
    client.force_login(clinic.supervisor)
    team_day = client.get(url).content.decode()
    assert colleague.family_name in team_day
    assert clinic.patient_other_site.family_name not in team_day
    mine = client.get(url + "&scope=mine").content.decode()
    assert colleague.family_name not in mine


def test_group_attendance_through_the_page(client: Client, clinic: Clinic) -> None:
    from scheduling.tests.matrix import group_session_kwargs

    kwargs = group_session_kwargs(clinic)
    course = Course.objects.get(patient=clinic.patient)
    client.force_login(clinic.therapist_on_team)
    url = reverse("scheduling:group-attendance", kwargs=kwargs)
    bad = client.post(url, {})
    assert bad.context["form"].errors
    assert not Attendee.objects.exclude(attendance="").exists()
    response = client.post(url, {f"member_{course.public_id}": "attended"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.sessions_attended == 3


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "not-a-day", ""])
def test_a_strange_day_shows_today(as_therapist: Client, day: str) -> None:
    for page in ("today", "week"):
        response = as_therapist.get(_url(page), {"day": day})
        assert response.status_code == 200


def test_today_and_the_portal_agree_on_what_is_answered(
    as_therapist: Client, clinic: Clinic
) -> None:
    """A GAD-7 answered at the session before counts for that session: the portal asks
    for it again before the next one, and Today says "not yet" (not "answered")."""
    from portal.services.questionnaires import questionnaires_due
    from scheduling.selectors import answered_for_session

    day = timezone.localdate() + timedelta(days=1)
    last = day - timedelta(days=6)
    assert not answered_for_session(last, last_held_on=last, opened_on=last)
    assert answered_for_session(
        last + timedelta(days=1), last_held_on=last, opened_on=last
    )
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    held = list(course.sessions.order_by("number"))
    for index, session in enumerate(reversed(held)):
        session.held_on = last - timedelta(weeks=index)
        session.save(update_fields=["held_on"])
    course.opened_on = held[0].held_on
    course.save(update_fields=["opened_on"])
    AdministrationFactory(
        patient=clinic.patient,
        instrument_id="gad7",
        answers=[1] * 7,
        entered_by=clinic.therapist_on_team,
        administered_at=timezone.make_aware(datetime.combine(last, time(9))),
    )
    booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=recurrence.local_instant(day, time(10), "Europe/London"),
        course=course,
    )
    body = as_therapist.get(f"{_url('today')}?day={day.isoformat()}").content.decode()
    asked = {q.instrument.id for q in questionnaires_due(clinic.patient)}
    assert "gad7" in asked
    assert 'GAD-7 <span class="muted">(not yet)</span>' in body
