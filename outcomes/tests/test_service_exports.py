"""Suppression in the exports at the minimum and one under it (default 5): every
figure over 1 to 4 courses is withheld from the CSV and the PDF, whatever it counts
(courses, sessions, a mean), and shown from 5 (docs/outcomes.md, "Small numbers")."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access import ServiceScope
from accounts.models import Staff
from conftest import Clinic, signed_in
from iptcare.lib import spreadsheet
from outcomes import dashboard, exports
from outcomes.forms import default_period
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course

pytestmark = pytest.mark.django_db

SUPPRESSED = "suppressed"


def _ended() -> date:
    return timezone.localdate() - timedelta(days=20)


def _courses(
    clinician: Staff, clinic: Clinic, recovered: int, not_recovered: int
) -> None:
    """Finished courses of 6 attended and 1 missed session of 12 contracted."""
    for phq9 in [(15, 5)] * recovered + [(15, 12)] * not_recovered:
        service_course(
            clinician=clinician,
            team=clinic.team_a,
            phq9=phq9,
            ended_on=_ended(),
            sessions=6,
            missed=1,
            sessions_planned=12,
        )


def _board() -> dashboard.Dashboard:
    start, end = default_period(timezone.localdate())
    return dashboard.service_dashboard(
        scope=ServiceScope(whole_service=True),
        filters=dashboard.Filters(start=start, end=end),
    )


def _rows(board: dashboard.Dashboard) -> dict[tuple[str, str, str], list[str]]:
    """The CSV as written (through the view's writer), keyed by section, group and
    figure."""
    written = spreadsheet.csv_text(exports.csv_rows(board))
    return {
        (r[0], r[1], r[2]): r[3:]
        for r in csv.reader(io.StringIO(written))
        if len(r) > 3
    }


def _text(html: str) -> str:
    """The PDF's words, without its tags and its definitions."""
    body = html.split("<body>", 1)[1].split('id="definitions-heading"', 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_flow_figures_over_four_finished_courses_are_withheld(clinic: Clinic) -> None:
    # 4 courses: 24 attended and 4 missed sessions. The did-not-attend rate's
    # denominator (28 sessions) is not a number of courses, but it rests on 4.
    _courses(clinic.therapist_on_team, clinic, recovered=4, not_recovered=0)
    service_outcomes_refresh()
    board = _board()
    rows = _rows(board)
    flow = "flow", "whole selection"
    assert rows[(*flow, "courses finished")][0] == SUPPRESSED
    assert rows[(*flow, "sessions not attended")][:2] == [SUPPRESSED, SUPPRESSED]
    assert rows[(*flow, "mean sessions attended")][0] == SUPPRESSED
    assert rows[(*flow, "mean sessions contracted")][0] == SUPPRESSED
    text = _text(exports.service_html(board))
    for shown in ("4 of 28", "6.0 of 12.0", "of 4 finished", "4 of 4"):
        assert shown not in text
    assert "Fewer than 5 finished courses" in text


def test_flow_figures_over_five_finished_courses_are_shown(clinic: Clinic) -> None:
    # 5 courses: 30 attended, 5 missed; 5 of 35 = 14.3 %; means 30/5 = 6.0 of 12.0.
    _courses(clinic.therapist_on_team, clinic, recovered=5, not_recovered=0)
    service_outcomes_refresh()
    board = _board()
    rows = _rows(board)
    flow = "flow", "whole selection"
    assert rows[(*flow, "courses finished")][0] == "5"
    assert rows[(*flow, "sessions not attended")][:3] == ["5", "35", "14.3"]
    assert rows[(*flow, "mean sessions attended")][:2] == ["6.0", "5"]
    assert rows[(*flow, "mean sessions contracted")][:2] == ["12.0", "5"]
    text = _text(exports.service_html(board))
    assert "14 % (5 of 35)" in text
    assert "6.0 of 12.0" in text
    assert "5 of 5 finished courses started at caseness" in text


def test_a_group_at_the_minimum_is_shown_beside_one_under_it(clinic: Clinic) -> None:
    # On-team: 5 finished, 3 recovered. Off-team: 4 finished, suppressed whole.
    # The month holds all 9 (6 recovered, 9 < 10: a count with its interval).
    _courses(clinic.therapist_on_team, clinic, recovered=3, not_recovered=2)
    _courses(clinic.therapist_off_team, clinic, recovered=3, not_recovered=1)
    service_outcomes_refresh()
    board = _board()
    rows = _rows(board)
    shown = "by clinician", clinic.therapist_on_team.display_name
    withheld = "by clinician", clinic.therapist_off_team.display_name
    # Wilson, 3 of 5: centre 0.5566, half-width 0.3258 → 23.1 %–88.2 %.
    assert rows[(*shown, "recovery")][:5] == ["3", "5", "60.0", "23.1", "88.2"]
    assert rows[(*shown, "mean baseline PHQ-9 (case mix)")][:2] == ["15.0", "5"]
    assert rows[(*withheld, "finished courses")][0] == SUPPRESSED
    assert not [
        key for key in rows if key[:2] == withheld and key[2] != "finished courses"
    ]
    month = f"{_ended():%Y-%m}"
    # Wilson, 6 of 9: 35.4 %–87.9 %.
    assert rows[("recovery by month", month, "recovery")][:5] == [
        "6",
        "9",
        "66.7",
        "35.4",
        "87.9",
    ]
    text = _text(exports.service_html(board))
    assert f"{clinic.therapist_off_team.display_name} suppressed (fewer than 5" in text
    assert "3 of 5 (95 % CI 23 %–88 %)" in text
    assert "6 of 9 (95 % CI 35 %–88 %)" in text


def test_a_case_mix_over_fewer_than_five_baselines_is_withheld(clinic: Clinic) -> None:
    # 5 finished courses, but only one with a PHQ-9: the "mean" baseline would be that
    # one patient's score (22). The GAD-7 courses count for the outcomes.
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(22, 8),
        ended_on=_ended(),
    )
    for _ in range(4):
        service_course(
            clinician=clinic.therapist_on_team,
            team=clinic.team_a,
            phq9=None,
            gad7=(12, 4),
            ended_on=_ended(),
        )
    service_outcomes_refresh()
    board = _board()
    assert board.overall.mean_baseline == 22 and board.overall.baseline_courses == 1
    rows = _rows(board)
    clinician = "by clinician", clinic.therapist_on_team.display_name
    assert rows[(*clinician, "finished courses")][0] == "5"
    assert rows[(*clinician, "mean baseline PHQ-9 (case mix)")][0] == SUPPRESSED
    assert (
        rows[("outcomes", "Whole selection", "mean baseline PHQ-9 (case mix)")][0]
        == SUPPRESSED
    )
    text = _text(exports.service_html(board))
    assert "22.0" not in text


def test_the_pdf_itself_withholds_four_courses(client: Client, clinic: Clinic) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    _courses(clinic.therapist_on_team, clinic, recovered=4, not_recovered=0)
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    response = client.get(reverse("outcomes:service-pdf"))
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
    assert "Fewer than 5 finished courses" in text
    # ("Page 4 of 4" is the footer's.)
    for shown in ("4 of 28", "6.0 of 12.0", "4 of 4 finished", "of 4 finished"):
        assert shown not in text


@pytest.mark.parametrize(
    "name", ["outcomes:service", "outcomes:service-csv", "outcomes:service-pdf"]
)
def test_each_read_is_audited_with_the_filter_names_only(
    client: Client, clinic: Clinic, name: str
) -> None:
    from audit.models import AuditEvent

    pytest.importorskip("weasyprint")
    signed_in(client, clinic.supervisor)
    before = AuditEvent.objects.filter(category="service_outcomes").count()
    question: dict[str, Any] = {"team": clinic.team_a.pk, "problem_area": "grief"}
    response = client.get(reverse(name), question)
    assert response.status_code == 200
    events = AuditEvent.objects.filter(category="service_outcomes").order_by("id")
    assert events.count() == before + 1
    event = events.last()
    assert event is not None and event.patient is None
    assert event.actor == clinic.supervisor
    assert event.detail.endswith("filters=problem_area,team")
    assert "grief" not in event.detail and str(clinic.team_a.pk) not in event.detail


@pytest.mark.parametrize(
    "name", ["outcomes:service", "outcomes:service-csv", "outcomes:service-pdf"]
)
@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            {"start": "2026-05-01", "end": "2026-01-01"},
            "The period must start before it ends.",
        ),
        (
            {"start": "2020-01-01", "end": "2026-01-01"},
            "Choose a period of at most five years.",
        ),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"problem_area": "sadness"}, "is not one of the available choices."),
        ({"clinician": "999999"}, "is not one of the available choices."),
    ],
)
def test_a_bad_question_is_refused_and_records_nothing(
    client: Client, clinic: Clinic, name: str, question: dict[str, str], message: str
) -> None:
    from audit.models import AuditEvent

    signed_in(client, clinic.clinical_lead)
    response = client.get(reverse(name), question)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(category="service_outcomes").exists()


def test_both_thresholds_are_settings(clinic: Clinic, settings: Any) -> None:
    # Small numbers under 3 and suppression under 3: 3 courses are a percentage on
    # the page and shown in the CSV; 2 (the off-team clinician's) are a count with
    # its interval on the page and withheld from the CSV.
    settings.IPTCARE_SERVICE_SMALL_NUMBER = 3
    settings.IPTCARE_SERVICE_SUPPRESS_BELOW = 3
    _courses(clinic.therapist_on_team, clinic, recovered=2, not_recovered=1)
    _courses(clinic.therapist_off_team, clinic, recovered=1, not_recovered=1)
    service_outcomes_refresh()
    board = _board()
    groups = {group.label: group for group in board.by_clinician}
    on_team = groups[clinic.therapist_on_team.display_name]
    assert on_team.recovery.text == "67 % (2 of 3)"
    off_team = groups[clinic.therapist_off_team.display_name]
    assert off_team.recovery.text.startswith("1 of 2 (95 % CI")
    rows = _rows(board)
    assert rows[("by clinician", on_team.label, "recovery")][:3] == ["2", "3", "66.7"]
    off = "by clinician", clinic.therapist_off_team.display_name
    assert rows[(*off, "finished courses")][:1] == [SUPPRESSED]
    assert rows[(*off, "finished courses")][-1] == "fewer than 3"
