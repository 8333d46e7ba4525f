"""A create form is saved once however it is sent again (decisions/0077): twice in a row
(a double click, the browser's back and resend), twice at once from two threads with
their own database connections, or without its token; the repeat is sent where the
first went. Two forms — two tokens — are two records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from conftest import Clinic
from ipt.choices import Phase
from ipt.models import InventoryPerson
from ipt.tests.factories import course_in_phase
from iptcare.lib import kept_pages
from patients.models import ConcurrentTreatment, Diagnosis, Patient
from portal.tests.conftest import sign_in_patient


@dataclass(frozen=True)
class CreateForm:
    name: str
    url: Callable[[Clinic], str]
    data: dict[str, Any]
    count: Callable[[Clinic], int]
    by_patient: bool = False

    def __str__(self) -> str:
        return self.name


FORMS = [
    CreateForm(
        "diagnosis",
        lambda clinic: reverse(
            "patients:diagnosis-add", args=[clinic.patient.public_id]
        ),
        {"code": "F41.1", "rank": "primary", "diagnosed_on": "2026-03-01"},
        lambda clinic: Diagnosis.objects.filter(patient=clinic.patient).count(),
    ),
    CreateForm(
        "treatment",
        lambda clinic: reverse(
            "patients:treatment-add", args=[clinic.patient.public_id]
        ),
        {
            "kind": "medication",
            "medication_name": "Sertraline",
            "dose": "50 mg daily",
            "started_on": "2026-02-01",
        },
        lambda clinic: ConcurrentTreatment.objects.filter(
            patient=clinic.patient
        ).count(),
    ),
    CreateForm(
        "patient",
        lambda clinic: reverse("patients:create"),
        {
            "given_name": "Rosa",
            "family_name": "Twiceonce",
            "date_of_birth": "1988-04-02",
            "phone": "07700 900123",
            "preferred_language": "en",
        },
        lambda clinic: Patient.objects.filter(family_name="Twiceonce").count(),
    ),
    CreateForm(
        "portal person",
        lambda clinic: reverse("portal:person-add"),
        {
            "name": "Jo",
            "relationship": "friend",
            "contact_frequency": "weekly",
            "closeness": "4",
            "quality": "good",
            "satisfying": "Listens",
        },
        lambda clinic: InventoryPerson.objects.filter(name="Jo").count(),
        by_patient=True,
    ),
]


def _client(form: CreateForm, clinic: Clinic) -> Client:
    client = Client()
    if form.by_patient:
        return sign_in_patient(client, clinic.patient)
    client.force_login(clinic.therapist_on_team)
    return client


def _ready(form: CreateForm, clinic: Clinic) -> dict[str, Any]:
    """What the form needs besides its fields: a course for the portal, a team for a
    new patient."""
    course_in_phase(
        Phase.INITIAL, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    if form.name == "patient":
        return {**form.data, "team": clinic.team_a.pk}
    return form.data


def _token(client: Client, url: str) -> str:
    """The one-time token the form page rendered, as a browser sends it back."""
    page = client.get(url).content.decode()
    found = re.search(r'name="submission" value="([0-9a-f]+)"', page)
    assert found, "the form renders no one-time token"
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=str)
def test_the_same_form_sent_twice_is_saved_once(
    form: CreateForm, clinic: Clinic
) -> None:
    data = _ready(form, clinic)
    client = _client(form, clinic)
    url = form.url(clinic)
    sent = {**data, "submission": _token(client, url)}
    first, again = client.post(url, sent), client.post(url, sent)
    assert form.count(clinic) == 1
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    told = [str(m) for m in get_messages(again.wsgi_request)]
    assert "This was already sent; it was saved once." in told


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=str)
def test_the_same_plain_post_twice_is_saved_once(
    form: CreateForm, clinic: Clinic
) -> None:
    data = _ready(form, clinic)
    client = _client(form, clinic)
    url = form.url(clinic)
    first, again = client.post(url, data), client.post(url, data)
    assert form.count(clinic) == 1
    assert again.status_code == 302 and again["Location"] == first["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=str)
def test_two_forms_are_two_records(form: CreateForm, clinic: Clinic) -> None:
    data = _ready(form, clinic)
    client = _client(form, clinic)
    url = form.url(clinic)
    tokens = [_token(client, url), _token(client, url)]
    assert tokens[0] != tokens[1]
    for token in tokens:
        assert client.post(url, {**data, "submission": token}).status_code == 302
    assert form.count(clinic) == 2


@pytest.mark.django_db
def test_a_form_with_errors_may_be_corrected_and_sent_with_its_token(
    clinic: Clinic,
) -> None:
    client = _client(FORMS[0], clinic)
    url = FORMS[0].url(clinic)
    token = _token(client, url)
    wrong = client.post(url, {"code": "F41.1", "rank": "primary", "submission": token})
    assert wrong.status_code == 200
    right = client.post(url, {**FORMS[0].data, "submission": token})
    assert right.status_code == 302
    assert FORMS[0].count(clinic) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", FORMS, ids=str)
def test_the_same_form_sent_at_once_is_saved_once(
    form: CreateForm, clinic: Clinic
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the unique row is PostgreSQL's")
    data = _ready(form, clinic)
    url = form.url(clinic)
    clients = [_client(form, clinic) for _ in range(4)]
    sent = {**data, "submission": _token(clients[0], url)}
    connections.close_all()  # each thread opens its own connection

    def send(client: Client) -> tuple[int, str]:
        try:
            response = client.post(url, sent)
            return response.status_code, response.get("Location", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = set(pool.map(send, clients))
    assert form.count(clinic) == 1
    assert len(replies) == 1 and next(iter(replies))[0] == 302


@pytest.mark.django_db(transaction=True)
def test_the_same_plain_post_sent_at_once_is_saved_once(clinic: Clinic) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the unique row is PostgreSQL's")
    form = FORMS[0]
    url = form.url(clinic)
    clients = [_client(form, clinic) for _ in range(4)]
    connections.close_all()

    def send(client: Client) -> int:
        try:
            return client.post(url, form.data).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(send, clients)) == {302}
    assert form.count(clinic) == 1


# Every view that creates a row from a POST (decisions/0077 lists them in words).
CREATE_VIEWS = {
    "patients:create",
    "patients:diagnosis-add",
    "patients:treatment-add",
    "patients:care-team",
    "ipt:course-open",
    "ipt:session-record",
    "ipt:extension",
    "ipt:goal-rate",
    "ipt:group-create",
    "ipt:group-detail",
    "ipt:group-session-record",
    "ipt:inventory",
    "ipt:timeline",
    "ipt:goal-add",
    "ipt:note-addendum",
    "measures:record",
    "measures:correct",
    "scheduling:book",
    "scheduling:book-series",
    "scheduling:group-book",
    "portal:person-add",
    "portal:person-edit",
    "portal:staff-homework",
    "disclosures:portal-packs",
    "disclosures:pack-request",
    "disclosures:consent-new",
    "disclosures:disclosure-new",
    "recovery:session-use",
    "recovery:test-add",
    "recovery:medication-add",
    "recovery:supporter-add",
    "recovery:contact-add",
    "recovery:care-level",
    "supervision:note-create",
    "supervision:session-fidelity",
    "referrals:attempt",
    "referrals:letter",
    "referrals:screening",
    "referrals:book",
    "referrals:priority",
    "accounts:break-glass",
}


def _routes(resolver: Any, namespace: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            inner = entry.namespace or namespace
            yield from _routes(entry, inner)
        elif entry.name:
            yield f"{namespace}:{entry.name}", entry.callback


def test_every_create_form_is_saved_once() -> None:
    wrapped = {
        name
        for name, view in _routes(get_resolver())
        if getattr(view, "saved_once", False)
    }
    assert wrapped == CREATE_VIEWS


def test_a_kept_page_gives_each_form_its_own_token(rf: RequestFactory) -> None:
    stand_in = kept_pages.submission_placeholder()
    html = f'<input value="{stand_in}"><input value="{stand_in}">'
    request = rf.get("/")
    first = kept_pages.with_token(html, request)
    again = kept_pages.with_token(html, request)
    tokens = re.findall(r'value="([0-9a-f]+)"', first + again)
    assert stand_in not in first + again
    assert len(tokens) == len(set(tokens)) == 4
