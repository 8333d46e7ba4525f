from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.choices import Role
from accounts.models import Site, Staff, Team

TEST_PASSWORD = "correct-horse-battery"


class SiteFactory(DjangoModelFactory[Site]):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Site {n}")


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class StaffFactory(DjangoModelFactory[Staff]):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CLINICIAN
    site = factory.SubFactory(SiteFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def teams(
        self, create: bool, extracted: list[Team] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.teams.set(extracted)
