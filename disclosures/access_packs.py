"""The patient's own copy of their record: what goes in, and its two forms.

Everything in the record except private notes (decision 0024): identity, courses and
end-of-treatment summaries, attendance, scores, diagnoses, signed progress notes, the
consents and the accounting of disclosures. The JSON is a bundle of our own (its
``format`` names it); FHIR can replace it once the FHIR mapping exists (#16).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string

from disclosures import documents, selectors
from disclosures.choices import ContentKind
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
FORMAT = "iptcare-subject-access/1"


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


def pack_json(context: dict[str, Any]) -> bytes:
    patient: Patient = context["patient"]
    body = {
        "format": FORMAT,
        "made_at": context["made_at"].isoformat(),
        "organisation": context["organisation"],
        "patient": {
            "record_number": patient.record_number,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
        },
        "sections": [
            {
                "kind": str(section.kind),
                "heading": section.heading,
                "columns": list(section.columns),
                "rows": [list(row) for row in section.rows],
            }
            for section in context["sections"]
        ],
        "consents": [
            {
                "kind": consent.kind,
                "information": consent.information,
                "purpose": consent.purpose,
                "signed_on": consent.signed_on.isoformat(),
                "revoked_at": consent.revoked_at.isoformat()
                if consent.revoked_at
                else None,
            }
            for consent in context["consents"]
        ],
        "disclosures": [
            {
                "disclosed_at": d.disclosed_at.isoformat(),
                "recipient": d.recipient_name,
                "content": list(d.content_kinds),
                "purpose": d.description,
                "channel": d.channel,
            }
            for d in context["accounting"].disclosures
        ],
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode()
