"""Preparing a disclosure: the rule enforced, the §2.32 notice in every kind of
document, the disclosure log, and the accounting of disclosures."""

from __future__ import annotations

import base64
import csv
import datetime
import io
import json

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from disclosures import rules, selectors
from disclosures.choices import Channel, ConsentKind, ContentKind, RecipientKind
from disclosures.models import Disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from measures.tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db

# A phrase of every stored version of the notice: what a reader of the document sees.
NOTICE = "protected by Federal"


@pytest.fixture
def part2(clinic):
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    return clinic.patient


@pytest.fixture
def gp():
    return RecipientFactory(name="Riverside GP practice")


def url(clinic, name="disclosures:disclosure-new", **kwargs):
    return reverse(name, kwargs={"public_id": clinic.patient.public_id, **kwargs})


def form(gp, consent=None, **overrides):
    data = {
        "recipient": gp.pk,
        "consent": consent.pk if consent else "",
        "content_kinds": [ContentKind.SCORES],
        "purpose": "Continuity of care",
        "channel": Channel.PDF,
        "letter": "",
    }
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )


def fhir_text(content: bytes) -> str:
    bundle = json.loads(content)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["meta"]["security"] == [rules.PART2_SECURITY_LABEL]
    return " ".join(
        base64.b64decode(a["attachment"]["data"]).decode()
        for entry in bundle["entry"]
        for a in entry["resource"]["content"]
    )


def text_of(channel: str, content: bytes) -> str:
    if channel == Channel.PDF:
        return pdf_text(content)
    if channel == Channel.FHIR:
        return fhir_text(content)
    return " ".join(" ".join(row) for row in csv.reader(io.StringIO(content.decode())))


@pytest.mark.parametrize("channel", [Channel.PDF, Channel.CSV, Channel.FHIR])
def test_every_kind_of_document_carries_the_notice_and_the_consent(
    as_therapist, clinic, part2, gp, channel
):
    AdministrationFactory(patient=part2, instrument_id="phq9", total=14)
    consent = ConsentFactory(
        patient=part2,
        recipients=[gp],
        scopes=[ContentKind.SCORES, ContentKind.LETTER],
        information="PHQ-9 scores",
    )
    response = as_therapist.post(
        url(clinic),
        form(gp, consent, channel=channel, letter="Dear Dr Okafor, as discussed."),
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == consent
    assert disclosure.notice == rules.notice_in_force(timezone.now())
    document = as_therapist.get(
        url(
            clinic,
            "disclosures:disclosure-document",
            disclosure_id=disclosure.public_id,
        )
    )
    text = text_of(channel, document.content)
    assert NOTICE in text
    assert "42 CFR part 2" in text
    assert "PHQ-9 scores" in text  # the consent's explanation (§2.32(b))
    assert "PHQ9" in text
    assert "Dear Dr Okafor" in text


def test_without_an_active_consent_nothing_leaves(as_therapist, clinic, part2, gp):
    response = as_therapist.post(url(clinic), form(gp))
    assert response.status_code == 200
    assert "No active consent" in response.content.decode()
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(
        category="disclosure", action="access_denied"
    ).exists()


def test_content_the_consent_does_not_cover_is_refused(as_therapist, clinic, part2, gp):
    consent = ConsentFactory(
        patient=part2, recipients=[gp], scopes=[ContentKind.SCORES]
    )
    data = form(gp, consent, content_kinds=[ContentKind.SCORES, ContentKind.DIAGNOSES])
    response = as_therapist.post(url(clinic), data)
    assert "does not cover all" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_picked_consent_that_does_not_cover_it_is_refused(
    as_therapist, clinic, part2, gp
):
    ConsentFactory(patient=part2, kind=ConsentKind.TPO, scopes=[ContentKind.SCORES])
    narrow = ConsentFactory(
        patient=part2, recipients=[gp], scopes=[ContentKind.ATTENDANCE]
    )
    response = as_therapist.post(url(clinic), form(gp, narrow))
    assert "does not cover this disclosure" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_the_emergency_exception_has_its_own_record_and_reason(
    as_therapist, clinic, part2, gp
):
    reason = "Unconscious in A&E after an overdose; the treating team needs history."
    response = as_therapist.post(
        url(clinic),
        form(gp, channel=Channel.CSV, emergency="on", emergency_reason=reason),
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.emergency_reason == reason
    assert disclosure.consent is None
    assert reason in bytes(disclosure.document).decode()
    assert NOTICE in bytes(disclosure.document).decode()


def test_the_emergency_needs_a_reason_and_medical_personnel(
    as_therapist, clinic, part2
):
    court = RecipientFactory(kind=RecipientKind.COURT)
    short = as_therapist.post(
        url(clinic), form(court, emergency="on", emergency_reason="x")
    )
    assert "Say what the emergency is" in short.content.decode()
    reason = "Court says it is urgent and cannot wait for consent."
    court_answer = as_therapist.post(
        url(clinic), form(court, emergency="on", emergency_reason=reason)
    )
    assert "only to medical personnel" in court_answer.content.decode()
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"recipient": ""},
        {"content_kinds": [], "letter": ""},
        {"content_kinds": ["everything"]},
        {"channel": "fax"},
        {"purpose": ""},
    ],
)
def test_bad_input_explains_and_discloses_nothing(as_therapist, clinic, gp, overrides):
    response = as_therapist.post(url(clinic), form(gp, **overrides))
    assert response.status_code == 200
    assert (
        "field-error" in response.content.decode()
        or "error-summary" in response.content.decode()
    )
    assert not Disclosure.objects.exists()


def test_a_letter_is_data_in_the_pdf(as_therapist, clinic, gp):
    letter = "<script>alert('x')</script> <img src=https://evil.example/x>"
    as_therapist.post(url(clinic), form(gp, letter=letter, content_kinds=[]))
    disclosure = Disclosure.objects.get()
    assert "<script>alert('x')</script>" in pdf_text(bytes(disclosure.document))


def test_records_that_are_not_part2_go_without_the_notice(as_therapist, clinic, gp):
    as_therapist.post(url(clinic), form(gp, channel=Channel.CSV))
    disclosure = Disclosure.objects.get()
    assert not disclosure.part2
    assert disclosure.notice is None


def test_the_page_warns_that_the_stored_notice_is_incomplete(as_therapist, clinic):
    page = as_therapist.get(url(clinic)).content.decode()
    assert "is incomplete" in page


class TestAccounting:
    """Against a hand-built history: what falls inside the three years, and whose."""

    def make(self, patient, recipient, when, **extra):
        return Disclosure.objects.create(
            patient=patient,
            recipient=recipient,
            content_kinds=[ContentKind.SCORES],
            description="Scores for the court",
            part2=True,
            channel=Channel.PDF,
            disclosed_at=when,
            **extra,
        )

    def test_the_last_three_years_of_this_patients_disclosures(self, clinic, gp):
        now = timezone.now()
        inside = self.make(clinic.patient, gp, now - datetime.timedelta(days=3 * 365))
        recent = self.make(clinic.patient, gp, now - datetime.timedelta(days=2))
        self.make(clinic.patient, gp, now - datetime.timedelta(days=3 * 366 + 1))
        self.make(clinic.patient_other_site, gp, now - datetime.timedelta(days=1))
        own = Disclosure.objects.create(
            patient=clinic.patient,
            to_patient=True,
            content_kinds=[ContentKind.SCORES],
            description="Your copy",
            part2=True,
            channel=Channel.PORTAL,
            disclosed_at=now - datetime.timedelta(days=1),
        )
        got = selectors.accounting(clinic.patient, at=now).disclosures
        assert got == [own, recent, inside]

    def test_a_leap_day_goes_back_to_the_28th(self):
        leap = datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)
        assert selectors.accounting_since(leap).date() == datetime.date(2025, 2, 28)

    def test_the_page_and_the_pdf_list_the_recipients(self, as_therapist, clinic, gp):
        self.make(clinic.patient, gp, timezone.now())
        page = as_therapist.get(url(clinic, "disclosures:accounting")).content.decode()
        assert "Riverside GP practice" in page
        pdf = as_therapist.get(url(clinic, "disclosures:accounting-pdf")).content
        assert "Riverside GP practice" in pdf_text(pdf)

    def test_the_patient_sees_their_own_in_the_portal(self, client, clinic, gp):
        from portal.tests.conftest import sign_in_patient

        self.make(clinic.patient, gp, timezone.now())
        self.make(
            clinic.patient_other_site,
            RecipientFactory(name="Other clinic"),
            timezone.now(),
        )
        sign_in_patient(client, clinic.patient)
        page = client.get(reverse("disclosures:portal-accounting")).content.decode()
        assert "Riverside GP practice" in page
        assert "Other clinic" not in page

    def test_the_accounting_page_costs_the_same_with_one_or_many(
        self, as_therapist, clinic, gp, django_assert_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        consent = ConsentFactory(patient=clinic.patient, scopes=[ContentKind.SCORES])
        self.make(clinic.patient, gp, timezone.now(), consent=consent)
        as_therapist.get(url(clinic, "disclosures:accounting"))
        with CaptureQueriesContext(connection) as one:
            as_therapist.get(url(clinic, "disclosures:accounting"))
        for _ in range(20):
            self.make(
                clinic.patient, RecipientFactory(), timezone.now(), consent=consent
            )
        with django_assert_num_queries(len(one.captured_queries)):
            as_therapist.get(url(clinic, "disclosures:accounting"))
