"""Recording and revoking consents through the pages: the §2.31 elements, the
signature, the counseling-notes rule, and bad input that changes nothing."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from disclosures.choices import ConsentKind, ContentKind
from disclosures.models import Consent
from disclosures.rules import check_disclosure
from disclosures.tests.factories import PNG_1X1, ConsentFactory, RecipientFactory

pytestmark = pytest.mark.django_db

DRAWN = "data:image/png;base64," + base64.b64encode(PNG_1X1).decode()
TODAY = timezone.localdate()


def consent_form(recipient, **overrides):
    data = {
        "kind": ConsentKind.SPECIFIC,
        "discloser": "Riverside IPT program",
        "information": "Attendance and PHQ-9 scores",
        "content_kinds": [ContentKind.ATTENDANCE, ContentKind.SCORES],
        "recipients": [recipient.pk],
        "purpose": "Court-ordered program reporting",
        "expires_on": (TODAY + datetime.timedelta(days=180)).isoformat(),
        "signed_on": TODAY.isoformat(),
        "signature_drawn": DRAWN,
    }
    data.update(overrides)
    return data


def url(clinic, name="disclosures:consent-new", **kwargs):
    return reverse(name, kwargs={"public_id": clinic.patient.public_id, **kwargs})


def test_the_form_says_refusing_never_blocks_treatment(as_therapist, clinic):
    page = as_therapist.get(url(clinic)).content.decode()
    assert "Refusing consent never affects treatment" in page
    assert "signature.js" in page
    assert "<script>" not in page  # no inline script under the CSP


def test_a_drawn_signature_records_every_element(as_therapist, clinic):
    gp = RecipientFactory()
    response = as_therapist.post(url(clinic), consent_form(gp))
    consent = Consent.objects.get()
    assert response.status_code == 302
    assert consent.patient == clinic.patient
    assert set(consent.scopes.values_list("content_kind", flat=True)) == {
        "attendance",
        "scores",
    }
    assert list(consent.recipients.all()) == [gp]
    assert bytes(consent.signature) == PNG_1X1
    assert consent.signature_kind == "drawn"
    assert timezone.localdate(consent.expires_at) == TODAY + datetime.timedelta(
        days=181
    )
    event = AuditEvent.objects.get(category="consent", action="create")
    assert "Court" not in event.detail  # codes only, never the typed words
    detail = as_therapist.get(
        url(clinic, "disclosures:consent-detail", consent_id=consent.public_id)
    ).content.decode()
    assert "data:image/png;base64," in detail


def test_an_uploaded_scan_is_a_signature(as_therapist, clinic):
    gp = RecipientFactory()
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed form", "application/pdf")
    data = consent_form(gp, signature_drawn="", signature_scan=scan)
    assert as_therapist.post(url(clinic), data).status_code == 302
    assert Consent.objects.get().signature_content_type == "application/pdf"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signature_drawn": ""}, "needs the patient&#x27;s signature"),
        ({"signature_drawn": "data:image/png;base64,!!"}, "could not be read"),
        ({"signature_drawn": "javascript:alert(1)"}, "Draw the signature"),
        ({"content_kinds": []}, "This field is required"),
        ({"recipients": []}, "Name the person or organisation"),
        ({"expires_on": "", "expiry_event": ""}, "date or the event"),
        # Passed, yet after the birth of any patient the factory makes.
        (
            {"expires_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
            "already passed",
        ),
        ({"signed_on": "2999-01-01"}, "in the future"),
        (
            {"content_kinds": [ContentKind.ATTENDANCE, ContentKind.COUNSELING_NOTES]},
            "counseling-notes consent of their own",
        ),
        (
            {
                "kind": ConsentKind.COUNSELING_NOTES,
                "content_kinds": [ContentKind.COUNSELING_NOTES, ContentKind.SCORES],
            },
            "counseling notes only",
        ),
        ({"kind": ConsentKind.TPO, "recipient_description": ""}, "class of recipients"),
        ({"kind": "blanket"}, "Select a valid choice"),
    ],
)
def test_bad_input_explains_and_records_nothing(
    as_therapist, clinic, overrides, message
):
    response = as_therapist.post(
        url(clinic), consent_form(RecipientFactory(), **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_a_scan_that_is_not_a_document_is_refused(as_therapist, clinic):
    scan = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", "image/png")
    data = consent_form(RecipientFactory(), signature_drawn="", signature_scan=scan)
    response = as_therapist.post(url(clinic), data)
    assert "Upload a PDF, PNG or JPEG" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_tpo_consent_lasts_until_revoked_and_keeps_the_statements_shown(
    as_therapist, clinic
):
    data = consent_form(
        RecipientFactory(),
        kind=ConsentKind.TPO,
        recipients=[],
        expires_on="",
        recipient_description="my treating providers, health plans, third-party "
        "payers, and people helping to operate this program",
    )
    assert as_therapist.post(url(clinic), data).status_code == 302
    consent = Consent.objects.get()
    assert consent.expires_at is None
    assert consent.tpo_statements is not None


def test_a_written_revocation_stops_the_consent_from_that_moment(as_therapist, clinic):
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    gp = RecipientFactory()
    consent = ConsentFactory(
        patient=clinic.patient, recipients=[gp], scopes=[ContentKind.ATTENDANCE]
    )
    before = timezone.now()
    letter = SimpleUploadedFile("letter.png", PNG_1X1, "image/png")
    response = as_therapist.post(
        url(clinic, "disclosures:consent-revoke", consent_id=consent.public_id),
        {"received_on": TODAY.isoformat(), "document": letter},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert bytes(consent.revocation_document) == PNG_1X1
    kinds = [ContentKind.ATTENDANCE]
    assert check_disclosure(
        patient=clinic.patient, recipient=gp, content_kinds=kinds, at=before
    ).allowed
    assert not check_disclosure(
        patient=clinic.patient, recipient=gp, content_kinds=kinds, at=timezone.now()
    ).allowed


@pytest.mark.parametrize(
    "data",
    [
        {"received_on": TODAY.isoformat()},
        {"received_on": "2999-01-01", "document": "png"},
        {"received_on": "2001-01-01", "document": "png"},
    ],
)
def test_a_revocation_without_its_document_or_with_a_bad_date_changes_nothing(
    as_therapist, clinic, data
):
    consent = ConsentFactory(patient=clinic.patient, scopes=[ContentKind.ATTENDANCE])
    if data.get("document") == "png":
        data = {**data, "document": SimpleUploadedFile("l.png", PNG_1X1, "image/png")}
    response = as_therapist.post(
        url(clinic, "disclosures:consent-revoke", consent_id=consent.public_id), data
    )
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_another_patients_consent_is_a_404(as_therapist, clinic):
    foreign = ConsentFactory(patient=clinic.patient_other_site)
    response = as_therapist.get(
        url(clinic, "disclosures:consent-detail", consent_id=foreign.public_id)
    )
    assert response.status_code == 404


def test_the_consent_list_costs_the_same_with_one_or_many(
    as_therapist, clinic, django_assert_num_queries
):
    ConsentFactory(patient=clinic.patient, scopes=[ContentKind.SCORES])
    as_therapist.get(url(clinic, "disclosures:consents"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        as_therapist.get(url(clinic, "disclosures:consents"))
    for _ in range(10):
        ConsentFactory(
            patient=clinic.patient,
            scopes=[ContentKind.SCORES],
            recipients=[RecipientFactory()],
        )
    with django_assert_num_queries(len(one.captured_queries)):
        as_therapist.get(url(clinic, "disclosures:consents"))


def test_a_consent_that_expires_on_an_event_stops_when_the_event_is_recorded(clinic):
    from disclosures import services

    gp = RecipientFactory()
    consent = ConsentFactory(
        patient=clinic.patient,
        recipients=[gp],
        scopes=[ContentKind.ATTENDANCE],
        expiry_event="the end of the court-ordered program",
    )
    services.consent_expiry_event(
        by=clinic.therapist_on_team, consent=consent, occurred_on=TODAY
    )
    consent.refresh_from_db()
    assert consent.status_at(timezone.now()) == "expired"
    with pytest.raises(services.Refused):
        services.consent_expiry_event(
            by=clinic.therapist_on_team, consent=consent, occurred_on=TODAY
        )
