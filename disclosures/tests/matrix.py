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


def _blank_pdf() -> bytes:
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pack_kwargs(clinic: Any) -> dict[str, Any]:
    from datetime import timedelta

    from disclosures.models import SubjectAccessPack

    now = timezone.now()
    pack = SubjectAccessPack.objects.create(
        patient=clinic.patient,
        requested_at=now,
        status=SubjectAccessPack.Status.READY,
        ready_at=now,
        expires_at=now + timedelta(days=14),
        pdf=_blank_pdf(),
        bundle=b"{}",
    )
    return {"pack_id": pack.public_id, "fmt": "pdf"}


def retention_due_kwargs(clinic: Any) -> dict[str, Any]:
    import uuid

    from disclosures.models import RetentionClass, RetentionDue, RetentionReview

    due = RetentionDue.objects.create(
        review=RetentionReview.objects.create(run_at=timezone.now()),
        record_class=RetentionClass.objects.get(code="rejected_callback"),
        site=clinic.site_a,
        object_ref=uuid.uuid4(),
        due_on=timezone.localdate(),
    )
    return {"due_id": due.pk}
