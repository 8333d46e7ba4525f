"""The signed-in patient and their questionnaire response are read by statements built
once per process (decisions/0071): the same rows the ORM reads, read from the database
on every request, so a change made by any path (a raw update included) holds at the
next request, and another patient's response is never found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.models import Course
from patients.models import Patient
from portal import session
from portal.models import QuestionnaireResponse
from portal.selectors import own_response
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db


def _same_row(read: object, expected: object) -> None:
    for field in type(expected)._meta.concrete_fields:  # type: ignore[attr-defined]
        assert getattr(read, field.attname) == getattr(expected, field.attname), field


def test_the_patient_is_the_row_the_orm_reads(clinic: Clinic) -> None:
    expected = Patient.objects.select_related("team__site").get(pk=clinic.patient.pk)
    read = session._by_id(connection.alias).first(pk=clinic.patient.pk)
    assert read is not None
    _same_row(read, expected)
    assert read.team is not None and expected.team is not None
    _same_row(read.team, expected.team)
    _same_row(read.team.site, expected.team.site)
    assert session._by_id(connection.alias).first(pk=-1) is None


def test_the_response_is_the_row_the_orm_reads_and_only_its_patients(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    as_patient.post(reverse("portal:questionnaire-start", args=["phq9"]))
    expected = QuestionnaireResponse.objects.get(patient=clinic.patient)
    read = own_response(clinic.patient, expected.public_id)
    assert read is not None
    _same_row(read, expected)
    assert own_response(clinic.patient_other_site, expected.public_id) is None


def test_a_session_whose_patient_is_gone_is_ended_at_the_next_request(
    client: Client, clinic: Clinic
) -> None:
    sign_in_patient(client, clinic.patient)
    assert client.get(reverse("portal:home")).status_code == 200
    stored = client.session
    stored[session.PATIENT_KEY] = -1  # as if the row were gone
    stored.save()
    page = client.get(reverse("portal:home"))
    assert page.status_code == 302 and page["Location"] == reverse("portal:start")
    assert session.PATIENT_KEY not in client.session


def test_another_patients_response_is_not_found(
    as_patient: Client, clinic: Clinic, course: Course, other_course: Course
) -> None:
    other = sign_in_patient(Client(), clinic.patient_other_site)
    other.post(reverse("portal:questionnaire-start", args=["phq9"]))
    theirs = QuestionnaireResponse.objects.get(patient=clinic.patient_other_site)
    for number in (1, 2):
        url = reverse("portal:question", args=[theirs.public_id, number])
        assert as_patient.get(url).status_code == 404
        assert as_patient.post(url, {"answer": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.answers[0] is None
