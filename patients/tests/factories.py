from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.choices import CareTeamRole
from accounts.tests.factories import StaffFactory, TeamFactory
from patients.choices import DiagnosisRank
from patients.models import CareTeamMember, Diagnosis, Patient


class PatientFactory(DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    record_number = factory.Sequence(lambda n: f"T-{n:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
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
