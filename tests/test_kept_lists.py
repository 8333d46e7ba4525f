"""The caseload's and the inbox's rows kept rendered (decisions/0067).

Every kept list is the list: the same HTML as rendered afresh, for the same reader.
Each request still chooses its rows (ids, order, count) and audits them; a write by
any path to a patient shown, a patient joining or leaving the list, or a change of a
name the list shows, is a new key at once. The clock ends the "next session" it alone
changes. A reader never sees a list kept for another.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import access
from accounts.choices import CareTeamRole
from accounts.models import BreakGlassAccess, Staff
from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase
from iptcare.lib import kept_pages
from patients.models import CareTeamMember, Patient
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from scheduling.tests.factories import booked

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[A-Za-z0-9]+')
CHECKED = re.compile(r"Checked \d\d:\d\d")
HTMX = {"HTTP_HX_REQUEST": "true"}

LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "caseload": ("/", {}),
    "caseload search": ("/?q=zeb", HTMX),
    "caseload by flags": ("/?sort=flags", {}),
    "caseload page 2": ("/?page=2", {}),
    "inbox": ("/alerts/", {}),
    "inbox list": ("/alerts/?state=open&page=1", HTMX),
    "inbox acknowledged": ("/alerts/?state=closed", {}),
}


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


@pytest.fixture
def caseload(clinic: Clinic, course: Course, settings: Any) -> list[Patient]:
    """Two pages of the clinician's caseload, each patient with an open alert and
    one acknowledged."""
    settings.IPTCARE_PAGE_SIZE = 3
    patients = [clinic.patient]
    for n in range(4):
        patient = PatientFactory(team=clinic.team_a, family_name=f"Aardvark{n}")
        CareTeamMemberFactory(
            patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
        )
        patients.append(patient)
    for patient in patients:
        AlertFactory(patient=patient, reason=f"Open alarm of {patient.family_name}")
        AlertFactory(
            patient=patient,
            reason=f"Closed alarm of {patient.family_name}",
            acknowledged_at=timezone.now(),
            acknowledged_by=clinic.therapist_on_team,
            action_taken="called",
        )
    return patients


def _get(client: Client, url: str, headers: dict[str, str]) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)  # type: ignore[arg-type]
    assert response.status_code == 200, response.status_code
    html = TOKEN.sub(r"\1…", response.content.decode())
    return CHECKED.sub("Checked …", html), len(queries)


def _list_reads(staff: Staff) -> int:
    return AuditEvent.objects.filter(actor=staff, action=Action.LIST).count()


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize("page", LISTS)
def test_a_kept_list_is_the_list_rendered_afresh(
    client: Client, clinic: Clinic, page: str, settings: Any
) -> None:
    client.force_login(clinic.therapist_on_team)
    url, headers = LISTS[page]
    first, first_queries = _get(client, url, headers)
    audited = _list_reads(clinic.therapist_on_team)
    kept, kept_queries = _get(client, url, headers)
    assert kept == first
    assert kept_queries < first_queries  # the rows' own queries are not made
    # Every read of a kept list is audited, a row per patient shown.
    assert _list_reads(clinic.therapist_on_team) == 2 * audited > 0
    settings.IPTCARE_KEEP_PAGES = False
    afresh, _ = _get(client, url, headers)
    assert afresh == first


def _renamed_by_raw_sql(clinic: Clinic, course: Course) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_patient SET family_name = %s WHERE id = %s",
            ["Rawsqlington", clinic.patient.pk],
        )
    return "Rawsqlington"


def _phase_by_update(clinic: Clinic, course: Course) -> str:
    assert Course.objects.filter(pk=course.pk).update(phase=Phase.TERMINATION)
    return "Termination"


def _alert_by_bulk_create(clinic: Clinic, course: Course) -> str:
    Alert.objects.bulk_create(
        [
            AlertFactory.build(
                patient=clinic.patient, kind="relapse", reason="Bulky relapse"
            )
        ]
    )
    return "flag-relapse"


def _clinician_renamed(clinic: Clinic, course: Course) -> str:
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(
        first_name="Renata", last_name="Rayleigh"
    )
    return "Renata Rayleigh"


def _patient_assigned(clinic: Clinic, course: Course) -> str:
    """A write to no patient already shown: a new patient on the care team."""
    patient = PatientFactory(team=clinic.team_a, family_name="Aaronson")
    CareTeamMember.objects.bulk_create(
        [
            CareTeamMember(
                patient=patient,
                staff=clinic.therapist_on_team,
                role=CareTeamRole.PRIMARY,
            )
        ]
    )
    return "Aaronson"


def _acknowledged_by_update(clinic: Clinic, course: Course) -> str:
    Alert.objects.filter(patient=clinic.patient, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(),
        acknowledged_by=clinic.therapist_on_team,
        action_taken="other",
        action_note="Rang the otter",
    )
    return "Rang the otter"


def _escalated_by_update(clinic: Clinic, course: Course) -> str:
    Alert.objects.filter(patient=clinic.patient, acknowledged_at__isnull=True).update(
        escalated_at=timezone.now(), escalated_to=clinic.supervisor
    )
    return "<strong>escalated</strong>"


def _alert_raised(clinic: Clinic, course: Course) -> str:
    AlertFactory(patient=clinic.patient, reason="Kestrel alarm raised")
    return "Kestrel alarm raised"


WRITES: list[tuple[str, Callable[[Clinic, Course], str]]] = [
    ("caseload", _renamed_by_raw_sql),
    ("caseload", _phase_by_update),
    ("caseload", _alert_by_bulk_create),
    ("caseload", _clinician_renamed),
    ("caseload", _patient_assigned),
    ("caseload search", _phase_by_update),
    ("inbox", _alert_raised),
    ("inbox", _escalated_by_update),
    ("inbox list", _renamed_by_raw_sql),
    ("inbox acknowledged", _acknowledged_by_update),
]


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize(
    ("page", "write"), WRITES, ids=[f"{p}-{w.__name__}" for p, w in WRITES]
)
def test_a_write_by_any_path_shows_at_once(
    client: Client,
    clinic: Clinic,
    course: Course,
    page: str,
    write: Callable[[Clinic, Course], str],
    settings: Any,
) -> None:
    settings.IPTCARE_PAGE_SIZE = 25
    client.force_login(clinic.therapist_on_team)
    url, headers = LISTS[page]
    before, _ = _get(client, url, headers)
    _get(client, url, headers)  # kept
    shown = write(clinic, course)
    assert shown not in before
    after, _ = _get(client, url, headers)
    assert shown in after


@pytest.mark.usefixtures("caseload")
def test_a_patient_who_leaves_the_caseload_leaves_the_kept_list(
    client: Client, clinic: Clinic, settings: Any
) -> None:
    """A discharge from the care team: the patient's row, and their alerts, go at
    once; the count and the pages follow."""
    settings.IPTCARE_PAGE_SIZE = 25
    client.force_login(clinic.therapist_on_team)
    for url, headers in (LISTS["caseload"], LISTS["inbox"]):
        before, _ = _get(client, url, headers)
        assert "Zebedee" in before
    clinic.patient.care_team.filter(staff=clinic.therapist_on_team).delete()
    for url, headers in (LISTS["caseload"], LISTS["inbox"]):
        after, _ = _get(client, url, headers)
        assert "Zebedee" not in after
    caseload, _ = _get(client, *LISTS["caseload"])
    assert "Patients, 4 in all" in caseload


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize("page", ["caseload", "inbox"])
def test_a_reader_who_may_not_see_a_patient_never_gets_their_kept_rows(
    client: Client, clinic: Clinic, page: str, settings: Any
) -> None:
    settings.IPTCARE_PAGE_SIZE = 25
    url, headers = LISTS[page]
    client.force_login(clinic.therapist_on_team)
    mine, _ = _get(client, url, headers)
    assert "Zebedee" in mine
    for other in (clinic.therapist_off_team, clinic.therapist_other_site):
        client.force_login(other)
        theirs, _ = _get(client, url, headers)
        assert "Zebedee" not in theirs and "Aardvark" not in theirs


@pytest.mark.usefixtures("caseload")
def test_each_reader_has_their_own_copy(client: Client, clinic: Clinic) -> None:
    """An alert escalated to the supervisor says "(you)" to the supervisor alone."""
    Alert.objects.filter(patient=clinic.patient).update(
        escalated_at=timezone.now(), escalated_to=clinic.supervisor
    )
    url, headers = LISTS["inbox"]
    client.force_login(clinic.supervisor)
    supervisors, _ = _get(client, url, headers)
    assert "(you)" in supervisors
    CareTeamMemberFactory(
        patient=clinic.patient,
        staff=clinic.therapist_off_team,
        role=CareTeamRole.CLINICIAN,
    )
    client.force_login(clinic.therapist_off_team)
    colleagues, _ = _get(client, url, headers)
    assert "Zebedee" in colleagues and "(you)" not in colleagues


@pytest.mark.usefixtures("caseload")
def test_the_next_session_ends_when_it_starts_with_no_write(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """Minutes later, well within the time a list is kept at most: the clock alone
    moved the next session, and the kept copy ended with it."""
    starts = timezone.now() + timedelta(minutes=1)
    booked(clinic.patient, clinic.therapist_on_team, starts_at=starts, course=course)
    client.force_login(clinic.therapist_on_team)
    url, headers = LISTS["caseload search"]
    shown, _ = _get(client, url, headers)
    assert "none booked" not in shown
    assert (starts + timedelta(minutes=3) - timezone.now()).total_seconds() < (
        kept_pages.KEEP_SECONDS
    )
    with time_machine.travel(starts + timedelta(minutes=3), tick=False):
        later, _ = _get(client, url, headers)
    assert "none booked" in later


def _queries(client: Client, url: str, headers: dict[str, str]) -> tuple[int, int]:
    """The queries of a list rendered afresh, then kept."""
    _, afresh = _get(client, url, headers)
    _, kept = _get(client, url, headers)
    return afresh, kept


@pytest.mark.parametrize("page", ["caseload", "caseload search", "inbox"])
def test_a_kept_list_costs_the_same_for_1_and_50_rows(
    client: Client, clinic: Clinic, page: str, settings: Any
) -> None:
    settings.IPTCARE_PAGE_SIZE = 50
    client.force_login(clinic.therapist_on_team)
    url, headers = LISTS[page]
    AlertFactory(patient=clinic.patient)
    small = _queries(client, url, headers)
    for n in range(49):
        patient = PatientFactory(team=clinic.team_a, given_name=f"Zeb{n}")
        CareTeamMemberFactory(
            patient=patient,
            staff=clinic.therapist_on_team,
            role=CareTeamRole.PRIMARY,
        )
        AlertFactory(patient=patient)
    large = _queries(client, url, headers)
    assert small == large


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize("number", [1, 2, 3, 99, 0, -1, "abc", "", "2"])
def test_a_list_chooses_its_page_as_djangos_paginator_does(
    clinic: Clinic, number: str | int
) -> None:
    """One statement for a page with rows, the count beside them; anything else as
    ``Paginator.get_page`` chooses it."""
    patients = Patient.objects.filter(team=clinic.team_a).order_by("family_name", "id")
    expected = Paginator(patients.values_list("pk", "family_name"), 3).get_page(number)
    paginator, chosen, rows = kept_pages.choose_page(
        lambda: patients,
        ("pk", "family_name"),
        lambda: patients.values("pk"),
        number,
        3,
    )
    assert (paginator.count, chosen, rows) == (
        expected.paginator.count,
        expected.number,
        list(expected.object_list),
    )


@pytest.mark.usefixtures("caseload")
def test_broken_glass_ends_on_time_on_a_kept_inbox(
    client: Client, clinic: Clinic
) -> None:
    """An off-team clinician sees a patient's alert only through broken glass: when
    the glass expires, with no write, the alert leaves their kept inbox."""
    expires = timezone.now() + timedelta(minutes=3)
    BreakGlassAccess.objects.create(
        staff=clinic.therapist_off_team,
        patient=clinic.patient,
        reason="Crisis call out of hours",
        expires_at=expires,
    )
    client.force_login(clinic.therapist_off_team)
    url, headers = LISTS["inbox"]
    _get(client, url, headers)
    during, _ = _get(client, url, headers)  # kept
    assert f"Open alarm of {clinic.patient.family_name}" in during
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        after, _ = _get(client, url, headers)
    assert clinic.patient.family_name not in after


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize(
    "readers",
    [
        ("therapist_on_team", "therapist_off_team"),
        ("supervisor", "supervisor_other_team"),
    ],
)
@pytest.mark.parametrize("flags", [False, True])
@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_caseloads_statement_chooses_as_the_orm_does(
    clinic: Clinic, readers: tuple[str, str], flags: bool, number: int
) -> None:
    """The caseload's choosing statement, built once per role, sort and page with a
    stand-in reader (decisions/0072), sends what the ORM would for each reader of the
    role: the same patients, order, versions and count, their own and no one else's."""
    from patients import selectors

    for reader in readers:
        staff: Staff = getattr(clinic, reader)
        orm = list(
            kept_pages.page_with_count(
                selectors._chosen(access.caseload_for(staff), flags),
                selectors.CHOSEN,
                selectors._counted(staff, None),
                number,
                3,
            )
        )
        statement = selectors._chosen_statement(
            connection.alias, staff.role, flags, number, 3
        )
        assert statement.rows(staff_id=staff.pk) == orm
        if reader == readers[0] and number == 1:
            assert orm, "the reader has a caseload"


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize(
    "readers",
    [
        ("therapist_on_team", "therapist_off_team"),
        ("supervisor", "supervisor_other_team"),
    ],
)
@pytest.mark.parametrize("state", ["open", "closed"])
@pytest.mark.parametrize("number", [1, 2])
def test_the_inboxs_statements_choose_as_the_orm_does(
    clinic: Clinic, readers: tuple[str, str], state: str, number: int
) -> None:
    """The inbox's summary and choosing statements, built once per role, state and
    page with a stand-in reader and moment (decisions/0072), send what the ORM would
    for each reader of the role, broken glass included until it expires."""
    from alerts import selectors

    BreakGlassAccess.objects.create(
        staff=clinic.therapist_off_team,
        patient=clinic.patient,
        reason="Covering",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    for now in (timezone.now(), timezone.now() + timedelta(hours=2)):
        for reader in readers:
            staff: Staff = getattr(clinic, reader)
            visible = selectors._visible(staff, now).filter(
                acknowledged_at__isnull=state != "closed"
            )
            summary = selectors.inbox_summary(staff=staff, state=state, now=now)
            assert summary.count == visible.count()
            orm = list(selectors._chosen(staff, state, now, number, 3))
            statement = selectors._chosen_statement(
                connection.alias, staff.role, state, number, 3, False
            )
            assert statement.rows(staff_id=staff.pk, now=now) == orm
            # The page with the summary beside it: the same rows, and beside each
            # the summary the poll reads alone.
            with_summary = selectors._chosen_statement(
                connection.alias, staff.role, state, number, 3, True
            ).rows(staff_id=staff.pk, now=now)
            assert [row[:5] for row in with_summary] == orm
            for row in with_summary:
                assert selectors._summary(state, *row[5:]) == summary
            if reader == "therapist_off_team":
                glass = {row[2] for row in orm} == {clinic.patient.pk}
                assert glass == (
                    now < timezone.now() + timedelta(hours=1) and number == 1
                )


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize("path", ["/?page=2", "/?page=2&sort=flags", "/alerts/?page=2"])
def test_pages_past_the_statements_built_once_are_chosen_alike(
    client: Client, clinic: Clinic, settings: Any, monkeypatch: Any, path: str
) -> None:
    """Only a list's first pages have statements built once (a reader asking for
    page after page must not evict them); later pages are chosen by the ORM, the
    same rows (decisions/0072)."""
    from alerts import selectors as alerts
    from patients import selectors as patients

    settings.IPTCARE_KEEP_PAGES = False
    client.force_login(clinic.therapist_on_team)
    by_statement, _ = _get(client, path, {})
    monkeypatch.setattr(patients, "STATEMENT_PAGES", 1)
    monkeypatch.setattr(alerts, "STATEMENT_PAGES", 1)
    by_orm, _ = _get(client, path, {})
    assert by_orm == by_statement
    assert "Page 2 of 2" in by_statement
