"""A patient's pages kept rendered until their record changes (decisions/0066).

Every kept page is the page: the same HTML as rendered afresh, for the same reader.
Every write shows at once, by whatever path it is made (a form, ``save()``,
``update()``, ``bulk_create()``, raw SQL), because the database moves the record's
version (decisions/0063). The reader's own CSRF token is in the kept page's forms, the
clock ends what it alone changes, and each reader has their own copy.
"""

from __future__ import annotations

import re
import uuid
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

from accounts.choices import CareTeamRole
from accounts.models import BreakGlassAccess, Staff
from alerts.tests.factories import AlertFactory
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course, Goal, InventoryPerson, SessionNote, TimelineEntry
from ipt.tests.factories import course_in_phase
from iptcare.lib import kept_pages
from patients.models import Diagnosis
from patients.tests.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
)
from scheduling.tests.factories import booked

# The reader's CSRF token and each form's one-time token (decisions/0077) differ
# between a kept copy and a fresh rendering, as they must.
TOKEN = re.compile(
    r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|name="submission" value=")'
    r"[A-Za-z0-9]+"
)


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def _pages(course: Course) -> dict[str, tuple[str, dict[str, str]]]:
    patient = course.patient.public_id
    session = course.sessions.order_by("number").last()
    assert session is not None
    return {
        "patient record": (reverse("patients:detail", args=[patient]), {}),
        "progress page": (reverse("outcomes:progress", args=[patient]), {}),
        "progress summary": (
            reverse("outcomes:summary", args=[patient]),
            {"HTTP_HX_REQUEST": "true"},
        ),
        "course page": (
            reverse("ipt:course-detail", args=[patient, course.public_id]),
            {},
        ),
        "inventory": (reverse("ipt:inventory", args=[patient, course.public_id]), {}),
        "timeline": (reverse("ipt:timeline", args=[patient, course.public_id]), {}),
        "session note": (
            reverse("ipt:note", args=[patient, course.public_id, session.public_id]),
            {},
        ),
        "session preparation": (
            reverse("portal:staff-session-prep", args=[patient, course.public_id]),
            {"HTTP_HX_REQUEST": "true"},
        ),
        "session preparation, whole page": (
            reverse("portal:staff-session-prep", args=[patient, course.public_id]),
            {},
        ),
    }


PAGES = [
    "patient record",
    "progress page",
    "progress summary",
    "course page",
    "inventory",
    "timeline",
    "session note",
    "session preparation",
    "session preparation, whole page",
]


def _get(client: Client, url: str, headers: dict[str, str]) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)  # type: ignore[arg-type]
    assert response.status_code == 200, response.status_code
    return TOKEN.sub(r"\1…", response.content.decode()), len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_a_kept_page_is_the_page_rendered_afresh(
    client: Client, clinic: Clinic, course: Course, page: str, settings: Any
) -> None:
    client.force_login(clinic.therapist_on_team)
    url, headers = _pages(course)[page]
    first, first_queries = _get(client, url, headers)
    kept, kept_queries = _get(client, url, headers)
    assert kept == first
    assert kept_queries < first_queries  # the page's own queries are not made
    settings.IPTCARE_KEEP_PAGES = False
    afresh, _ = _get(client, url, headers)
    assert afresh == first


def _diagnosis(course: Course) -> str:
    DiagnosisFactory(patient=course.patient, code="R45.8", recorded_by=course.clinician)
    return "R45.8"


def _diagnosis_by_update(course: Course) -> str:
    DiagnosisFactory(patient=course.patient, recorded_by=course.clinician)
    assert Diagnosis.objects.filter(patient=course.patient).update(code="Q12.3")
    return "Q12.3"


def _name_by_raw_sql(course: Course) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_patient SET family_name = %s WHERE id = %s",
            ["Rawsqlington", course.patient_id],
        )
    return "Rawsqlington"


def _person_by_bulk_create(course: Course) -> str:
    InventoryPerson.objects.bulk_create(
        [
            InventoryPerson(
                course=course, name="Bulky Bettina", relationship="family", closeness=2
            )
        ]
    )
    return "Bulky Bettina"


def _timeline_by_bulk_create(course: Course) -> str:
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                course=course,
                category="life_event",
                kind="life_change",
                title="Moved to Tromsø",
                started_on=timezone.localdate() - timedelta(days=400),
            )
        ]
    )
    return "Moved to Tromsø"


def _goal_by_update(course: Course) -> str:
    assert Goal.objects.filter(course=course).update(
        description="Phone my sister weekly"
    )
    return "Phone my sister weekly"


def _alert(course: Course) -> str:
    AlertFactory(patient=course.patient, reason="Kestrel alarm raised")
    return "Kestrel alarm raised"


def _note_by_update(course: Course) -> str:
    session = course.sessions.order_by("number").last()
    assert session is not None
    SessionNote.objects.create(
        session=session, author=course.clinician, phase=session.phase
    )
    SessionNote.objects.filter(session=session).update(plan="Plan of the otter")
    return "Plan of the otter"


def _clinician_renamed(course: Course) -> str:
    Staff.objects.filter(pk=course.clinician_id).update(
        first_name="Renata", last_name="Rayleigh"
    )
    return "Renata Rayleigh"


WRITES: list[tuple[str, Callable[[Course], str]]] = [
    ("patient record", _diagnosis),
    ("patient record", _diagnosis_by_update),
    ("patient record", _name_by_raw_sql),
    ("patient record", _clinician_renamed),
    ("progress page", _alert),
    ("progress summary", _alert),
    ("course page", _goal_by_update),
    ("course page", _person_by_bulk_create),
    ("inventory", _person_by_bulk_create),
    ("timeline", _timeline_by_bulk_create),
    ("session note", _note_by_update),
]


@pytest.mark.parametrize(
    ("page", "write"), WRITES, ids=[f"{p}-{w.__name__}" for p, w in WRITES]
)
def test_a_write_by_any_path_shows_at_once(
    client: Client,
    clinic: Clinic,
    course: Course,
    page: str,
    write: Callable[[Course], str],
) -> None:
    client.force_login(clinic.therapist_on_team)
    url, headers = _pages(course)[page]
    before, _ = _get(client, url, headers)
    _get(client, url, headers)  # kept
    shown = write(course)
    assert shown not in before
    after, _ = _get(client, url, headers)
    assert shown in after


def test_each_reader_has_their_own_copy(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """The supervisor sees the audit link, the care team does not; a clinician who
    broke the glass sees the banner, and nobody else does."""
    url, headers = _pages(course)["patient record"]
    client.force_login(clinic.therapist_on_team)
    mine, _ = _get(client, url, headers)
    assert "Audit trail" not in mine
    client.force_login(clinic.supervisor)
    supervisors, _ = _get(client, url, headers)
    assert "Audit trail" in supervisors
    BreakGlassAccess.objects.create(
        staff=clinic.therapist_off_team,
        patient=course.patient,
        reason="Crisis call out of hours",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(clinic.therapist_off_team)
    glass, _ = _get(client, url, headers)
    assert "Emergency access" in glass
    client.force_login(clinic.therapist_on_team)
    again, _ = _get(client, url, headers)
    assert "not on this patient's care team" not in again


def test_a_reader_taken_off_the_care_team_gets_nothing_kept(
    client: Client, clinic: Clinic, course: Course
) -> None:
    url, headers = _pages(course)["course page"]
    client.force_login(clinic.therapist_on_team)
    _get(client, url, headers)
    course.patient.care_team.filter(staff=clinic.therapist_on_team).delete()
    assert client.get(url).status_code == 404


def test_the_forms_of_a_kept_page_carry_the_readers_own_token(
    clinic: Clinic, course: Course
) -> None:
    """Two browsers of one clinician: the second is sent the copy the first made, and
    its form posts with the second browser's CSRF token."""
    url, _ = _pages(course)["inventory"]
    first = Client(enforce_csrf_checks=True)
    first.force_login(clinic.therapist_on_team)
    assert first.get(url).status_code == 200
    second = Client(enforce_csrf_checks=True)
    second.force_login(clinic.therapist_on_team)
    page = second.get(url)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page.content.decode()
    )
    assert token is not None
    response = second.post(
        url,
        {
            "csrfmiddlewaretoken": token.group(1),
            "name": "Token Tess",
            "relationship": "friend",
            "contact_frequency": "weekly",
            "closeness": "2",
            "quality": "good",
            "expectations_met": "yes",
        },
    )
    assert response.status_code in {200, 302}, response.status_code
    assert InventoryPerson.objects.filter(course=course, name="Token Tess").exists()


def test_an_appointment_leaves_upcoming_when_it_ends_with_no_write(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """Minutes later, well within the time a page is kept at most: the clock alone
    ended the session, and the kept copy ended with it."""
    starts = timezone.now() + timedelta(minutes=1)
    booked(course.patient, course.clinician, starts_at=starts, minutes=1, course=course)
    url, headers = _pages(course)["patient record"]
    client.force_login(clinic.therapist_on_team)
    shown, _ = _get(client, url, headers)
    assert "No session booked" not in shown
    assert (starts + timedelta(minutes=3) - timezone.now()).total_seconds() < (
        kept_pages.KEEP_SECONDS
    )
    with time_machine.travel(starts + timedelta(minutes=3), tick=False):
        later, _ = _get(client, url, headers)
    assert "No session booked" in later


def test_a_foreign_course_is_still_not_found(
    client: Client, clinic: Clinic, course: Course
) -> None:
    other = course_in_phase(
        Phase.MIDDLE,
        patient=clinic.patient_other_site,
        clinician=clinic.therapist_other_site,
    )
    client.force_login(clinic.therapist_on_team)
    url = reverse("outcomes:progress", args=[course.patient.public_id])
    assert client.get(url).status_code == 200
    assert client.get(url, {"course": str(other.public_id)}).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_kept_course_page_reads_no_more_than_the_kept_record(
    client: Client, clinic: Clinic, course: Course, page: str
) -> None:
    """A kept copy of a course's page is keyed by the course's (and the session's)
    public id at the record's version: sending it reads neither row."""
    client.force_login(clinic.therapist_on_team)
    pages = _pages(course)
    record_url, record_headers = pages["patient record"]
    _get(client, record_url, record_headers)
    _, record_kept = _get(client, record_url, record_headers)
    url, headers = pages[page]
    _get(client, url, headers)
    _, kept_queries = _get(client, url, headers)
    assert kept_queries == record_kept


def test_a_course_or_session_of_another_patient_is_not_found_kept_or_not(
    client: Client, clinic: Clinic, course: Course
) -> None:
    """The course read that a kept copy skips still refuses, on a fresh render, a
    course or a session that is not the patient's, before or after a copy is kept."""
    another = PatientFactory(team=clinic.team_a)
    CareTeamMemberFactory(
        patient=another, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
    )
    theirs = course_in_phase(
        Phase.MIDDLE, patient=another, clinician=clinic.therapist_on_team
    )
    client.force_login(clinic.therapist_on_team)
    ours = _pages(course)
    assert client.get(_pages(theirs)["course page"][0]).status_code == 200
    for page in PAGES:
        url, headers = ours[page]
        assert client.get(url, **headers).status_code == 200  # type: ignore[arg-type]
    patient = course.patient.public_id
    their_session = theirs.sessions.order_by("number").last()
    our_session = course.sessions.order_by("number").last()
    assert their_session is not None and our_session is not None
    wrong = {
        "course page": reverse("ipt:course-detail", args=[patient, theirs.public_id]),
        "inventory": reverse("ipt:inventory", args=[patient, theirs.public_id]),
        "timeline": reverse("ipt:timeline", args=[patient, theirs.public_id]),
        "session preparation": reverse(
            "portal:staff-session-prep", args=[patient, theirs.public_id]
        ),
        "session note, their course": reverse(
            "ipt:note", args=[patient, theirs.public_id, their_session.public_id]
        ),
        "session note, their session": reverse(
            "ipt:note", args=[patient, course.public_id, their_session.public_id]
        ),
        "session note, their course, our session": reverse(
            "ipt:note", args=[patient, theirs.public_id, our_session.public_id]
        ),
        "session note, no such course, our session": reverse(
            "ipt:note", args=[patient, uuid.uuid4(), our_session.public_id]
        ),
        "session note, no such session": reverse(
            "ipt:note", args=[patient, course.public_id, uuid.uuid4()]
        ),
        "course page, no such course": reverse(
            "ipt:course-detail", args=[patient, uuid.uuid4()]
        ),
    }
    for name, url in wrong.items():
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)  # type: ignore[arg-type]
            assert response.status_code == 404, name
            assert str(theirs.patient.family_name) not in response.content.decode()


def test_a_kept_part_is_named_by_a_quoted_word() -> None:
    from django.template import Template, TemplateSyntaxError

    Template('{% load kept_pages %}{% kept_page "title" %}x{% endkept_page %}')
    for wrong in ("title", '"title" "more"', "'title\""):
        with pytest.raises(TemplateSyntaxError):
            Template(
                "{% load kept_pages %}{% kept_page " + wrong + " %}x{% endkept_page %}"
            )


def test_a_context_kept_for_later_is_worked_out_only_when_used() -> None:
    worked_out: list[str] = []

    def compute() -> dict[str, Any]:
        worked_out.append("once")
        return {"course": "IPT-12", "note": "draft"}

    context = kept_pages.context_when_shown(compute, ("course", "note"))
    assert worked_out == []  # a kept copy sends none of the page's queries
    assert str(context["course"]) == "IPT-12" and str(context["note"]) == "draft"
    assert worked_out == ["once"]


def test_the_release_changes_with_the_catalogues_and_the_libraries(
    tmp_path: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment of other translations, or of another version of a library whose
    templates a page renders, never reads a page the previous one kept."""
    catalogue = tmp_path / "cy" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_bytes(b"one")
    settings.LOCALE_PATHS = [tmp_path]
    first = kept_pages._release()
    catalogue.write_bytes(b"other catalogue")
    assert kept_pages._release() != first
    second = kept_pages._release()

    class Upgraded:
        metadata = {"Name": "Django"}
        version = "99.0"

    installed = list(kept_pages.metadata.distributions())
    monkeypatch.setattr(
        kept_pages.metadata, "distributions", lambda: [*installed, Upgraded()]
    )
    assert kept_pages._release() != second
