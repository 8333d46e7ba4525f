"""Documents say true things, whatever state the course is in: the report's phase
dates are dates (never "—" for a phase that was held), the intake score is labelled
"intake", an ended course does not promise goal ratings, and the portal's words for
the last phase are the portal's ("Ending")."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from portal.plain_words import chart_wording
from reports import documents, selectors
from reports.tests.factories import report_course

pytestmark = pytest.mark.django_db


def _report(clinic: Clinic, course: object) -> str:
    report = selectors.course_report(
        patient=clinic.patient,
        course_public_id=course.public_id,  # type: ignore[attr-defined]
        by=clinic.therapist_on_team,
    )
    return documents.course_report_html(report)


def _phase_rows(html: str) -> list[str]:
    table = html.split("<caption>Phases of the course</caption>")[1].split("</table>")[
        0
    ]
    return [row for row in table.split("<tr>") if 'scope="row"' in row]


def test_phases_begun_and_left_on_one_day_still_show_their_dates(
    clinic: Clinic,
) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    today = timezone.localdate()
    course.opened_on = course.middle_began_on = course.termination_began_on = today
    course.save()
    course.sessions.update(held_on=today)
    rows = _phase_rows(_report(clinic, course))
    assert len(rows) == 3
    for row in rows:
        assert "—" not in row.split("</td>")[0], row  # From
        assert "—" not in row.split("</td>")[1], row  # To


def test_the_intake_score_is_labelled_intake_not_a_session(clinic: Clinic) -> None:
    course = report_course(
        patient=clinic.patient, clinician=clinic.therapist_on_team, phq9=[18, 12]
    )
    html = _report(clinic, course)
    assert ">intake</td>" in html


def test_an_intake_screening_is_intake_even_on_a_day_sessions_are_dated(
    clinic: Clinic,
) -> None:
    """Sessions dated on the screening's day (or before it) made the intake PHQ-9 read
    as "session 10"; a score from intake screening is intake, whatever the dates."""
    from measures.choices import Source
    from measures.models import Administration

    course = report_course(
        patient=clinic.patient, clinician=clinic.therapist_on_team, phq9=[18, 12]
    )
    last = course.sessions.order_by("-held_on").first()
    assert last is not None
    intake = Administration.objects.filter(patient=clinic.patient).earliest(
        "administered_at"
    )
    intake.source = Source.INTAKE_SCREENING
    intake.administered_at = timezone.make_aware(
        datetime.datetime.combine(last.held_on, datetime.time(18, 0))
    )
    intake.save(update_fields=["source", "administered_at"])
    report = selectors.course_report(
        patient=clinic.patient,
        course_public_id=course.public_id,
        by=clinic.therapist_on_team,
    )
    phq9 = next(
        item
        for item in report.progress.instruments
        if item.rules.instrument_id == "phq9"
    )
    assert [row.session for row in phq9.table.rows] == [1, 0]  # by date: then intake
    assert ">intake</td>" in documents.course_report_html(report)


@pytest.mark.parametrize("phase", [Phase.INITIAL, Phase.MIDDLE, Phase.TERMINATION])
def test_an_open_course_page_speaks_of_rating_as_still_to_come(
    client: Client, clinic: Clinic, phase: str
) -> None:
    course = course_in_phase(
        phase, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    client.force_login(clinic.therapist_on_team)
    url = reverse(
        "ipt:course-detail", args=[clinic.patient.public_id, course.public_id]
    )
    html = client.get(url).content.decode()
    assert "the course has ended" not in html
    assert ("rated once the middle phase begins" in html) == (phase == Phase.INITIAL)


def test_an_ended_course_page_does_not_promise_ratings(
    client: Client, clinic: Clinic
) -> None:
    from ipt import services

    course = course_in_phase(
        Phase.INITIAL, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    services.course_end(
        course=course,
        by=clinic.therapist_on_team,
        outcome="dropped_out",
        reason="Moved away and asked to stop.",
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(clinic.therapist_on_team)
    url = reverse(
        "ipt:course-detail", args=[clinic.patient.public_id, course.public_id]
    )
    html = client.get(url).content.decode()
    assert "rated once the middle phase begins" not in html
    assert "not rated yet" not in html
    assert "the course has ended" in html


def test_the_portal_calls_the_last_phase_ending() -> None:
    words = chart_wording()
    assert words.phase("termination", "Termination phase") == "Ending"
