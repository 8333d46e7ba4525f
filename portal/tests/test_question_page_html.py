"""The question page's HTML, byte for byte, against copies saved before its rendering
was made cheaper (decisions/0071): unanswered and answered, first and later screens,
English and Spanish (the chrome in the patient's language, the wording in the
response's), an instrument with no Spanish wording, a refused answer and a pending
message. Only the CSRF tokens (new each request) and the response's id (new each test)
are put in as placeholders before comparing.

``IPTCARE_WRITE_GOLDEN=1`` writes the copies instead of comparing (only ever from a
tree whose page is known good)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.contrib import messages as django_messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import Clinic
from ipt.models import Course
from measures.instruments import REGISTRY
from portal.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _normalised(html: str, draft: QuestionnaireResponse) -> str:
    html = TOKEN.sub('name="csrfmiddlewaretoken" value="CSRF"', html)
    return html.replace(str(draft.public_id), "RESPONSE-ID")


def _same_as_saved(name: str, html: str, draft: QuestionnaireResponse) -> None:
    text = _normalised(html, draft)
    path = GOLDEN / f"question_{name}.html"
    if os.environ.get("IPTCARE_WRITE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _start(client: Client, instrument_id: str = "phq9") -> QuestionnaireResponse:
    started = client.post(reverse("portal:questionnaire-start", args=[instrument_id]))
    assert started.status_code == 302
    return QuestionnaireResponse.objects.get(instrument_id=instrument_id)


def _page(client: Client, draft: QuestionnaireResponse, number: int) -> str:
    page = client.get(reverse("portal:question", args=[draft.public_id, number]))
    assert page.status_code == 200
    return page.content.decode()


def _answer(
    client: Client, draft: QuestionnaireResponse, number: int, position: str
) -> None:
    sent = client.post(
        reverse("portal:question", args=[draft.public_id, number]),
        {"answer": position},
    )
    assert sent.status_code == 302


def _spanish(client: Client) -> None:
    client.post(reverse("portal:language"), {"language": "es", "next": "/portal/home/"})


def test_unanswered_and_answered_in_english(as_patient: Client, course: Course) -> None:
    draft = _start(as_patient)
    _same_as_saved("en_1_unanswered", _page(as_patient, draft, 1), draft)
    _answer(as_patient, draft, 1, "2")
    _same_as_saved("en_1_answered", _page(as_patient, draft, 1), draft)
    _same_as_saved("en_2_unanswered", _page(as_patient, draft, 2), draft)
    _answer(as_patient, draft, 10, "3")
    _same_as_saved("en_10_answered", _page(as_patient, draft, 10), draft)
    # Twice in a row: a kept copy, if any, is the same as the first rendering.
    _same_as_saved("en_10_answered", _page(as_patient, draft, 10), draft)


def test_unanswered_and_answered_in_spanish(as_patient: Client, course: Course) -> None:
    _spanish(as_patient)
    draft = _start(as_patient)
    assert draft.language == "es"
    _same_as_saved("es_9_unanswered", _page(as_patient, draft, 9), draft)
    _answer(as_patient, draft, 9, "0")
    _same_as_saved("es_9_answered", _page(as_patient, draft, 9), draft)
    _same_as_saved("es_9_answered", _page(as_patient, draft, 9), draft)


def test_spanish_chrome_around_english_wording(
    as_patient: Client, course: Course
) -> None:
    draft = _start(as_patient)
    assert draft.language == "en"
    _spanish(as_patient)
    _answer(as_patient, draft, 3, "1")
    _same_as_saved("es_chrome_en_3_answered", _page(as_patient, draft, 3), draft)


def test_an_instrument_without_spanish_wording_says_so(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    _spanish(as_patient)
    instrument = REGISTRY["core10"]
    draft = QuestionnaireResponse.objects.create(
        patient=clinic.patient,
        course=course,
        instrument_id=instrument.id,
        due_key="test",
        language="es",
        answers=[None] * len(instrument.items),
        extra_answers=[None] * len(instrument.extra_items),
    )
    html = _page(as_patient, draft, 2)
    assert "only available in English" in html or "solo está disponible" in html
    _same_as_saved("es_core10_2_unanswered", html, draft)


def test_a_refused_answer_shows_the_error(as_patient: Client, course: Course) -> None:
    draft = _start(as_patient)
    refused = as_patient.post(
        reverse("portal:question", args=[draft.public_id, 4]), {"answer": "9"}
    )
    assert refused.status_code == 200
    _same_as_saved("en_4_refused", refused.content.decode(), draft)


def test_a_pending_message_is_shown_once(as_patient: Client, course: Course) -> None:
    draft = _start(as_patient)
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    as_patient.cookies[storage.cookie_name] = storage._encode(  # type: ignore[attr-defined]
        [Message(django_messages.SUCCESS, "Saved. Thank you.")]
    )
    _same_as_saved("en_1_message", _page(as_patient, draft, 1), draft)
    _same_as_saved("en_1_unanswered", _page(as_patient, draft, 1), draft)
