from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import StaffFactory
from disclosures.choices import ConsentKind, RecipientKind, SignatureKind
from disclosures.models import Consent, ConsentScope, Recipient
from patients.tests.factories import PatientFactory

# A 1×1 transparent PNG: a drawn signature's smallest honest stand-in.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


class RecipientFactory(DjangoModelFactory[Recipient]):
    class Meta:
        model = Recipient

    name = factory.Sequence(lambda n: f"Riverside GP practice {n}")
    kind = RecipientKind.TREATING_PROVIDER


class ConsentFactory(DjangoModelFactory[Consent]):
    """A specific consent signed a month ago, covering what ``scopes`` lists, to the
    ``recipients`` given."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    patient = factory.SubFactory(PatientFactory)
    kind = ConsentKind.SPECIFIC
    discloser = "Riverside IPT program"
    information = "Attendance and PHQ-9 scores"
    purpose = "Continuity of care"
    signed_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=30)
    )
    signed_on = factory.LazyAttribute(lambda o: timezone.localdate(o.signed_at))
    signature_kind = SignatureKind.DRAWN
    signature = PNG_1X1
    signature_content_type = "image/png"
    recorded_by = factory.SubFactory(StaffFactory)
    recipient_description = factory.LazyAttribute(
        lambda o: (
            "my treating providers, health plans, third-party payers, and "
            "people helping to operate this program"
            if o.kind == ConsentKind.TPO
            else ""
        )
    )

    @factory.post_generation
    def scopes(
        self, create: bool, extracted: list[str] | None, **kwargs: object
    ) -> None:
        for kind in extracted or []:
            ConsentScope.objects.create(consent=self, content_kind=kind)

    @factory.post_generation
    def recipients(
        self, create: bool, extracted: list[Recipient] | None, **kwargs: object
    ) -> None:
        if extracted:
            self.recipients.set(extracted)
