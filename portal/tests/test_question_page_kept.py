"""The question page kept rendered per question in the process (portal/question_page.py,
decisions/0071): sent to every patient with their own response id and CSRF token,
audited on every view, never holding a patient, and rendered afresh for a refused
answer, a waiting message, or with keeping off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from conftest import Clinic
from ipt.models import Course
from iptcare.lib import kept_pages
from patients.models import Patient
from portal import question_page
from portal.models import QuestionnaireResponse
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    question_page.forget()
    yield
    question_page.forget()


def _start(client: Client, patient: Patient) -> QuestionnaireResponse:
    assert (
        client.post(reverse("portal:questionnaire-start", args=["phq9"])).status_code
        == 302
    )
    return QuestionnaireResponse.objects.get(patient=patient, instrument_id="phq9")


def _url(draft: QuestionnaireResponse, number: int) -> str:
    return reverse("portal:question", args=[draft.public_id, number])


def _token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_second_patient_is_sent_the_kept_copy_with_their_own_response(
    clinic: Clinic, course: Course, other_course: Course
) -> None:
    first = sign_in_patient(Client(), clinic.patient)
    second = sign_in_patient(Client(), clinic.patient_other_site)
    theirs, own = (
        _start(first, clinic.patient),
        _start(second, clinic.patient_other_site),
    )
    rendered = first.get(_url(theirs, 2))
    assert rendered.templates  # rendered, and kept
    sent = second.get(_url(own, 2))
    assert sent.status_code == 200 and not sent.templates  # the kept copy
    html = sent.content.decode()
    assert str(own.public_id) in html and str(theirs.public_id) not in html
    assert html.replace(str(own.public_id), "ID") == rendered.content.decode().replace(
        str(theirs.public_id), "ID"
    ).replace(_token(rendered.content.decode()), _token(html))
    assert sent["Cache-Control"] == "no-store"


def test_every_view_of_a_kept_copy_writes_its_audit_row(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    draft = _start(as_patient, clinic.patient)
    before = AuditEvent.objects.filter(category="portal_questionnaire").count()
    for _ in range(3):
        assert as_patient.get(_url(draft, 1)).status_code == 200
    rows = AuditEvent.objects.filter(category="portal_questionnaire").order_by("-id")
    assert rows.count() == before + 3
    assert {(row.patient_id, row.action, row.actor_label) for row in rows[:3]} == {
        (clinic.patient.pk, "view", "patient")
    }


def test_the_kept_copy_carries_the_readers_csrf_token(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    draft = _start(as_patient, clinic.patient)
    client = Client(enforce_csrf_checks=True)
    client.cookies = as_patient.cookies  # the same browser, now checked for CSRF
    client.get(_url(draft, 1))  # rendered and kept
    kept = client.get(_url(draft, 1))
    assert not kept.templates
    html = kept.content.decode()
    assert kept_pages.csrf_placeholder() not in html
    assert question_page._id_stand_in(settings.SECRET_KEY) not in html
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) == 3
    refused = client.post(_url(draft, 1), {"answer": "1"})
    assert refused.status_code == 403  # no token: CSRF is on
    answered = client.post(
        _url(draft, 1), {"answer": "1", "csrfmiddlewaretoken": tokens[0]}
    )
    assert answered.status_code == 302


def test_a_refused_answer_and_a_waiting_message_render_afresh(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    draft = _start(as_patient, clinic.patient)
    as_patient.get(_url(draft, 1))
    refused = as_patient.post(_url(draft, 1), {"answer": "9"})
    assert refused.status_code == 200 and refused.templates
    assert 'aria-invalid="true"' in refused.content.decode()
    assert not as_patient.get(_url(draft, 1)).templates  # kept, no error in it


def test_nothing_is_kept_with_keeping_off(
    as_patient: Client, clinic: Clinic, course: Course, settings: Any
) -> None:
    settings.IPTCARE_KEEP_PAGES = False
    draft = _start(as_patient, clinic.patient)
    for _ in range(2):
        assert as_patient.get(_url(draft, 1)).templates


def test_a_page_that_names_the_patient_is_never_kept(
    as_patient: Client, clinic: Clinic, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a template ever greet the patient, the page is sent as rendered."""
    draft = _start(as_patient, clinic.patient)
    name = clinic.patient.family_name
    real = question_page.question_page

    def greeting(request, response, number, chosen, render):  # type: ignore[no-untyped-def]
        return real(
            request,
            response,
            number,
            chosen,
            lambda token: render(token) + f"<p>Hello {name}</p>",
        )

    monkeypatch.setattr("portal.views.patient.question_page", greeting)
    for _ in range(2):
        page = as_patient.get(_url(draft, 1))
        assert page.templates and name in page.content.decode()
    assert question_page._names_the_patient(f"<p>{name}.</p>", clinic.patient)
    assert not question_page._names_the_patient(f"<p>{name}x</p>", clinic.patient)
