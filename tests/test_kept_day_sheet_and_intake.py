"""The day sheet, the intake queue and the waiting list kept rendered until what they
list changes (decisions/0068).

Every kept list is the list: the same HTML as rendered afresh, for the same reader, and
the same audit rows each time it is sent. Every write shows at once, by whatever path
it is made (``save()``, ``update()``, ``bulk_create()``, raw SQL), because the narrow
query reads the versions the database moves (record, directory and intake versions)
and what the sheet shows of its appointments. A reader who may no longer see a patient
does not; the clock ends what it alone changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import CareTeamRole
from accounts.models import BreakGlassAccess, Staff
from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from iptcare.lib import kept_pages
from patients.models import CareTeamMember, Patient
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from referrals.choices import AttemptOutcome, Status
from referrals.models import ContactAttempt, Referral
from referrals.tests.factories import ReferralFactory, waiting
from scheduling import recurrence
from scheduling.models import Appointment
from scheduling.tests.factories import AppointmentFactory, booked

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[A-Za-z0-9]+')


def _tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return recurrence.local_instant(day, time(hour, minute), "Europe/London")


def _patient_with_session(clinic: Clinic, day: date, hour: int = 9) -> Patient:
    """A patient of the therapist's care team, with a course and a session on
    ``day``."""
    patient = PatientFactory(team=clinic.team_a)
    CareTeamMemberFactory(
        patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
    )
    course = course_in_phase(
        Phase.MIDDLE, patient=patient, clinician=clinic.therapist_on_team
    )
    booked(
        patient,
        clinic.therapist_on_team,
        starts_at=_at(day, hour),
        minutes=50,
        course=course,
    )
    return patient


@pytest.fixture
def sheet(clinic: Clinic) -> Patient:
    return _patient_with_session(clinic, _tomorrow())


@pytest.fixture
def waiting_person(clinic: Clinic) -> Referral:
    return waiting(ReferralFactory(site=clinic.site_a))


PAGES: dict[str, tuple[str, str]] = {
    "day sheet": ("therapist_on_team", "scheduling:today"),
    "team's day sheet": ("supervisor", "scheduling:today"),
    "intake queue": ("coordinator", "referrals:queue"),
    "waiting list": ("coordinator", "referrals:waiting-list"),
}


def _url(page: str) -> str:
    url = reverse(PAGES[page][1])
    if "day sheet" in page:
        url += f"?day={_tomorrow().isoformat()}"
    return url


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return TOKEN.sub(r"\1…", response.content.decode()), len(queries)


def _last_event() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _listed(since: int = 0) -> list[tuple[Any, ...]]:
    """The list reads recorded after event ``since`` (the trail is append-only)."""
    return sorted(
        AuditEvent.objects.filter(action="list", id__gt=since).values_list(
            "actor_id", "patient_id", "category", "object_id", "detail"
        )
    )


@pytest.mark.parametrize("page", list(PAGES))
def test_a_kept_list_is_the_list_rendered_afresh_and_audited_alike(
    client: Client,
    clinic: Clinic,
    sheet: Patient,
    waiting_person: Referral,
    page: str,
    settings: Any,
) -> None:
    ReferralFactory(site=clinic.site_a)  # in the queue
    client.force_login(getattr(clinic, PAGES[page][0]))
    url = _url(page)
    since = _last_event()
    first, first_queries = _get(client, url)
    read_when_rendered = _listed(since)
    assert read_when_rendered  # each page lists someone
    since = _last_event()
    kept, kept_queries = _get(client, url)
    assert kept == first
    assert kept_queries < first_queries  # the page's own queries are not made
    assert _listed(since) == read_when_rendered  # the same audit rows, again
    settings.IPTCARE_KEEP_PAGES = False
    since = _last_event()
    afresh, _ = _get(client, url)
    assert afresh == first
    assert _listed(since) == read_when_rendered


@pytest.mark.parametrize("page", list(PAGES))
def test_a_kept_list_costs_the_same_queries_for_1_and_20_rows(
    client: Client, clinic: Clinic, page: str
) -> None:
    client.force_login(getattr(clinic, PAGES[page][0]))
    url = _url(page)

    def fill(count: int) -> None:
        for _ in range(count):
            if "day sheet" in page:
                _patient_with_session(clinic, _tomorrow())
            elif page == "intake queue":
                ReferralFactory(site=clinic.site_a)
            else:
                waiting(ReferralFactory(site=clinic.site_a))

    fill(1)
    _get(client, url)
    _, small = _get(client, url)
    fill(19)
    _get(client, url)
    _, large = _get(client, url)
    assert small == large


# --- Writes, by any path, show at once -----------------------------------------------


def _alert_by_bulk_create(clinic: Clinic, patient: Patient) -> str:
    Alert.objects.bulk_create(
        [AlertFactory.build(patient=patient, reason="Kestrel alarm raised")]
    )
    return "1 open alert"


def _name_by_raw_sql(clinic: Clinic, patient: Patient) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_patient SET family_name = %s WHERE id = %s",
            ["Rawsqlington", patient.pk],
        )
    return "Rawsqlington"


def _place_by_raw_sql(clinic: Clinic, patient: Patient) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scheduling_appointment SET place = %s WHERE id IN"
            " (SELECT appointment_id FROM scheduling_attendee WHERE patient_id = %s)",
            ["The otter room", patient.pk],
        )
    return "The otter room"


def _a_session_with_nobody_yet(clinic: Clinic, patient: Patient) -> str:
    """An appointment with no attendee moves no patient's version: the sheet's own
    query sees it."""
    AppointmentFactory(
        clinician=clinic.therapist_on_team,
        starts_at=_at(_tomorrow(), 16),
        ends_at=_at(_tomorrow(), 16, 50),
        place="The heron room",
    )
    return "The heron room"


def _cancelled_by_update(clinic: Clinic, patient: Patient) -> str:
    Appointment.objects.filter(attendees__patient=patient).update(status="cancelled")
    return ">cancelled<"


def _clinician_renamed(clinic: Clinic, patient: Patient) -> str:
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(
        first_name="Renata", last_name="Rayleigh"
    )
    return "Renata Rayleigh"


SHEET_WRITES: list[tuple[str, Callable[[Clinic, Patient], str]]] = [
    ("day sheet", _alert_by_bulk_create),
    ("day sheet", _name_by_raw_sql),
    ("day sheet", _place_by_raw_sql),
    ("day sheet", _a_session_with_nobody_yet),
    ("day sheet", _cancelled_by_update),
    ("team's day sheet", _clinician_renamed),
    ("team's day sheet", _name_by_raw_sql),
]


@pytest.mark.parametrize(
    ("page", "write"),
    SHEET_WRITES,
    ids=[f"{p}-{w.__name__}" for p, w in SHEET_WRITES],
)
def test_a_write_to_the_day_sheet_shows_at_once(
    client: Client,
    clinic: Clinic,
    sheet: Patient,
    page: str,
    write: Callable[[Clinic, Patient], str],
) -> None:
    client.force_login(getattr(clinic, PAGES[page][0]))
    url = _url(page)
    before, _ = _get(client, url)
    _get(client, url)  # kept
    shown = write(clinic, sheet)
    assert shown not in before
    after, _ = _get(client, url)
    assert shown in after


def _request_by_save(clinic: Clinic) -> str:
    ReferralFactory(site=clinic.site_a, name="Saved Samira")
    return "Saved Samira"


def _name_of_request_by_raw_sql(clinic: Clinic) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_referral SET name = %s WHERE status = %s",
            ["Raw Rosalind", Status.NEW],
        )
    return "Raw Rosalind"


def _call_by_bulk_create(clinic: Clinic) -> str:
    referral = Referral.objects.get(status=Status.NEW)
    ContactAttempt.objects.bulk_create(
        [
            ContactAttempt(
                referral=referral,
                attempted_at=timezone.now(),
                outcome=AttemptOutcome.NO_ANSWER,
                by=clinic.coordinator,
            )
            for _ in range(3)
        ]
    )
    return "<td>3</td>"


def _unreachable_by_update(clinic: Clinic) -> str:
    Referral.objects.filter(status=Status.NEW).update(status=Status.UNREACHABLE)
    return "Unreachable (1)"


def _patient_renamed_by_raw_sql(clinic: Clinic) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_patient SET family_name = %s WHERE id IN"
            " (SELECT patient_id FROM referrals_referral WHERE status = %s)",
            ["Rawsqlington", Status.WAITING],
        )
    return "Rawsqlington"


def _prioritised_by_update(clinic: Clinic) -> str:
    Referral.objects.filter(status=Status.WAITING).update(
        priority_reason="Carer leaving the country"
    )
    return "Carer leaving the country"


def _site_renamed(clinic: Clinic) -> str:
    type(clinic.site_a).objects.filter(pk=clinic.site_a.pk).update(name="Otterbury")
    return "Otterbury"


INTAKE_WRITES: list[tuple[str, Callable[[Clinic], str]]] = [
    ("intake queue", _request_by_save),
    ("intake queue", _name_of_request_by_raw_sql),
    ("intake queue", _call_by_bulk_create),
    ("intake queue", _unreachable_by_update),
    ("waiting list", _patient_renamed_by_raw_sql),
    ("waiting list", _prioritised_by_update),
    ("waiting list", _site_renamed),
]


@pytest.mark.parametrize(
    ("page", "write"),
    INTAKE_WRITES,
    ids=[f"{p}-{w.__name__}" for p, w in INTAKE_WRITES],
)
def test_a_write_to_an_intake_list_shows_at_once(
    client: Client,
    clinic: Clinic,
    waiting_person: Referral,
    page: str,
    write: Callable[[Clinic], str],
) -> None:
    ReferralFactory(site=clinic.site_a)  # one request in the queue
    client.force_login(getattr(clinic, PAGES[page][0]))
    url = _url(page)
    before, _ = _get(client, url)
    _get(client, url)  # kept
    shown = write(clinic)
    assert shown not in before
    after, _ = _get(client, url)
    assert shown in after


# --- Who may see whom ---------------------------------------------------------------


def test_a_patient_taken_off_the_care_team_leaves_the_kept_sheet(
    client: Client, clinic: Clinic, sheet: Patient
) -> None:
    client.force_login(clinic.therapist_on_team)
    url = _url("day sheet")
    before, _ = _get(client, url)
    assert sheet.family_name in before
    CareTeamMember.objects.filter(patient=sheet).delete()
    since = _last_event()
    after, _ = _get(client, url)
    assert sheet.family_name not in after
    assert "No patient you may see." in after
    assert not [row for row in _listed(since) if row[1] == sheet.pk]


def test_broken_glass_ends_on_time_on_a_kept_sheet(
    client: Client, clinic: Clinic, sheet: Patient
) -> None:
    """The off-team clinician's session with a patient they see only through broken
    glass: when the glass expires, with no write, the patient leaves their sheet."""
    starts = _at(_tomorrow(), 11)
    booked(sheet, clinic.therapist_off_team, starts_at=starts, minutes=50)
    expires = timezone.now() + timedelta(minutes=3)
    BreakGlassAccess.objects.create(
        staff=clinic.therapist_off_team,
        patient=sheet,
        reason="Crisis call out of hours",
        expires_at=expires,
    )
    client.force_login(clinic.therapist_off_team)
    url = _url("day sheet")
    _get(client, url)
    during, _ = _get(client, url)  # kept
    assert sheet.family_name in during
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        after, _ = _get(client, url)
    assert sheet.family_name not in after


def test_a_coordinator_moved_to_another_site_sees_that_sites_list(
    client: Client, clinic: Clinic, waiting_person: Referral
) -> None:
    client.force_login(clinic.coordinator)
    mine, _ = _get(client, _url("waiting list"))
    assert waiting_person.patient is not None
    assert waiting_person.patient.family_name in mine
    Staff.objects.filter(pk=clinic.coordinator.pk).update(site=clinic.site_b)
    theirs, _ = _get(client, _url("waiting list"))
    assert waiting_person.patient.family_name not in theirs


# --- The clock ----------------------------------------------------------------------


def test_a_session_that_starts_offers_its_attendance_with_no_write(
    client: Client, clinic: Clinic
) -> None:
    starts = timezone.now() + timedelta(minutes=2)
    day = timezone.localtime(starts, recurrence.zone("Europe/London")).date()
    patient = PatientFactory(team=clinic.team_a)
    CareTeamMemberFactory(patient=patient, staff=clinic.therapist_on_team)
    booked(patient, clinic.therapist_on_team, starts_at=starts, minutes=50)
    client.force_login(clinic.therapist_on_team)
    url = f"{reverse('scheduling:today')}?day={day.isoformat()}"
    _get(client, url)
    kept, _ = _get(client, url)
    assert "Record attendance" not in kept
    with time_machine.travel(starts + timedelta(minutes=1), tick=False):
        started, _ = _get(client, url)
    assert "Record attendance" in started


def test_a_requests_age_moves_on_in_a_kept_queue(
    client: Client, clinic: Clinic
) -> None:
    ReferralFactory(site=clinic.site_a, created_at=timezone.now())
    client.force_login(clinic.coordinator)
    url = _url("intake queue")
    _get(client, url)
    kept, _ = _get(client, url)
    assert "0 min ago" in kept
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        later, _ = _get(client, url)
    assert "5 min ago" in later


def test_a_kept_list_ends_at_the_sites_midnight(
    client: Client, clinic: Clinic, waiting_person: Referral
) -> None:
    """A site whose day turns before the server's: the wait grows by a day there,
    with no write and before the server's own day changes."""
    zone = "Pacific/Kiritimati"  # UTC+14
    type(clinic.site_a).objects.filter(pk=clinic.site_a.pk).update(time_zone=zone)
    now = timezone.now()
    local = timezone.localtime(now, recurrence.zone(zone))
    midnight = datetime.combine(
        local.date() + timedelta(days=1), time.min, tzinfo=recurrence.zone(zone)
    )
    url = _url("waiting list")
    with time_machine.travel(midnight - timedelta(minutes=1), tick=False):
        client.force_login(clinic.coordinator)  # a session of that evening
        _get(client, url)
        before, _ = _get(client, url)
    assert "0 days" in before
    with time_machine.travel(midnight + timedelta(minutes=1), tick=False):
        if timezone.localdate() != timezone.localdate(midnight - timedelta(minutes=1)):
            pytest.skip("the server's day turned as well")
        after, _ = _get(client, url)
    assert "1 day" in after


def test_reads_recorded_for_someone_else_keep_nothing(rf: Any, clinic: Clinic) -> None:
    """A page whose rendering recorded a read for another actor (a job, a patient)
    is not kept: sending it again could not say for whom."""
    from audit import services as audit
    from audit.choices import Action

    request = rf.get("/")
    request.user = clinic.therapist_on_team
    calls = []

    def render(csrf_token: str | None) -> str:
        calls.append(csrf_token)
        audit.record(actor=None, action=Action.LIST, category="appointment")
        return "<p>listed</p>"

    for _ in range(2):
        assert kept_pages.kept("kept-test:someone-else", request, render) == (
            "<p>listed</p>"
        )
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("persona", "scope"),
    [("therapist_on_team", "mine"), ("supervisor", "team"), ("supervisor", "mine")],
)
def test_the_sheets_narrow_statement_reads_what_the_orm_reads(
    clinic: Clinic, sheet: Patient, persona: str, scope: str
) -> None:
    """Built once with stand-ins, sent with each request's values: the same rows as
    the ORM's own query, groups facilitated included."""
    from ipt.tests.factories import GroupFactory
    from scheduling import selectors

    staff = getattr(clinic, persona)
    group = GroupFactory(team=clinic.team_a)
    group.facilitators.add(staff)
    AppointmentFactory(
        kind="group",
        group=group,
        clinician=clinic.therapist_off_team,
        starts_at=_at(_tomorrow(), 18),
        ends_at=_at(_tomorrow(), 19),
    )
    from ipt.models import Group

    group_ids = list(
        Group.objects.filter(facilitators=staff).values_list("pk", flat=True)
    )
    start, end = recurrence.day_bounds(_tomorrow(), "Europe/London")
    now = timezone.now()
    if scope == "team":
        group_ids = []
    statement = selectors._day_sheet_statement(
        "default", staff.role, scope, len(group_ids)
    )
    read = statement.rows(
        staff_id=staff.pk,
        start=start,
        end=end,
        now=now,
        **{f"group_{n}": pk for n, pk in enumerate(group_ids)},
    )
    expected = list(
        selectors._day_sheet_listed(
            staff, scope, start, end, now, group_ids, with_attendees=scope != "team"
        )
    )
    assert read
    assert sorted(read, key=repr) == sorted(expected, key=repr)


def test_an_empty_day_sheet_turns_at_the_readers_site_midnight(
    client: Client, clinic: Clinic
) -> None:
    """With no ``?day=`` the sheet is today on the reader's site's clocks. Two empty
    days read alike to the narrow query, so the day itself is in the key: the sheet
    turns at the site's midnight, before the server's own day does."""
    zone = "Pacific/Kiritimati"  # UTC+14
    type(clinic.site_a).objects.filter(pk=clinic.site_a.pk).update(time_zone=zone)
    local = timezone.localtime(timezone.now(), recurrence.zone(zone))
    midnight = datetime.combine(
        local.date() + timedelta(days=1), time.min, tzinfo=recurrence.zone(zone)
    )
    url = reverse("scheduling:today")
    with time_machine.travel(midnight - timedelta(minutes=1), tick=False):
        client.force_login(clinic.therapist_on_team)
        _get(client, url)
        evening, _ = _get(client, url)
    with time_machine.travel(midnight + timedelta(minutes=1), tick=False):
        if timezone.localdate() != timezone.localdate(midnight - timedelta(minutes=1)):
            pytest.skip("the server's day turned as well")
        morning, _ = _get(client, url)
    assert f"{local.date():%-d %B %Y}" in evening
    assert f"{midnight.date():%-d %B %Y}" in morning
    assert f"{local.date():%-d %B %Y}" not in morning.split("<h1")[1].split("</h1>")[0]
