"""A consent that expires on an event: the page on which a clinician records that the
event happened. From the start of that day the consent authorises nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from disclosures.choices import ContentKind
from disclosures.models import Consent
from disclosures.rules import Reason, check_disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EVENT = "the end of the court-ordered program"


@pytest.fixture
def part2(clinic):
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    return clinic.patient


@pytest.fixture
def court():
    return RecipientFactory(name="County drug court")


@pytest.fixture
def consent(clinic, court):
    return ConsentFactory(
        patient=clinic.patient,
        recipients=[court],
        scopes=[ContentKind.ATTENDANCE],
        expiry_event=EVENT,
    )


def page(clinic, consent, name="disclosures:consent-expiry-event"):
    return reverse(
        name,
        kwargs={"public_id": clinic.patient.public_id, "consent_id": consent.public_id},
    )


def allowed(clinic, court, at=None):
    return check_disclosure(
        patient=clinic.patient,
        recipient=court,
        content_kinds=[ContentKind.ATTENDANCE],
        at=at or timezone.now(),
    )


def test_the_consent_page_offers_to_record_the_event(as_therapist, clinic, consent):
    detail = as_therapist.get(page(clinic, consent, "disclosures:consent-detail"))
    assert page(clinic, consent) in detail.content.decode()
    form = as_therapist.get(page(clinic, consent)).content.decode()
    assert EVENT in form


def test_recording_the_event_ends_the_consent_from_that_day_and_is_audited(
    as_therapist, clinic, part2, court, consent
):
    assert allowed(clinic, court).allowed
    two_days_ago = TODAY - datetime.timedelta(days=2)
    response = as_therapist.post(
        page(clinic, consent), {"occurred_on": two_days_ago.isoformat()}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.expiry_event_on == two_days_ago
    assert consent.expiry_event_recorded_by == clinic.therapist_on_team
    assert timezone.localdate(consent.expires_at) == two_days_ago
    # Nothing from the start of the event's day; the day before it still held.
    decision = allowed(clinic, court)
    assert not decision.allowed and decision.reason is Reason.NO_CONSENT
    assert not allowed(clinic, court, at=consent.expires_at).allowed
    assert allowed(
        clinic, court, at=consent.expires_at - datetime.timedelta(minutes=1)
    ).allowed
    assert consent.status_at(timezone.now()) == "expired"
    event = AuditEvent.objects.filter(
        category="consent", object_id=str(consent.public_id), action="update"
    ).get()
    assert event.actor == clinic.therapist_on_team
    assert EVENT not in event.detail  # what the patient wrote stays out of the trail
    detail = as_therapist.get(page(clinic, consent, "disclosures:consent-detail"))
    assert "which happened on" in detail.content.decode()
    assert page(clinic, consent) not in detail.content.decode()


@pytest.mark.parametrize(
    ("occurred_on", "message"),
    [
        ("", "This field is required"),
        ("not a date", "Enter a valid date"),
        ((TODAY + datetime.timedelta(days=1)).isoformat(), "in the future"),
        # Before the signature (30 days ago), after the patient's birth.
        (
            (TODAY - datetime.timedelta(days=31)).isoformat(),
            "cannot precede the consent",
        ),
    ],
)
def test_bad_input_explains_and_changes_nothing(
    as_therapist, clinic, consent, occurred_on, message
):
    before = Consent.objects.values().get(pk=consent.pk)
    audit_rows = AuditEvent.objects.filter(action="update").count()
    response = as_therapist.post(page(clinic, consent), {"occurred_on": occurred_on})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Consent.objects.values().get(pk=consent.pk) == before
    assert AuditEvent.objects.filter(action="update").count() == audit_rows


def test_only_a_consent_waiting_for_its_event_can_record_it(
    as_therapist, clinic, court
):
    dated = ConsentFactory(
        patient=clinic.patient,
        recipients=[court],
        scopes=[ContentKind.ATTENDANCE],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    revoked = ConsentFactory(
        patient=clinic.patient,
        recipients=[court],
        scopes=[ContentKind.ATTENDANCE],
        expiry_event=EVENT,
        revoked_at=timezone.now(),
        revocation_received_on=TODAY,
    )
    for refused, message in [
        (dated, "expires on a date"),
        (revoked, "was revoked"),
    ]:
        before = Consent.objects.values().get(pk=refused.pk)
        response = as_therapist.post(
            page(clinic, refused), {"occurred_on": TODAY.isoformat()}
        )
        assert message in response.content.decode()
        assert Consent.objects.values().get(pk=refused.pk) == before


def test_the_event_is_recorded_once(as_therapist, clinic, consent):
    as_therapist.post(page(clinic, consent), {"occurred_on": TODAY.isoformat()})
    response = as_therapist.post(
        page(clinic, consent), {"occurred_on": TODAY.isoformat()}
    )
    assert "recorded already" in response.content.decode()


def test_a_consent_with_a_date_and_an_event_ends_on_whichever_comes_first(
    clinic, court
):
    from disclosures import services

    later = timezone.now() + datetime.timedelta(days=90)
    consent = ConsentFactory(
        patient=clinic.patient,
        recipients=[court],
        scopes=[ContentKind.ATTENDANCE],
        expiry_event=EVENT,
        expires_at=later,
    )
    services.consent_expiry_event(
        by=clinic.therapist_on_team, consent=consent, occurred_on=TODAY
    )
    consent.refresh_from_db()
    assert consent.expires_at < later
    assert consent.status_at(timezone.now()) == "expired"


def test_a_colleague_outside_the_care_team_cannot_record_it(client, clinic, consent):
    client.force_login(clinic.therapist_off_team)
    response = client.post(page(clinic, consent), {"occurred_on": TODAY.isoformat()})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.expiry_event_on is None
