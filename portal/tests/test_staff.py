"""The clinician's side: sending a sign-in link or showing it as a QR code, with
the refusals a clinician needs to read."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from portal.models import PortalLink
from scheduling import messaging

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(clinic: Clinic) -> Client:
    client = Client()
    client.force_login(clinic.therapist_on_team)
    return client


def _url(clinic: Clinic) -> str:
    return reverse("portal:staff-access", args=[clinic.patient.public_id])


def test_a_qr_code_for_the_clinic_tablet_holds_a_short_lived_link(
    staff: Client, clinic: Clinic
) -> None:
    page = staff.post(_url(clinic), {"channel": "tablet"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in text
    link = PortalLink.objects.get()
    assert (link.expires_at - link.created_at).total_seconds() <= 10 * 60 + 1
    assert "/portal/link/" not in text  # the link itself is only inside the QR code


def test_a_link_by_text_needs_consent_to_texts(
    staff: Client, clinic: Clinic, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    patient = clinic.patient
    patient.phone = "07700 900123"
    patient.may_text = False
    patient.save()
    response = staff.post(_url(clinic), {"channel": "sms"}, follow=True)
    assert "has not agreed to texts" in response.content.decode()
    assert not PortalLink.objects.exists()
    patient.may_text = True
    patient.save()
    messaging.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(_url(clinic), {"channel": "sms"})
    (sms,) = messaging.outbox
    assert sms.to == "07700 900123" and "/portal/link/" in sms.body
    assert not any(word in sms.body.lower() for word in messaging.CLINICAL_WORDS)


def test_a_link_by_e_mail_names_no_one(
    staff: Client, clinic: Clinic, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    clinic.patient.email = "canary@example.org"
    clinic.patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(_url(clinic), {"channel": "email"})
    (message,) = mail.outbox
    assert "Canary" not in message.body and "Zebedee" not in message.body
    assert not any(word in message.body.lower() for word in messaging.CLINICAL_WORDS)
    page = staff.get(_url(clinic)).content.decode()
    assert "Waiting, until" in page  # the recent links list shows it unused


def test_no_e_mail_address_no_link(staff: Client, clinic: Clinic) -> None:
    clinic.patient.email = ""
    clinic.patient.save()
    response = staff.post(_url(clinic), {"channel": "email"}, follow=True)
    assert (
        "No e-mail address" in response.content.decode()
        or "no e-mail address" in response.content.decode()
    )
    assert not PortalLink.objects.exists()


def test_an_unknown_channel_is_refused(staff: Client, clinic: Clinic) -> None:
    response = staff.post(_url(clinic), {"channel": "pigeon"}, follow=True)
    assert "Choose how to send the link" in response.content.decode()
    assert not PortalLink.objects.exists()
