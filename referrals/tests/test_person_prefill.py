"""The intake details form starts from what the person typed on their request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from referrals.choices import RequestFor, Status
from referrals.models import Referral
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _fresh(clinic: Clinic, **fields: object) -> Referral:
    return ReferralFactory(
        site=clinic.site_a,
        status=Status.IN_CONTACT,
        patient_phone="",
        patient_email="",
        **fields,
    )


def test_the_form_starts_from_the_name_and_contact_on_the_request(
    client: Client, clinic: Clinic
) -> None:
    referral = _fresh(
        clinic, name="Mary Ann Smith", phone="07700 900 555", email="mas@example.org"
    )
    client.force_login(clinic.coordinator)
    page = client.get(reverse("referrals:person", args=[referral.public_id]))
    form = page.context["form"]
    assert form["given_name"].value() == "Mary Ann"
    assert form["family_name"].value() == "Smith"
    assert form["patient_phone"].value() == "07700 900 555"
    assert form["patient_email"].value() == "mas@example.org"


def test_for_someone_else_it_starts_from_their_name_not_the_callers(
    client: Client, clinic: Clinic
) -> None:
    referral = _fresh(
        clinic,
        request_for=RequestFor.SOMEONE_ELSE,
        name="Pat Caller",
        about_name="Sam Loved",
    )
    client.force_login(clinic.coordinator)
    page = client.get(reverse("referrals:person", args=[referral.public_id]))
    form = page.context["form"]
    assert form["given_name"].value() == "Sam"
    assert form["family_name"].value() == "Loved"
    assert not form["patient_phone"].value()


def test_the_prefilled_values_kept_as_they_are_are_saved(
    client: Client, clinic: Clinic
) -> None:
    referral = _fresh(clinic, name="Robin Example", phone="07700 900 556")
    client.force_login(clinic.coordinator)
    url = reverse("referrals:person", args=[referral.public_id])
    response = client.post(
        url,
        {
            "given_name": "Robin",
            "family_name": "Example",
            "date_of_birth": "1990-05-17",
            "patient_phone": "07700 900 556",
            "patient_email": "",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.given_name, referral.family_name) == ("Robin", "Example")
    assert referral.patient_phone


def test_confirmed_details_are_shown_as_confirmed(
    client: Client, clinic: Clinic
) -> None:
    referral = _fresh(clinic, name="Robin Example", given_name="Robyn")
    client.force_login(clinic.coordinator)
    page = client.get(reverse("referrals:person", args=[referral.public_id]))
    assert page.context["form"]["given_name"].value() == "Robyn"
    assert not page.context["form"]["family_name"].value()
