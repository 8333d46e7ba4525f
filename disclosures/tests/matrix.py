"""URL arguments for the disclosures routes in tests/access_matrix.py."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from disclosures.choices import Channel, ContentKind
from disclosures.models import Disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory


def consent_kwargs(clinic: Any) -> dict[str, Any]:
    consent = ConsentFactory(patient=clinic.patient, scopes=[ContentKind.ATTENDANCE])
    return {"public_id": clinic.patient.public_id, "consent_id": consent.public_id}


def disclosure_kwargs(clinic: Any) -> dict[str, Any]:
    disclosure = Disclosure.objects.create(
        patient=clinic.patient,
        recipient=RecipientFactory(),
        content_kinds=[ContentKind.ATTENDANCE],
        description="Attendance",
        part2=False,
        channel=Channel.CSV,
        disclosed_at=timezone.now(),
        document=b"Date,Session\n",
    )
    return {
        "public_id": clinic.patient.public_id,
        "disclosure_id": disclosure.public_id,
    }
