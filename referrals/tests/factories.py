"""Factories for intake. A ``ReferralFactory`` row is a fresh callback request as the
public form stores it (status new, nothing done); the builders move one on without
the services (so without audit rows), for tests that start part-way."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import SiteFactory
from ipt.models import Program
from iptcare.lib.phone import phone_digits
from patients.models import Patient
from patients.tests.factories import PatientFactory
from referrals.choices import RequestFor, Status
from referrals.models import Referral


def program(code: str = "ipt16") -> Program:
    """A program from ipt's data migration, put back first if a transactional test
    has flushed the table."""
    if not Program.objects.filter(code=code).exists():
        from ipt.defaults import programs_ensure

        programs_ensure()
    return Program.objects.get(code=code)


class ReferralFactory(DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    site = factory.SubFactory(SiteFactory)
    request_for = RequestFor.SELF
    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"07700 901{n % 1000:03d}")
    phone_digits = factory.LazyAttribute(lambda o: phone_digits(o.phone))
    email = factory.Sequence(lambda n: f"caller{n}@example.org")
    patient_phone = factory.SelfAttribute("phone")
    patient_email = factory.SelfAttribute("email")
    may_leave_voicemail = True
    may_text = False
    consented_at = factory.LazyFunction(timezone.now)
    contact_due_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=1)
    )
    status = Status.NEW


def in_contact(referral: Referral, **details: Any) -> Referral:
    """Spoken to, with the person's details confirmed."""
    referral.status = Status.IN_CONTACT
    referral.first_attempt_at = referral.first_contact_at = timezone.now()
    referral.given_name = details.get("given_name", "Robin")
    referral.family_name = details.get("family_name", "Example")
    referral.date_of_birth = details.get("date_of_birth", datetime.date(1990, 5, 17))
    referral.save()
    return referral


def waiting(
    referral: Referral, *, patient: Patient | None = None, code: str = "ipt16"
) -> Referral:
    """Accepted onto the waiting list, with a patient record of the referral's site."""
    if patient is None:
        from accounts.models import Team

        team = Team.objects.filter(site=referral.site).first()
        patient = PatientFactory(**({"team": team} if team else {}))
    referral.status = Status.WAITING
    referral.patient = patient
    referral.program = program(code)
    referral.accepted_at = timezone.now()
    referral.save()
    return referral
