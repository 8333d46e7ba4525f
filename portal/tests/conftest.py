"""Portal fixtures: a course with the default program's measure schedule, and a
browser session signed in the way a patient signs in (link, then date of birth)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase
from patients.models import Patient
from portal.choices import LinkChannel
from portal.services import links


def sign_in_patient(client: Client, patient: Patient) -> Client:
    """Open a fresh link and confirm the date of birth, as the patient does."""
    issued = links.link_issue(patient=patient, channel=LinkChannel.EMAIL, by=None)
    client.get(issued.path)
    dob = patient.date_of_birth
    response = client.post(
        reverse("portal:sign-in"),
        {"day": dob.day, "month": dob.month, "year": dob.year},
    )
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("portal:home")
    return client


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


@pytest.fixture
def other_course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE,
        patient=clinic.patient_other_site,
        clinician=clinic.therapist_other_site,
    )


@pytest.fixture
def as_patient(client: Client, clinic: Clinic) -> Client:
    return sign_in_patient(client, clinic.patient)
