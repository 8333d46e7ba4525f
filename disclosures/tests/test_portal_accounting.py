"""The patient's accounting of disclosures in the portal, in English and in Spanish:
the headings, the content, the channel and the system's own words translated; what a
clinician typed stays as typed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosures.choices import Channel, ContentKind
from disclosures.models import Disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db

PURPOSE = "Court-ordered program reporting"


@pytest.fixture
def history(clinic: Any) -> None:
    now = timezone.now()
    court = RecipientFactory(name="County drug court")
    consent = ConsentFactory(
        patient=clinic.patient,
        recipients=[court],
        scopes=[ContentKind.ATTENDANCE],
        signed_at=now - datetime.timedelta(days=40),
    )
    rows = [
        {
            "recipient": court,
            "consent": consent,
            "content_kinds": [ContentKind.ATTENDANCE],
            "description": PURPOSE,
            "channel": Channel.PHONE,
        },
        {
            "recipient": RecipientFactory(name="Riverside A&E"),
            "emergency_reason": "Overdose: the emergency team needs the medication list.",
            "content_kinds": [ContentKind.DIAGNOSES],
            "description": "Emergency care",
            "channel": Channel.PDF,
        },
        {
            "to_patient": True,
            "content_kinds": [ContentKind.SCORES],
            "description": "Your own copy of your record",
            "channel": Channel.PORTAL,
        },
    ]
    for days, row in enumerate(rows, start=1):
        Disclosure.objects.create(
            patient=clinic.patient,
            part2=True,
            disclosed_at=now - datetime.timedelta(days=days),
            **row,
        )


def _accounting(client: Client, clinic: Any, language: str) -> str:
    sign_in_patient(client, clinic.patient)
    client.post(
        reverse("portal:language"), {"language": language, "next": "/portal/home/"}
    )
    response = client.get(reverse("disclosures:portal-accounting"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_accounting_reads_in_english(client: Client, clinic: Any, history: None):
    page = _accounting(client, clinic, "en")
    for words in [
        "Who has received my records",
        '<th scope="col">Date</th>',
        '<th scope="col">To</th>',
        '<th scope="col">How</th>',
        "Attendance",
        "Phone call",
        "consent of",
        "medical emergency",
        "your request",
        "<td>You</td>",
        "Your own copy of your record",
        PURPOSE,
    ]:
        assert words in page, words


def test_the_accounting_reads_in_spanish(client: Client, clinic: Any, history: None):
    page = _accounting(client, clinic, "es")
    assert 'lang="es"' in page
    for words in [
        "Quién ha recibido mi expediente",
        '<th scope="col">Fecha</th>',
        '<th scope="col">A quién</th>',
        '<th scope="col">Qué</th>',
        '<th scope="col">Para qué</th>',
        '<th scope="col">Cómo</th>',
        "Asistencia",
        "Diagnósticos",
        "Llamada telefónica",
        "Documento PDF",
        "Portal del paciente",
        "consentimiento del",
        "emergencia médica",
        "su solicitud",
        "Su propia copia de su expediente",
        "<td>Usted</td>",
        PURPOSE,  # typed by a clinician: data, not translated
        "County drug court",
    ]:
        assert words in page, words
    for english in [
        '<th scope="col">Date</th>',
        '<th scope="col">How</th>',
        "Phone call",
        "medical emergency",
        "your request",
        "consent of",
    ]:
        assert english not in page, english


def test_an_empty_accounting_says_so_in_spanish(client: Client, clinic: Any):
    page = _accounting(client, clinic, "es")
    assert "Nadie ha recibido su expediente desde el" in page
