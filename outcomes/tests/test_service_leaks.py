"""The service dashboard leaks no individual patient: nothing it shows or links to —
the page, every link on it, the CSV and the PDF — names a patient, carries an
identifier or points at a record, for the clinical lead, the administrator or a
supervisor; and a patient's own pages stay behind the record's access check (the
lead gets 404 there, and the 404 says nothing of the patient)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic, signed_in
from ipt.models import CourseProblemArea
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from tests.access_matrix import ROUTES

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("outcomes:service")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "action", "src", "hx-get"} and value:
                self.hrefs.append(value)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture
def canary(clinic: Clinic) -> list[str]:
    """The clinic's patient (Canary Zebedee) with the only finished course of their
    clinician in the period, a problem area and a referral: the selection most likely
    to betray one person. Returns every string that would identify them."""
    patient = clinic.patient
    course = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        patient=patient,
        phq9=(23, 4),
        ended_on=timezone.localdate() - timedelta(days=20),
    )
    CourseProblemArea.objects.create(
        course=course, area="grief", rank=1, chosen_by=clinic.therapist_on_team
    )
    service_outcomes_refresh()
    return [
        patient.given_name,
        patient.family_name,
        patient.record_number,
        str(patient.public_id),
        str(course.public_id),
        f"{patient.date_of_birth:%-d %b %Y}",
        patient.date_of_birth.isoformat(),
    ]


def _body(response: Any) -> str:
    if response["Content-Type"].startswith("application/pdf"):
        pypdf = pytest.importorskip("pypdf")
        pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
        return " ".join(page.extract_text() or "" for page in pages)
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def _assert_names_no_one(body: str, canary: list[str], where: str) -> None:
    for value in canary:
        assert value not in body, f"{where} shows {value!r}"
    assert not re.search(rf"/patients/{UUID}", body), f"{where} links a record"


@pytest.mark.parametrize("persona", ["clinical_lead", "administrator", "supervisor"])
def test_nothing_the_dashboard_shows_or_links_to_names_a_patient(
    client: Client, clinic: Clinic, canary: list[str], persona: str
) -> None:
    pytest.importorskip("weasyprint")
    signed_in(client, clinic.persona(persona))
    # The whole service, and the question narrowed to the canary's one course.
    questions: list[dict[str, Any]] = [
        {},
        {
            "clinician": clinic.therapist_on_team.pk,
            "problem_area": "grief",
            "team": clinic.team_a.pk,
        },
    ]
    seen: set[str] = set()
    for question in questions:
        page = client.get(DASHBOARD, question)
        assert page.status_code == 200
        html = page.content.decode()
        _assert_names_no_one(html, canary, f"the dashboard {question}")
        # A supervisor's navigation leads to their own caseload, whose patients they
        # may see; for them only the dashboard's own content is followed. The lead and
        # the administrator follow every link, the navigation's too.
        content = (
            html.split('<main id="main">', 1)[1] if persona == "supervisor" else html
        )
        for link in _links(content):
            if link.startswith(("#", "http", "mailto:")) or link in seen:
                continue
            seen.add(link)
            assert not re.search(UUID, link), f"{link} carries an identifier"
            followed = client.get(link.replace("&amp;", "&"))
            # 405: a form that only posts (signing out), followed with a GET.
            assert followed.status_code in {200, 302, 403, 404, 405}, link
            if followed.status_code == 200:
                _assert_names_no_one(_body(followed), canary, link)
    # The exports were among the links, with and without the narrowing.
    exports = {reverse("outcomes:service-csv"), reverse("outcomes:service-pdf")}
    assert {link.split("?")[0] for link in seen} >= exports


def test_a_one_course_selection_has_no_per_patient_row_in_the_exports(
    client: Client, clinic: Clinic, canary: list[str]
) -> None:
    # Narrowed to one course, the exports withhold every figure over it: the canary's
    # 23 → 4 (recovered, reliable recovery) is not to be read off a row.
    signed_in(client, clinic.clinical_lead)
    question: dict[str, Any] = {
        "clinician": clinic.therapist_on_team.pk,
        "problem_area": "grief",
    }
    body = client.get(reverse("outcomes:service-csv"), question).content.decode()
    figures = list(csv.reader(io.StringIO(body)))
    counted = [r for r in figures if r[0] not in {"section", "question"}]
    assert counted, "the CSV has its figure rows"
    for row in counted:
        assert row[3] in {"suppressed", "0", ""}, row
    assert "23" not in body.split("computed at")[-1].split("\n", 1)[-1]


PATIENT_PAGES = [
    "patients:detail",
    "outcomes:progress",
    "outcomes:summary",
    "ipt:course-detail",
    "measures:detail",
    "supervision:session-fidelity",
    "reports:course-report",
]


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_the_lead_gets_404_on_the_patients_own_pages(
    client: Client, clinic: Clinic, canary: list[str], name: str
) -> None:
    # The pages a figure could lead to, reached directly: the record's own access
    # check answers, as if the patient did not exist.
    signed_in(client, clinic.clinical_lead)
    route = ROUTES[name]
    response = client.get(reverse(name, kwargs=route.kwargs(clinic)))
    assert response.status_code == 404
    _assert_names_no_one(response.content.decode(), canary[:3], name)
