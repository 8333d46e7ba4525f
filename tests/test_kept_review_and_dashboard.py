"""The caseload review and the service dashboard kept rendered (decisions/0069).

A kept page is the page: the same HTML as rendered afresh, for the same reader. The
review is kept under its patients' ids and record versions and the directory version,
so a write by any path to any patient on it (``save()``, ``update()``,
``bulk_create()``, raw SQL), a patient joining or leaving the supervisor's teams, or a
clinician's new name shows at once; each patient it shows is audited on every
request. The dashboard is kept under the refresh job's generation, the directory
version and the live referral counts, so a refresh, a referral or a new name shows at
once; without a shared cache it is not kept at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Staff
from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Attendance
from ipt.models import Course, CourseSession
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from patients.models import CareTeamMember, Patient
from patients.tests.factories import PatientFactory
from referrals.models import Referral

pytestmark = pytest.mark.django_db

REVIEW = reverse("supervision:review")
DASHBOARD = reverse("outcomes:service")
TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[A-Za-z0-9]+')


def _get(client: Client, url: str, **params: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return TOKEN.sub(r"\1…", response.content.decode()), len(queries)


# --- The caseload review ---------------------------------------------------------


@pytest.fixture
def course(clinic: Clinic) -> Course:
    """An open course of team A with two missed sessions: on the review."""
    course = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, sessions=4, missed=2
    )
    CareTeamMember.objects.create(
        patient=course.patient, staff=clinic.therapist_on_team
    )
    return course


def _alert(course: Course) -> str:
    AlertFactory(patient=course.patient, reason="Kestrel alarm raised")
    return "Kestrel alarm raised"


def _missed_by_bulk_create(course: Course) -> str:
    last = course.sessions.order_by("held_on").last()
    assert last is not None
    CourseSession.objects.bulk_create(
        [
            CourseSession(
                course=course,
                number=None,  # a missed session takes no number
                phase=last.phase,
                held_on=timezone.localdate() - timedelta(days=1),
                attendance=Attendance.MISSED,
                recorded_by=course.clinician,
            )
        ]
    )
    return "Missed 3 sessions"


def _name_by_raw_sql(course: Course) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_patient SET family_name = %s WHERE id = %s",
            ["Rawsqlington", course.patient_id],
        )
    return "Rawsqlington"


def _sessions_planned_by_update(course: Course) -> str:
    assert Course.objects.filter(pk=course.pk).update(sessions_planned=4)
    return "All 4 contracted sessions held"


def _clinician_renamed(course: Course) -> str:
    Staff.objects.filter(pk=course.clinician_id).update(
        first_name="Renata", last_name="Rayleigh"
    )
    return "Renata Rayleigh"


def _a_new_patient_of_the_team(course: Course) -> str:
    patient = PatientFactory(team=course.patient.team, family_name="Newcombe")
    AlertFactory(patient=patient)
    return "Newcombe"


REVIEW_WRITES: list[Callable[[Course], str]] = [
    _alert,
    _missed_by_bulk_create,
    _name_by_raw_sql,
    _sessions_planned_by_update,
    _clinician_renamed,
    _a_new_patient_of_the_team,
]


def test_a_kept_review_is_the_review_rendered_afresh(
    client: Client, clinic: Clinic, course: Course, settings: Any
) -> None:
    client.force_login(clinic.supervisor)
    first, first_queries = _get(client, REVIEW)
    assert str(course.patient.public_id) in first
    kept, kept_queries = _get(client, REVIEW)
    assert kept == first
    assert kept_queries < first_queries  # no course is judged again
    settings.IPTCARE_KEEP_PAGES = False
    afresh, _ = _get(client, REVIEW)
    assert afresh == first


@pytest.mark.parametrize("write", REVIEW_WRITES, ids=lambda w: w.__name__)
def test_a_write_by_any_path_shows_on_the_review_at_once(
    client: Client, clinic: Clinic, course: Course, write: Callable[[Course], str]
) -> None:
    client.force_login(clinic.supervisor)
    before, _ = _get(client, REVIEW)
    _get(client, REVIEW)  # kept
    shown = write(course)
    assert shown not in before
    after, _ = _get(client, REVIEW)
    assert shown in after


def test_what_leaves_the_record_leaves_the_review_at_once(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """An alert acknowledged by ``update()``; a patient moved to another team."""
    other = PatientFactory(team=clinic.team_a, family_name="Alertson")
    AlertFactory(patient=other)
    client.force_login(clinic.supervisor)
    moved = str(course.patient.public_id)  # its link: names may repeat
    before, _ = _get(client, REVIEW)
    assert "Alertson" in before and moved in before
    _get(client, REVIEW)  # kept
    Alert.objects.filter(patient=other).update(
        acknowledged_at=timezone.now(), action_taken="safety_plan_reviewed"
    )
    Patient.objects.filter(pk=course.patient_id).update(team=clinic.team_b)
    CareTeamMember.objects.filter(patient=course.patient).delete()
    after, _ = _get(client, REVIEW)
    assert "Alertson" not in after
    assert moved not in after


def test_each_supervisor_sees_only_their_teams_kept_or_not(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.supervisor)
    _get(client, REVIEW)
    _get(client, REVIEW)  # kept for this supervisor
    client.force_login(clinic.supervisor_other_team)
    theirs, _ = _get(client, REVIEW)
    assert str(course.patient.public_id) not in theirs
    assert course.patient.record_number not in theirs


def test_every_request_audits_the_patients_shown_kept_or_not(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.supervisor)
    listed = AuditEvent.objects.filter(
        patient=course.patient, actor=clinic.supervisor, category="supervision"
    )
    for times in (1, 2, 3):
        _get(client, REVIEW)
        assert listed.count() == times
    event = listed.latest("id")
    assert (event.action, event.object_id, event.detail) == (
        "list",
        str(course.patient.public_id),
        "caseload review",
    )


def test_the_review_is_judged_again_on_the_next_day(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """How far a course is (weeks since it opened, scores up to today) is judged on
    the clinic's day: a copy of yesterday's review is not today's."""
    client.force_login(clinic.supervisor)
    _, first_queries = _get(client, REVIEW)
    _, kept_queries = _get(client, REVIEW)
    assert kept_queries < first_queries
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        client.force_login(clinic.supervisor)
        _, next_day = _get(client, REVIEW)
    assert next_day > kept_queries


def test_a_page_asked_for_by_any_text_is_the_page_the_paginator_gives(
    client: Client, clinic: Clinic, course: Course
) -> None:
    client.force_login(clinic.supervisor)
    first, _ = _get(client, REVIEW)
    for asked in ("1", "x", "", "99", "-1", "0", "1.0", "9" * 40, "9" * 5000):
        page, _ = _get(client, REVIEW, page=asked)
        assert page == first, asked


# --- The service dashboard -------------------------------------------------------


@pytest.fixture
def refreshed(
    shared_cache: None, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> Callable[[], None]:
    """Finished courses of team A, refreshed (the generation moves on commit)."""

    def refresh() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            service_outcomes_refresh()

    for _ in range(6):
        service_course(
            clinician=clinic.therapist_on_team,
            team=clinic.team_a,
            phq9=(15, 5),
            ended_on=timezone.localdate() - timedelta(days=20),
        )
    refresh()
    return refresh


def test_a_kept_dashboard_is_the_dashboard_rendered_afresh(
    client: Client, clinic: Clinic, refreshed: Callable[[], None], settings: Any
) -> None:
    client.force_login(clinic.clinical_lead)
    first, first_queries = _get(client, DASHBOARD)
    kept, kept_queries = _get(client, DASHBOARD)
    assert kept == first
    assert kept_queries < first_queries  # the filters' lists are not read
    settings.IPTCARE_KEEP_PAGES = False
    afresh, _ = _get(client, DASHBOARD)
    assert afresh == first


def test_a_refresh_a_referral_and_a_new_name_show_on_the_dashboard_at_once(
    client: Client, clinic: Clinic, refreshed: Callable[[], None]
) -> None:
    from referrals.tests.factories import ReferralFactory

    client.force_login(clinic.clinical_lead)
    _get(client, DASHBOARD)
    before, _ = _get(client, DASHBOARD)  # kept
    assert ">6<" in before and ">7<" not in before
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(15, 5),
        ended_on=timezone.localdate() - timedelta(days=10),
    )
    refreshed()
    assert ">7<" in _get(client, DASHBOARD)[0]
    received = _get(client, DASHBOARD)[0]
    ReferralFactory(site=clinic.site_a, team=clinic.team_a)
    assert _get(client, DASHBOARD)[0] != received
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(
        first_name="Renata", last_name="Rayleigh"
    )
    assert "Renata Rayleigh" in _get(client, DASHBOARD)[0]


def test_a_referral_assessed_shows_on_the_kept_dashboard_at_once(
    client: Client, clinic: Clinic, refreshed: Callable[[], None]
) -> None:
    """The live counts are read only when the page is rendered: a kept copy rests on
    the intake version, which any write to a referral moves (``update()`` here)."""
    from referrals.tests.factories import ReferralFactory

    referral = ReferralFactory(site=clinic.site_a, team=clinic.team_a)
    client.force_login(clinic.clinical_lead)
    before, _ = _get(client, DASHBOARD)
    with CaptureQueriesContext(connection) as kept:
        assert client.get(DASHBOARD).status_code == 200
    assert not [q for q in kept.captured_queries if "referrals_referral" in q["sql"]]
    Referral.objects.filter(pk=referral.pk).update(accepted_at=timezone.now())
    after, _ = _get(client, DASHBOARD)
    assert after != before
    assert _get(client, DASHBOARD)[0] == after  # kept again


def test_each_reader_and_question_has_its_own_dashboard(
    client: Client, clinic: Clinic, refreshed: Callable[[], None]
) -> None:
    client.force_login(clinic.clinical_lead)
    whole, _ = _get(client, DASHBOARD)
    team_b, _ = _get(client, DASHBOARD, team=str(clinic.team_b.pk))
    assert team_b != whole
    assert f'value="{clinic.team_b.pk}" selected' in team_b
    client.force_login(clinic.supervisor_other_team)
    theirs, _ = _get(client, DASHBOARD)
    assert "Your teams" in theirs and "The whole service" in whole
    assert (
        clinic.team_a.name not in theirs.split('name="team"')[1].split("</select>")[0]
    )


def test_every_request_audits_the_dashboard_kept_or_not(
    client: Client, clinic: Clinic, refreshed: Callable[[], None]
) -> None:
    client.force_login(clinic.clinical_lead)
    read = AuditEvent.objects.filter(
        actor=clinic.clinical_lead, category="service_outcomes"
    )
    for times in (1, 2, 3):
        _get(client, DASHBOARD)
        assert read.count() == times
    assert read.filter(patient__isnull=False).count() == 0


def test_without_a_shared_cache_the_dashboard_is_not_kept(
    client: Client, clinic: Clinic
) -> None:
    """No generation is kept then: the refresh job's new rows would go unseen."""
    client.force_login(clinic.clinical_lead)
    _, first = _get(client, DASHBOARD)
    _, again = _get(client, DASHBOARD)
    assert again == first


def _listed_versions(patient_ids: Any) -> list[tuple[int, int, int]]:
    """The oracle: each listed patient's id and record version and the directory
    version, read through the ORM (as the review read them before decision 0069's
    amendment)."""
    from patients.record_version import with_versions

    return list(
        with_versions(
            Patient.objects.filter(pk__in=patient_ids).order_by("pk")
        ).values_list("pk", "record_version", "directory_version")
    )


def test_the_reviews_versions_are_read_as_the_orm_reads_them(
    clinic: Clinic, course: Course
) -> None:
    """Built once per process with a stand-in supervisor, sent with each one's id;
    the database's digest is the one Python computes from the pairs."""
    from accounts import access
    from accounts.tests.factories import StaffFactory
    from patients.record_version import versions_digest
    from supervision.selectors import review_versions

    nobody = StaffFactory(username="sv-none", role="supervisor", teams=[])
    for supervisor in (clinic.supervisor, clinic.supervisor_other_team, nobody):
        listed = _listed_versions(access.caseload_patient_ids(supervisor))
        expected = versions_digest(listed)
        with CaptureQueriesContext(connection) as queries:
            assert review_versions(supervisor) == expected
        assert len(queries) == 1 or not listed
    assert review_versions(clinic.supervisor) != review_versions(
        clinic.supervisor_other_team
    )
    assert review_versions(clinic.supervisor).startswith("2.")  # two patients of A
    assert review_versions(nobody).startswith("0.")


def test_a_patient_leaving_as_another_joins_moves_the_reviews_versions(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """In one transaction one patient leaves the teams and another joins: the count
    is the same, and the sum of versions could be too; the ids are not."""
    from django.db import transaction

    from supervision.selectors import review_versions

    joining = PatientFactory(team=clinic.team_b, family_name="Joinerson")
    AlertFactory(patient=joining)  # on team B's review, not yet on A's
    client.force_login(clinic.supervisor)
    before, _ = _get(client, REVIEW)
    proof = review_versions(clinic.supervisor)
    _get(client, REVIEW)  # kept
    with transaction.atomic():
        Patient.objects.filter(pk=course.patient_id).update(team=clinic.team_b)
        CareTeamMember.objects.filter(patient=course.patient).delete()
        Patient.objects.filter(pk=joining.pk).update(team=clinic.team_a)
    assert review_versions(clinic.supervisor) != proof
    assert review_versions(clinic.supervisor).split(".")[0] == proof.split(".")[0]
    after, _ = _get(client, REVIEW)
    assert str(course.patient.public_id) in before and "Joinerson" not in before
    assert str(course.patient.public_id) not in after
    assert "Joinerson" in after


def test_the_reviews_versions_keep_the_ids_not_only_a_sum(
    clinic: Clinic, course: Course
) -> None:
    """The same versions on other patients are another digest (decision 0069, "Not
    chosen": a sum without the ids)."""
    from patients.record_version import versions_digest

    assert versions_digest([(1, 7, 3), (2, 5, 3)]) != versions_digest(
        [(1, 5, 3), (3, 7, 3)]
    )
    assert versions_digest([(1, 7, 3)]) != versions_digest([(7, 1, 3)])
