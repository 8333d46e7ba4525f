"""Possible duplicates: the same telephone number, e-mail address, or name and date of
birth as a patient (that this user may see) or an open request; linking instead of
making a second record."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from patients.models import Patient
from patients.tests.factories import PatientFactory
from referrals import services
from referrals.choices import Status
from referrals.selectors import possible_duplicates
from referrals.tests.factories import ReferralFactory, in_contact, program, waiting

pytestmark = pytest.mark.django_db


def test_a_patient_with_the_same_number_typed_differently_is_found(
    clinic: Clinic,
) -> None:
    patient = PatientFactory(team=clinic.team_a, phone="+44 (0)7700 900-321", email="")
    PatientFactory(team=clinic.team_a, phone="07700 900999", email="")
    referral = ReferralFactory(site=clinic.site_a, phone="07700 900321", email="")
    found = possible_duplicates(staff=clinic.coordinator, referral=referral)
    assert found.patients == [patient]


def test_a_patient_with_the_same_e_mail_in_other_letters_is_found(
    clinic: Clinic,
) -> None:
    patient = PatientFactory(team=clinic.team_a, email="Rosa.Example@Example.org")
    referral = ReferralFactory(
        site=clinic.site_a, phone="", email="rosa.example@example.org"
    )
    assert possible_duplicates(
        staff=clinic.coordinator, referral=referral
    ).patients == [patient]


def test_a_patient_with_the_same_name_and_date_of_birth_is_found(
    clinic: Clinic,
) -> None:
    patient = PatientFactory(
        team=clinic.team_a,
        given_name="Robin",
        family_name="Example",
        date_of_birth=datetime.date(1990, 5, 17),
    )
    PatientFactory(
        team=clinic.team_a,
        given_name="Robin",
        family_name="Example",
        date_of_birth=datetime.date(1991, 5, 17),
    )
    referral = in_contact(ReferralFactory(site=clinic.site_a))  # Robin Example, 1990
    assert possible_duplicates(
        staff=clinic.coordinator, referral=referral
    ).patients == [patient]


def test_patients_of_another_site_are_not_shown_to_the_coordinator(
    clinic: Clinic,
) -> None:
    PatientFactory(team=clinic.team_b, phone="07700 900321")
    referral = ReferralFactory(site=clinic.site_a, phone="07700 900321")
    assert not possible_duplicates(staff=clinic.coordinator, referral=referral)


def test_open_requests_are_found_and_closed_ones_are_not(clinic: Clinic) -> None:
    older = ReferralFactory(site=clinic.site_a, phone="07700 900777", email="")
    on_list = waiting(
        ReferralFactory(site=clinic.site_a, phone="", email="same@example.org")
    )
    ReferralFactory(
        site=clinic.site_a, phone="07700 900777", status=Status.DECLINED, email=""
    )
    ReferralFactory(site=clinic.site_b, phone="07700 900777", email="")
    referral = ReferralFactory(
        site=clinic.site_a, phone="07700 900777", email="SAME@example.org"
    )
    found = possible_duplicates(staff=clinic.coordinator, referral=referral)
    assert found.referrals == [older, on_list]


def test_the_patients_listed_are_audited(client: Client, clinic: Clinic) -> None:
    patient = PatientFactory(team=clinic.team_a, phone="07700 900321")
    referral = ReferralFactory(site=clinic.site_a, phone="07700 900321")
    client.force_login(clinic.coordinator)
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert "Possible duplicates" in page.content.decode()
    assert patient.record_number in page.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.LIST, patient=patient, category="patient"
    ).exists()


def test_linking_to_a_patient_means_accepting_makes_no_second_record(
    client: Client, clinic: Clinic
) -> None:
    # given: a known patient calls again
    patient = clinic.patient
    referral = in_contact(
        ReferralFactory(site=clinic.site_a, phone=patient.phone, email="")
    )
    client.force_login(clinic.coordinator)
    response = client.post(
        reverse("referrals:link", args=[referral.public_id]),
        {"patient": str(patient.public_id)},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.patient == patient
    # when: accepted to the waiting list
    before = Patient.objects.count()
    services.referral_accept(
        by=clinic.coordinator, referral=referral, program=program("ipt12")
    )
    # then
    assert Patient.objects.count() == before
    referral.refresh_from_db()
    assert (referral.status, referral.patient) == (Status.WAITING, patient)


def test_a_patient_the_user_may_not_see_cannot_be_linked(
    client: Client, clinic: Clinic
) -> None:
    referral = ReferralFactory(site=clinic.site_a)
    client.force_login(clinic.coordinator)
    response = client.post(
        reverse("referrals:link", args=[referral.public_id]),
        {"patient": str(clinic.patient_other_site.public_id)},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.patient is None


def test_merging_closes_the_newer_request_into_the_open_one(
    client: Client, clinic: Clinic
) -> None:
    older = ReferralFactory(site=clinic.site_a, phone="07700 900777")
    newer = ReferralFactory(site=clinic.site_a, phone="07700 900777")
    newer.urgent_since = newer.created_at
    newer.save()
    client.force_login(clinic.coordinator)
    response = client.post(
        reverse("referrals:link", args=[newer.public_id]),
        {"referral": str(older.public_id)},
    )
    assert response["Location"] == reverse("referrals:detail", args=[older.public_id])
    newer.refresh_from_db()
    older.refresh_from_db()
    assert (newer.status, newer.duplicate_of) == (Status.DUPLICATE, older)
    assert older.urgent_since is not None  # the urgency is carried over
    assert older.status == Status.NEW


def test_a_request_cannot_be_merged_into_itself_or_a_closed_one(
    client: Client, clinic: Clinic
) -> None:
    referral = ReferralFactory(site=clinic.site_a)
    closed = ReferralFactory(site=clinic.site_a, status=Status.DECLINED)
    client.force_login(clinic.coordinator)
    url = reverse("referrals:link", args=[referral.public_id])
    client.post(url, {"referral": str(referral.public_id)})
    client.post(url, {"referral": str(closed.public_id)})
    client.post(url, {})  # nothing chosen
    client.post(
        url,
        {"patient": str(clinic.patient.public_id), "referral": str(closed.public_id)},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.patient) == (Status.NEW, None)
