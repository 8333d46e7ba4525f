"""The patient's own copy of their record: what goes in, and its two forms.

The PDF: everything in the record except private notes (decision 0024) — identity,
courses and end-of-treatment summaries, attendance, scores, diagnoses, signed progress
notes, the consents and the accounting of disclosures.

The machine-readable part: a FHIR R4 Bundle (type ``collection``) of the patient's own
resources, made by the FHIR API's own mappers (``interop.registry.TYPES``), so a
resource type added to the registry joins the pack without a change here. Every
resource and the bundle are validated with fhir.resources. Private notes have no
mapper, so they cannot enter it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from fhir.resources.R4B.bundle import Bundle

from disclosures import documents, selectors
from disclosures.choices import ContentKind
from interop import registry
from interop.requester import READ, Requester
from reports.pdf import html_to_pdf

if TYPE_CHECKING:
    from patients.models import Patient

PACK_CONTENT = [
    ContentKind.DEMOGRAPHICS,
    ContentKind.COURSE_SUMMARY,
    ContentKind.END_OF_TREATMENT_REPORT,
    ContentKind.ATTENDANCE,
    ContentKind.SCORES,
    ContentKind.DIAGNOSES,
    ContentKind.PROGRESS_NOTES,
]


def pack_context(patient: Patient, at: datetime) -> dict[str, Any]:
    return {
        "patient": patient,
        "made_at": at,
        "organisation": settings.IPTCARE_ORGANISATION,
        "sections": documents.sections_for(patient, PACK_CONTENT),
        "consents": selectors.consents_for(patient),
        "accounting": selectors.accounting(patient, at),
    }


def pack_pdf(context: dict[str, Any]) -> bytes:
    html = render_to_string("disclosures/subject_access.html", context)
    return html_to_pdf(html, render_to_string("reports/_print.css"))


@dataclass(frozen=True)
class OwnRecord(Requester):
    """The patient as the reader of their own record: the registry's row queries
    scoped to this one patient. No site, so staff and sites (Practitioner,
    Organization) are not part of it."""

    owner: Patient | None = None

    def may(self, resource_type: str, action: str = READ) -> bool:
        return action == READ

    def patients(self, resource_type: str, *, clinical: bool) -> QuerySet[Patient]:
        from patients.models import Patient

        if self.owner is None:  # pragma: no cover - always built with its owner
            return Patient.objects.none()
        return Patient.objects.filter(pk=self.owner.pk)

    @property
    def site_id(self) -> int | None:
        return None


def pack_resources(patient: Patient) -> list[dict[str, Any]]:
    """Every resource of the patient's own record the registry can make, each one
    validated; only those that belong to this patient (``patient_of``)."""
    reader = OwnRecord(owner=patient)
    resources: list[dict[str, Any]] = []
    for resource_type in registry.TYPES.values():
        for row in resource_type.rows(reader).iterator(chunk_size=500):
            owner = resource_type.patient_of(row)
            if owner is None or owner.pk != patient.pk:
                continue
            for resource in resource_type.convert(row):
                resources.append(registry.validated(resource_type, resource))
    return resources


def pack_fhir(context: dict[str, Any]) -> bytes:
    """The FHIR R4 collection Bundle of the patient's own resources."""
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": context["made_at"].isoformat(),
        "entry": [
            {
                "fullUrl": f"urn:iptcare:{resource['resourceType']}/{resource['id']}",
                "resource": resource,
            }
            for resource in pack_resources(context["patient"])
        ],
    }
    Bundle.model_validate(bundle)
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode()
