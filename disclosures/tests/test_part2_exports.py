"""Every export that can carry a Part 2 record consults the flag (docs/decisions/0022).

``EXPORTS`` lists each route whose answer is a file rather than a page, with how it
treats a Part 2 record. The walk below opens every GET route of the access matrix for
a Part 2 patient as a clinician, a supervisor and the patient in the portal: a new
export that is not listed here fails the suite, as does a listed one that is gone.
"""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from disclosures import rules, services
from disclosures.choices import Channel, ContentKind
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from disclosures.tests.test_private_notes import readable_text
from tests.access_matrix import ROUTES
from tests.test_access_matrix import _client_for

pytestmark = pytest.mark.django_db

MARKED = "marked"  # carries the Part 2 marking and says how it may leave
DISCLOSED = "disclosed"  # made through the disclosure rule, with the §2.32 notice
AGGREGATE = "aggregate"  # counts only: no patient in it
NO_IDENTITY = "no identity"  # leaves (calendars) without naming a Part 2 patient
OWN_RECORD = "own record"  # the patient's own (the rule's own_record)
RELEASE = "release rules"  # FHIR: interop/release.py for clients; staff = use inside
NO_RECORD = "no record"  # carries no patient's record at all

EXPORTS: dict[str, str] = {
    "health": NO_RECORD,
    "reports:course-report": MARKED,
    "disclosures:disclosure-document": DISCLOSED,
    "disclosures:accounting-pdf": OWN_RECORD,  # printed for the patient (§2.25)
    "disclosures:portal-pack-download": OWN_RECORD,
    "outcomes:service-csv": AGGREGATE,
    "outcomes:service-pdf": AGGREGATE,
    "scheduling:feed": NO_IDENTITY,
    "scheduling:patient-ics": NO_IDENTITY,
    "portal:sessions-ics": OWN_RECORD,
}
FHIR_PREFIX = "fhir:"  # every FHIR route: RELEASE

PERSONAS = ["therapist_on_team", "supervisor", "patient_self"]


@pytest.fixture
def part2(clinic: Any) -> Any:
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    assert rules.is_part2(clinic.patient)
    return clinic.patient


def _get(client: Client, name: str, clinic: Any) -> Any:
    route = ROUTES[name]
    return client.get(reverse(name, kwargs=route.kwargs(clinic)), route.data)


def test_every_export_is_listed_with_how_it_treats_part2(clinic: Any, part2: Any):
    files = set()
    for persona in PERSONAS:
        client = _client_for(Client(), clinic, persona)
        for name, route in sorted(ROUTES.items()):
            if route.method != "get":
                continue
            response = _get(client, name, clinic)
            kind = response.get("Content-Type", "")
            if response.status_code == 200 and not kind.startswith("text/html"):
                files.add(name)
    unlisted = sorted(
        name
        for name in files
        if name not in EXPORTS and not name.startswith(FHIR_PREFIX)
    )
    assert unlisted == [], "say how each of these treats a Part 2 record"
    assert sorted(set(EXPORTS) - files) == [], "listed but no longer an export"


def _initials(patient: Any) -> str:
    from scheduling.recurrence import initials

    return initials(patient.given_name, patient.family_name)


def test_the_course_report_of_a_part2_record_is_marked(
    as_therapist: Client, clinic: Any, part2: Any
) -> None:
    response = _get(as_therapist, "reports:course-report", clinic)
    text = readable_text(response)
    assert "42 CFR Part 2 record" in text
    assert "may not leave the program except through a disclosure" in text
    assert "Prepare a disclosure" in text
    # The way out is a link to the page that prepares the disclosure.
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    links = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    }
    assert reverse("disclosures:disclosure-new", args=[part2.public_id]) in links


def test_a_course_report_outside_part2_carries_no_marking(
    as_therapist: Client, clinic: Any
) -> None:
    text = readable_text(_get(as_therapist, "reports:course-report", clinic))
    assert "42 CFR Part 2" not in text
    assert "Confidential" in text


def test_an_end_of_treatment_report_sent_as_a_disclosure_embeds_the_notice(
    as_therapist: Client, clinic: Any, part2: Any
) -> None:
    court = RecipientFactory(name="County drug court")
    consent = ConsentFactory(
        patient=part2,
        recipients=[court],
        scopes=[ContentKind.END_OF_TREATMENT_REPORT],
        expires_at=None,
        expiry_event="the end of the court-ordered program",
    )
    prepared = services.disclosure_prepare(
        by=clinic.therapist_on_team,
        patient=part2,
        recipient=court,
        consent=consent,
        content_kinds=[ContentKind.END_OF_TREATMENT_REPORT],
        channel=Channel.PDF,
        purpose="Court-ordered program reporting",
    )
    response = as_therapist.get(
        reverse(
            "disclosures:disclosure-document",
            kwargs={
                "public_id": part2.public_id,
                "disclosure_id": prepared.disclosure.public_id,
            },
        )
    )
    text = readable_text(response)
    notice = rules.notice_in_force(prepared.disclosure.disclosed_at)
    assert prepared.disclosure.notice == notice
    assert " ".join(notice.text.split()[:12]) in text
    assert "End-of-treatment report" in text


@pytest.mark.parametrize("name", ["outcomes:service-csv", "outcomes:service-pdf"])
def test_the_service_figures_are_aggregates(
    client: Client, clinic: Any, part2: Any, name: str
) -> None:
    text = readable_text(_get(_client_for(client, clinic, "supervisor"), name, clinic))
    assert part2.record_number not in text
    assert part2.family_name not in text


def test_the_clinicians_calendar_feed_names_no_part2_patient(
    clinic: Any, part2: Any
) -> None:
    from scheduling.tests.factories import booked
    from scheduling.tests.matrix import feed_kwargs

    booked(part2, clinic.therapist_on_team)
    feed = Client().get(reverse("scheduling:feed", kwargs=feed_kwargs(clinic)))
    body = feed.content.decode()
    assert "SUMMARY:Session" in body
    assert _initials(part2) not in body
    # The same feed still shows a patient outside Part 2 by initials.
    clinic.team_a.part2_program = False
    clinic.team_a.save()
    body = Client().get(feed.wsgi_request.path).content.decode()
    assert _initials(part2) in body


def test_the_patients_calendar_file_says_session_and_nothing_more(
    as_therapist: Client, clinic: Any, part2: Any
) -> None:
    from scheduling.tests.factories import booked

    booked(part2, clinic.therapist_on_team)
    body = _get(as_therapist, "scheduling:patient-ics", clinic).content.decode()
    assert "SUMMARY:Session" in body
    for identity in (part2.record_number, part2.family_name, _initials(part2)):
        assert identity not in body
