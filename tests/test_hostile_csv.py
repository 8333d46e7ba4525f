"""Every CSV the product offers opens in a spreadsheet as data: each text a user can
type that reaches one is given a formula, and every cell of every CSV export is read
back. A text cell is quoted and begins with something a spreadsheet does not run; an
unquoted cell is a number.

The CSVs: a disclosure sent as CSV, the sections of a disclosure sent as a FHIR bundle
(each section's rows in CSV), and the service outcomes export."""

from __future__ import annotations

import base64
import csv
import datetime
import io
import json
import re
from itertools import cycle

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Clinic, signed_in
from disclosures import rules
from disclosures.choices import Channel, ConsentKind, ContentKind
from disclosures.models import Disclosure, PrivateNote
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from ipt.choices import Outcome, Phase
from ipt.tests.factories import CourseFactory, attended_sessions, program, signed_note
from measures.tests.factories import AdministrationFactory
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from patients.models import Patient
from patients.tests.factories import DiagnosisFactory
from tests.hostile import FORMULAS

pytestmark = pytest.mark.django_db

# What Excel and LibreOffice run as a formula, also after white space (OWASP).
RUNS = ("=", "+", "-", "@", "\t", "\r")


def cells(text: str) -> list[object]:
    """Every cell, read as a spreadsheet is told to: quoted cells as text, the rest
    as numbers (a cell neither quoted nor a number fails here)."""
    rows = csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC)
    return [cell for row in rows for cell in row]


def assert_every_cell_begins_safely(text: str) -> list[object]:
    read = cells(text)
    assert read, "the CSV has cells"
    for cell in read:
        if isinstance(cell, str):
            assert not cell.startswith(RUNS), repr(cell)
            assert not cell.lstrip().startswith(RUNS), repr(cell)
        else:
            assert isinstance(cell, float)
    return read


def assert_typed_text_arrived(read: list[object], typed: list[str]) -> None:
    """Each text typed is in the CSV (beginning a cell, or inside one such as a
    name): the check of every cell above saw it."""
    text = " ".join(str(cell) for cell in read)
    for value in typed:
        assert value in text, repr(value)


# --- Disclosures: a Part 2 patient's record, everything typed hostile ------------


def _hostile_record(clinic: Clinic) -> dict[str, str]:
    """Every typed text a disclosure prints, each set to a formula: what was set."""
    formulas = cycle(FORMULAS)
    typed: dict[str, str] = {}

    def hostile(name: str, limit: int = 10_000) -> str:
        typed[name] = next(formulas)[:limit]
        return typed[name]

    clinic.team_a.part2_program = True
    clinic.team_a.save()
    patient: Patient = clinic.patient
    patient.given_name = hostile("given name", 100)
    patient.family_name = hostile("family name", 100)
    patient.save()
    notice = rules.notice_in_force(timezone.now())
    notice.pk = None
    notice.version = "hostile"
    notice.effective_on = timezone.localdate()
    notice.text = hostile("notice")
    notice.save()
    ipt = program("ipt12")
    ipt.name = hostile("program", 80)
    ipt.save()
    course = CourseFactory(
        patient=patient,
        clinician=clinic.therapist_on_team,
        phase=Phase.ENDED,
        ended_on=timezone.localdate(),
        outcome=Outcome.COMPLETED,
        end_reason=hostile("end reason"),
    )
    session = attended_sessions(course, 1)[0]
    signed_note(session, week_events=hostile("week events"))
    PrivateNote.objects.create(
        session=session, author=clinic.therapist_on_team, text=hostile("private note")
    )
    DiagnosisFactory(patient=patient, code=hostile("diagnosis code", 8))
    AdministrationFactory(patient=patient, instrument_id="phq9", total=14)
    return typed


def _disclosed(client: Client, clinic: Clinic, **form: object) -> str:
    patient = {"public_id": clinic.patient.public_id}
    response = client.post(
        reverse("disclosures:disclosure-new", kwargs=patient),
        {"recipient": RecipientFactory().pk, "purpose": "Continuity of care", **form},
    )
    assert response.status_code == 302, re.findall(
        r'class="[^"]*error[^"]*"[^>]*>([^<]+)', response.content.decode()
    )
    disclosure = Disclosure.objects.order_by("-id")[0]
    document = client.get(
        reverse(
            "disclosures:disclosure-document",
            kwargs={**patient, "disclosure_id": disclosure.public_id},
        )
    )
    assert document.status_code == 200
    return document.content.decode()


def _section_csvs(bundle: str) -> list[str]:
    """The FHIR bundle's sections: each a CSV of its columns and rows."""
    prose = {"42 CFR Part 2 notice", "Consent", "Letter"}
    return [
        base64.b64decode(attachment["data"]).decode()
        for entry in json.loads(bundle)["entry"]
        for attachment in entry["resource"]["content"]
        for attachment in [attachment["attachment"]]
        if attachment["title"] not in prose
    ]


# The letter is its own field; counseling notes go only under their own consent.
EVERY_SECTION = [
    kind
    for kind in ContentKind
    if kind not in {ContentKind.LETTER, ContentKind.COUNSELING_NOTES}
]


@pytest.mark.parametrize("channel", [Channel.CSV, Channel.FHIR])
def test_every_typed_text_in_an_emergency_disclosure_is_data(
    as_therapist: Client, clinic: Clinic, channel: Channel
) -> None:
    # given: every text the disclosure prints typed as a formula, and the two texts
    # typed into the form itself
    typed = _hostile_record(clinic)
    reason, letter = FORMULAS[0], FORMULAS[3]
    # when: the probe's disclosure, under the medical-emergency exception
    content = _disclosed(
        as_therapist,
        clinic,
        channel=channel,
        emergency="on",
        emergency_reason=reason,
        letter=letter,
        content_kinds=EVERY_SECTION,
    )
    # then
    if channel == Channel.CSV:
        read = assert_every_cell_begins_safely(content)
        assert f"'{reason}" in read  # the probe's cell, whole
    else:
        sections = _section_csvs(content)
        assert len(sections) == len(EVERY_SECTION)
        read = [c for s in sections for c in assert_every_cell_begins_safely(s)]
        # The bundle carries the notice, the reason and the letter as prose.
        del typed["notice"]
        reason = letter = ""
    del typed["private note"]  # not sent without its own consent
    assert_typed_text_arrived(read, [*typed.values(), reason, letter])


def test_every_typed_text_in_a_counseling_notes_disclosure_is_data(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given: the patient's counseling-notes consent, its own words typed as formulas
    typed = _hostile_record(clinic)
    consent = ConsentFactory(
        patient=clinic.patient,
        kind=ConsentKind.COUNSELING_NOTES,
        scopes=[ContentKind.COUNSELING_NOTES],
        discloser=FORMULAS[1],
        information=FORMULAS[2],
        purpose=FORMULAS[0],
        expiry_event=FORMULAS[3],
    )
    recipient = RecipientFactory(name=FORMULAS[0])
    consent.recipients.set([recipient])
    # when
    content = _disclosed(
        as_therapist,
        clinic,
        recipient=recipient.pk,
        consent=consent.pk,
        channel=Channel.CSV,
        content_kinds=[ContentKind.COUNSELING_NOTES],
    )
    # then
    read = assert_every_cell_begins_safely(content)
    assert_typed_text_arrived(read, [typed["notice"], typed["private note"]])


# --- The service outcomes export: every name in it typed hostile ------------------


def test_every_typed_name_in_the_service_export_is_data(
    client: Client, clinic: Clinic
) -> None:
    # given: the site, team, clinician and program named with formulas, and five
    # finished courses so that no group is withheld
    clinic.site_a.name = FORMULAS[0]
    clinic.site_a.save()
    clinic.team_a.name = FORMULAS[3]
    clinic.team_a.save()
    clinician = clinic.therapist_on_team
    clinician.first_name, clinician.last_name = FORMULAS[1], FORMULAS[2]
    clinician.save()
    ipt = program("ipt12")
    ipt.name = FORMULAS[8]
    ipt.save()
    for _ in range(5):
        service_course(
            clinician=clinician,
            team=clinic.team_a,
            phq9=(15, 5),
            ended_on=timezone.localdate() - datetime.timedelta(days=20),
        )
    service_outcomes_refresh()
    signed_in(client, clinic.clinical_lead)
    url = reverse("outcomes:service-csv")
    narrowed = {
        "site": clinic.site_a.pk,
        "team": clinic.team_a.pk,
        "clinician": clinician.pk,
        "program": ipt.pk,
    }
    for question in ({}, narrowed):
        # when
        response = client.get(url, question)
        # then
        assert response.status_code == 200
        read = assert_every_cell_begins_safely(response.content.decode())
        assert any(isinstance(cell, float) for cell in read)  # counts stay numbers
        # The clinician and the program as groups, and in the question once narrowed.
        assert_typed_text_arrived(read, [clinician.display_name, FORMULAS[8]])
    assert_typed_text_arrived(read, [str(clinic.site_a), str(clinic.team_a)])
