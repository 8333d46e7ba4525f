from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.choices import CareTeamRole
from accounts.tests.factories import StaffFactory, TeamFactory
from patients.choices import DiagnosisRank
from patients.models import CareTeamMember, Diagnosis, Patient


def _namesake_free(surname: str, n: int) -> str:
    """A faker surname with a four-letter tag no other patient of the run carries.

    Pages name staff and other patients too: a test that checks a patient is *not*
    shown would otherwise find a namesake (a coordinator "Bradley Miller" beside a
    patient "Miller") one run in a few hundred. Fixed width, so no tag is the start
    of another."""
    letters = ""
    for _ in range(4):
        n, digit = divmod(n, 26)
        letters += chr(ord("a") + digit)
    return f"{surname}-{letters.capitalize()}"


class PatientFactory(DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    class Params:
        surname = factory.Faker("last_name")

    record_number = factory.Sequence(lambda n: f"T-{n:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.LazyAttributeSequence(
        lambda o, n: _namesake_free(o.surname, n)
    )
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    phone = factory.Sequence(lambda n: f"07700 900{n % 1000:03d}")
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    team = factory.SubFactory(TeamFactory)


class CareTeamMemberFactory(DjangoModelFactory[CareTeamMember]):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    staff = factory.SubFactory(StaffFactory)
    role = CareTeamRole.PRIMARY


class DiagnosisFactory(DjangoModelFactory[Diagnosis]):
    class Meta:
        model = Diagnosis

    patient = factory.SubFactory(PatientFactory)
    code = "F32.1"
    rank = DiagnosisRank.PRIMARY
    diagnosed_on = datetime.date(2026, 1, 15)
    recorded_by = factory.SubFactory(StaffFactory)
