"""The course report: what it says (its HTML), that it is a PDF with the right
headers, who may have it, one audit row, a constant number of queries, and that making
it fetches nothing."""

from __future__ import annotations

import datetime
import logging
import re
import sys
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import CourseFactory
from outcomes import selectors as outcome_selectors
from patients.models import Patient
from patients.tests.factories import PatientFactory
from reports import documents, pdf, selectors
from reports.tests.factories import report_course, score

REPORT = "reports:course-report"


def report_url(course: Course) -> str:
    return reverse(
        REPORT,
        kwargs={"public_id": course.patient.public_id, "course_id": course.public_id},
    )


def report_html(clinic: Clinic, course: Course) -> str:
    report = selectors.course_report(
        patient=course.patient,
        course_public_id=course.public_id,
        by=clinic.therapist_on_team,
    )
    return documents.course_report_html(report)


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


# --- What the report says ------------------------------------------------------------


def test_the_report_names_the_patient_the_course_and_its_sessions(
    clinic: Clinic,
) -> None:
    course = report_course(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        phq9=[18, 16, 14, 12],
        missed=2,
    )
    html = report_html(clinic, course)
    patient = clinic.patient
    assert patient.full_name in html and patient.record_number in html
    assert f"{patient.date_of_birth:%-d %B %Y}" in html
    assert course.program.name in html
    assert clinic.therapist_on_team.display_name in html
    assert "Progress report" in html  # the course is still open
    assert "Confidential" in html
    attended = course.sessions.filter(attendance="attended").count()
    assert f"{attended} of {course.sessions_planned} planned sessions attended" in html
    assert "2 missed" in html
    assert "<caption>Phases of the course</caption>" in html
    assert "Initial phase" in html and "Termination phase" in html


def test_the_report_has_the_goals_with_their_gas_ratings_and_t_score(
    clinic: Clinic,
) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    goal = course.goals.get()
    html = report_html(clinic, course)
    assert "Interpersonal (role) dispute (renegotiation)" in html  # the problem area
    assert goal.description in html
    assert goal.level_0 in html  # the expected outcome
    assert "<strong>+1</strong> Talks it through most weeks" in html  # latest rating
    assert "−1" in html or "-1" in html  # first rating
    # one goal at +1 (equal weights): T = 50 + 10 × 1 / √1 = 60
    assert "GAS T-score so far: <strong>60.0</strong>" in html


def test_the_report_has_the_progress_pages_chart_and_table_and_outcome(
    clinic: Clinic,
) -> None:
    course = report_course(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        phq9=[18, 16, 14, 12, 9, 7],
        gad7=[14, 12, 10, 8, 6, 5],
    )
    html = report_html(clinic, course)
    progress = outcome_selectors.patient_progress(
        patient=clinic.patient, course_public_id=course.public_id
    )
    # the very charts the clinician's progress page draws, byte for byte
    assert svgs(html) == [str(item.svg) for item in progress.instruments]
    assert len(svgs(html)) == 2
    assert "<caption>PHQ-9 scores" in html and "<caption>GAD-7 scores" in html
    for value in ("18", "16", "14", "12", "9", "7"):
        assert f"<td>{value}</td>" in html
    assert "Reliable change" in html and "Recovery" in html
    assert "NHS Talking Therapies outcome" in html
    # no external resource for WeasyPrint to fetch
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", html)
    assert "<link" not in html


def test_the_report_has_the_termination_review_and_the_written_plan(
    clinic: Clinic,
) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    html = report_html(clinic, course)
    assert "Termination review" in html
    assert "Mood lifted as the rows with her partner eased." in html
    assert "End treatment" in html and "Goals met; plan agreed." in html
    assert "Relapse-prevention plan" in html
    assert "Skipping the Tuesday meeting".lower() in html.lower()
    assert "Call the sponsor; walk with the dog." in html
    assert "Not yet written:" in html  # triggers, people to contact, crisis plan
    assert "Crisis plan</dt>" not in html  # an empty part is not printed


def test_a_course_without_review_plan_or_ratings_says_so_plainly(
    clinic: Clinic,
) -> None:
    course = report_course(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        rated=False,
        review=False,
        plan=False,
    )
    html = report_html(clinic, course)
    assert "Termination review" not in html
    assert "Relapse-prevention plan" not in html
    assert "not rated" in html and "not computed" in html


def test_an_ended_course_is_an_end_of_treatment_report(clinic: Clinic) -> None:
    course = report_course(
        patient=clinic.patient, clinician=clinic.therapist_on_team, phq9=[16, 9]
    )
    course.phase = Phase.ENDED
    course.outcome = "completed"
    course.ended_on = course.opened_on + datetime.timedelta(weeks=13)
    course.gas_t_score = 60.0
    course.save()
    html = report_html(clinic, course)
    assert "End-of-treatment report" in html
    assert "Completed" in html
    assert "GAS T-score at the end: <strong>60.0</strong>" in html


def test_the_text_people_typed_is_escaped(clinic: Clinic) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    plan = course.relapse_plan
    plan.crisis_plan = '<img src="https://example.com/x.png">'
    plan.save()
    html = report_html(clinic, course)
    assert "&lt;img src=&quot;https://example.com/x.png&quot;&gt;" in html
    assert '<img src="https://example.com' not in html


# --- Zero, one and many scores -------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 12])
def test_the_report_is_made_with_zero_one_or_many_scores(
    as_therapist: Client, clinic: Clinic, count: int
) -> None:
    totals = [20 - i for i in range(count)]
    course = report_course(
        patient=clinic.patient, clinician=clinic.therapist_on_team, phq9=totals
    )
    html = report_html(clinic, course)
    assert len(svgs(html)) == 1  # the PHQ-9 is always charted
    if count == 0:
        assert "No scores yet" in html  # in the chart and in its table
    else:
        assert len(re.findall(r"<td>\d+ \w+ \d{4}</td><td>", html)) >= count
    response = as_therapist.get(report_url(course))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


# --- The PDF and its response --------------------------------------------------------


def test_the_report_downloads_as_a_pdf_without_the_patients_name_in_its_file_name(
    as_therapist: Client, clinic: Clinic
) -> None:
    course = report_course(
        patient=clinic.patient, clinician=clinic.therapist_on_team, phq9=[16, 12, 9]
    )
    response = as_therapist.get(report_url(course))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="ipt-course-report.pdf"'
    for identifier in (
        clinic.patient.family_name,
        clinic.patient.given_name,
        clinic.patient.record_number,
    ):
        assert identifier not in disposition
    assert "no-store" in response["Cache-Control"]


def test_the_download_is_audited_once_as_an_export(
    as_therapist: Client, clinic: Clinic
) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    before = AuditEvent.objects.filter(patient=clinic.patient).count()
    as_therapist.get(report_url(course))
    events = AuditEvent.objects.filter(patient=clinic.patient)
    assert events.count() == before + 1
    event = events.order_by("-id").first()
    assert event is not None
    assert (event.action, event.category) == (Action.EXPORT, "report")
    assert f"course={course.public_id}" in event.detail
    assert clinic.patient.family_name not in event.detail


def test_making_the_report_logs_no_patient_data(
    as_therapist: Client, clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    assert as_therapist.get(report_url(course)).status_code == 200
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert clinic.patient.family_name not in logged
    assert clinic.patient.record_number not in logged


# --- Who may have it -----------------------------------------------------------------


def test_a_course_of_another_patient_is_404(
    as_therapist: Client, clinic: Clinic
) -> None:
    own = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    # another patient the therapist also cares for: still not this patient's course
    other_patient = PatientFactory(team=clinic.team_a)
    other_patient.care_team.create(staff=clinic.therapist_on_team, role="clinician")
    others = CourseFactory(patient=other_patient, clinician=clinic.therapist_on_team)
    foreign = CourseFactory(patient=clinic.patient_other_site)
    for course in (others, foreign):
        url = reverse(
            REPORT,
            kwargs={
                "public_id": clinic.patient.public_id,
                "course_id": course.public_id,
            },
        )
        response = as_therapist.get(url)
        assert response.status_code == 404
        assert other_patient.family_name not in response.content.decode()
    missing = reverse(
        REPORT,
        kwargs={"public_id": clinic.patient.public_id, "course_id": uuid.uuid4()},
    )
    assert as_therapist.get(missing).status_code == 404
    assert as_therapist.get(report_url(own)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("therapist_off_team", 404),
        ("therapist_other_site", 404),
        ("supervisor_other_team", 404),
        ("coordinator", 404),  # registration access: no clinical content
        ("administrator", 404),
        ("supervisor", 200),
    ],
)
def test_only_clinical_access_gets_the_report(
    client: Client, clinic: Clinic, persona: str, status: int
) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    client.force_login(getattr(clinic, persona))
    response = client.get(report_url(course))
    assert response.status_code == status
    if status == 404:
        assert not response.content.startswith(b"%PDF")


def test_the_report_is_get_only(as_therapist: Client, clinic: Clinic) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    assert as_therapist.post(report_url(course)).status_code == 405


# --- Cost ------------------------------------------------------------------------------


def _queries(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
        assert response.status_code == 200
    return len(queries)


def _patient_of(clinic: Clinic) -> Patient:
    patient = PatientFactory(team=clinic.team_a)
    patient.care_team.create(staff=clinic.therapist_on_team, role="clinician")
    return patient


def test_the_report_costs_the_same_for_few_and_many_sessions_and_scores(
    as_therapist: Client, clinic: Clinic
) -> None:
    small = report_course(
        patient=_patient_of(clinic),
        clinician=clinic.therapist_on_team,
        phq9=[16, 14],
        gad7=[10, 9],
    )
    large = report_course(
        patient=_patient_of(clinic),
        clinician=clinic.therapist_on_team,
        phq9=[20 - i for i in range(14)],
        gad7=[15 - i for i in range(14)],
        missed=8,
    )
    for week in range(20):  # and more scores than sessions
        day = large.opened_on + datetime.timedelta(days=week * 4 + 1)
        score(large.patient, "phq9", 10, day)
    assert _queries(as_therapist, report_url(small)) == _queries(
        as_therapist, report_url(large)
    )
    assert _queries(as_therapist, report_url(large)) <= 25  # a bound; equality above


# --- Fetching nothing ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/site.css",
        "file:///etc/hostname",
        "ftp://example.com/x",
    ],
)
def test_the_pdf_converter_refuses_every_url_but_data(url: str) -> None:
    fetcher = pdf.url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_a_template_that_links_out_still_fetches_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import urllib.request

    from weasyprint.urls import URLFetcher

    opened: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        opened.append(str(args[1] if len(args) > 1 else args))
        raise AssertionError("the converter opened a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    with pytest.raises(AssertionError):  # the trap works: WeasyPrint's own fetcher
        URLFetcher().fetch("https://example.com/x.png")
    opened.clear()
    html = (
        "<html><head><link rel=stylesheet href='https://example.com/a.css'></head>"
        "<body><p>Hello</p><img src='https://example.com/x.png'>"
        "<img src='file:///etc/hostname'></body></html>"
    )
    assert pdf.html_to_pdf(html).startswith(b"%PDF-")
    assert opened == []


def test_a_server_without_weasyprint_says_so_instead_of_failing(
    as_therapist: Client, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails
    response = as_therapist.get(report_url(course))
    assert response.status_code == 503
    assert "Pango" in response.content.decode()


def test_the_course_page_and_the_progress_page_link_to_the_report(
    as_therapist: Client, clinic: Clinic
) -> None:
    course = report_course(patient=clinic.patient, clinician=clinic.therapist_on_team)
    url = report_url(course)
    detail = reverse(
        "ipt:course-detail",
        kwargs={"public_id": clinic.patient.public_id, "course_id": course.public_id},
    )
    progress = reverse("outcomes:progress", args=[clinic.patient.public_id])
    for page in (detail, progress):
        assert f'href="{url}" download' in as_therapist.get(page).content.decode()
