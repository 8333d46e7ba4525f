"""The pages `make bench` times cost the same number of queries with 1 row as with 50
(issue #17): alerts, patients, scores, sessions and answers do not add queries. The
pages with a test of their own elsewhere (caseload, patient record, course pages,
inbox, progress page, day and week, intake queue, waiting list, session preparation,
portal pages) are not repeated here. The service dashboard and the caseload review
(issue #14) are checked here against courses, scores and alerts together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import CareTeamRole
from alerts.tests.factories import AlertFactory
from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import attended_sessions, course_in_phase, signed_note
from measures.tests.factories import AdministrationFactory
from patients.tests.factories import CareTeamMemberFactory, PatientFactory
from portal.models import QuestionnaireResponse
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str, status: int = 200, **extra: str) -> int:
    client.get(url, **extra)  # rows made on a first visit (the session and the like)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == status, response.status_code
    return len(captured)


def _same_for_1_and_50(grow: Callable[[int], None], count: Callable[[], int]) -> None:
    grow(1)
    small = count()
    grow(49)
    large = count()
    assert small == large, (small, large)


def _alerted_patients(clinic: Clinic) -> Callable[[int], None]:
    def grow(size: int) -> None:
        for _ in range(size):
            patient = PatientFactory(team=clinic.team_a)
            CareTeamMemberFactory(
                patient=patient,
                staff=clinic.therapist_on_team,
                role=CareTeamRole.PRIMARY,
            )
            AlertFactory(patient=patient)

    return grow


@pytest.mark.parametrize("persona", ["therapist_on_team", "supervisor"])
def test_the_alert_counter_poll_costs_the_same_for_1_and_50_alerts(
    client: Client, clinic: Clinic, persona: str
) -> None:
    client.force_login(getattr(clinic, persona))
    url = reverse("alerts:count")
    _same_for_1_and_50(
        _alerted_patients(clinic),
        lambda: _queries(client, url, HTTP_HX_REQUEST="true"),
    )


def test_the_inbox_poll_costs_the_same_for_1_and_50_alerts(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    url = reverse("alerts:inbox")

    def poll_with_nothing_new() -> int:
        seen = client.get(url).context["fingerprint"]
        return _queries(
            client, f"{url}?state=open&seen={seen}", 204, HTTP_HX_REQUEST="true"
        )

    _same_for_1_and_50(_alerted_patients(clinic), poll_with_nothing_new)
    _same_for_1_and_50(
        _alerted_patients(clinic),
        lambda: _queries(client, f"{url}?state=open", HTTP_HX_REQUEST="true"),
    )


def test_the_caseload_search_partial_costs_the_same_for_1_and_50_patients(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)

    def grow(size: int) -> None:
        for _ in range(size):
            patient = PatientFactory(team=clinic.team_a, family_name="Quibble")
            CareTeamMemberFactory(patient=patient, staff=clinic.therapist_on_team)
            AlertFactory(patient=patient)

    url = reverse("patients:caseload") + "?q=quib"
    _same_for_1_and_50(grow, lambda: _queries(client, url, HTTP_HX_REQUEST="true"))


def test_the_progress_summary_costs_the_same_for_1_and_50_scores(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )

    def grow(size: int) -> None:
        for _ in range(size):
            AdministrationFactory(patient=clinic.patient, instrument_id="phq9")
            AlertFactory(patient=clinic.patient)

    url = reverse("outcomes:summary", args=[clinic.patient.public_id])
    _same_for_1_and_50(grow, lambda: _queries(client, url, HTTP_HX_REQUEST="true"))


def test_the_session_note_costs_the_same_for_1_and_50_sessions(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    course.sessions_planned = 80
    course.save(update_fields=["sessions_planned"])
    shown = attended_sessions(course, 1)[0]
    signed_note(shown)

    def grow(size: int) -> None:
        for session in attended_sessions(course, size):
            signed_note(session)

    url = reverse(
        "ipt:note",
        args=[clinic.patient.public_id, course.public_id, shown.public_id],
    )
    _same_for_1_and_50(grow, lambda: _queries(client, url))


def test_the_portal_question_page_costs_the_same_for_1_and_50_past_answers(
    client: Client, clinic: Clinic
) -> None:
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    sign_in_patient(client, clinic.patient)
    started = client.post(reverse("portal:questionnaire-start", args=["phq9"]))
    assert started.status_code == 302
    draft = QuestionnaireResponse.objects.get(patient=clinic.patient)

    def grow(size: int) -> None:
        for _ in range(size):
            AdministrationFactory(
                patient=clinic.patient, instrument_id="gad7", answers=[1] * 7
            )

    url = reverse("portal:question", args=[draft.public_id, 1])
    _same_for_1_and_50(grow, lambda: _queries(client, url))


# --- The service's pages (issue #14): courses, scores and alerts add no query -------


def test_the_service_dashboard_costs_the_same_for_1_and_50_courses_and_scores(
    client: Client, clinic: Clinic
) -> None:
    from outcomes.service_refresh import service_outcomes_refresh
    from outcomes.tests.service_factories import score, service_course

    client.force_login(clinic.clinical_lead)
    ended = timezone.localdate() - timedelta(days=20)

    def grow(size: int) -> None:
        for n in range(size):
            course = service_course(
                clinician=clinic.therapist_on_team,
                team=clinic.team_a,
                phq9=(15, 5 + n % 8),
                gad7=(12, 4),
                ended_on=ended,
                missed=n % 3,
            )
            score(course.patient, "phq9", 9, ended - timedelta(days=14))
            AlertFactory(patient=course.patient)
        service_outcomes_refresh()

    url = reverse("outcomes:service")
    _same_for_1_and_50(grow, lambda: _queries(client, url))
    _same_for_1_and_50(
        grow,
        lambda: _queries(
            client, f"{url}?team={clinic.team_a.pk}&problem_area=disputes"
        ),
    )


def test_the_caseload_review_costs_the_same_for_1_and_50_alerts_and_scores(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.supervisor)
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    assert course.patient == clinic.patient

    def grow(size: int) -> None:
        for n in range(size):
            AdministrationFactory(patient=clinic.patient, instrument_id="phq9")
            AlertFactory(
                patient=clinic.patient,
                escalated_at=timezone.now() if n % 2 else None,
            )

    url = reverse("supervision:review")
    _same_for_1_and_50(grow, lambda: _queries(client, url))
    _same_for_1_and_50(_alerted_patients(clinic), lambda: _queries(client, url))


@pytest.mark.parametrize(
    "path", ["/?q=quib", "/?q=IPT-000101", "/", "/?sort=flags", "/alerts/"]
)
def test_the_lists_send_no_statement_twice(
    client: Client, clinic: Clinic, path: str
) -> None:
    """A list's request sends each of its statements once: the search's record
    numbers, the choosing query and the count are looked up once, whichever path
    builds them (decisions/0072)."""
    client.force_login(clinic.therapist_on_team)
    for n in range(3):
        patient = PatientFactory(team=clinic.team_a, family_name="Quibble")
        CareTeamMemberFactory(patient=patient, staff=clinic.therapist_on_team)
        AlertFactory(patient=patient, reason=f"Alarm {n}")
    with CaptureQueriesContext(connection) as sent:
        assert client.get(path, HTTP_HX_REQUEST="true").status_code == 200
    statements = [query["sql"] for query in sent.captured_queries]
    assert len(statements) == len(set(statements)), statements
