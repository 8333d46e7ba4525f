"""What a disclosure contains, and the documents it is sent as: a PDF (WeasyPrint, the
reports app's converter), a CSV and a FHIR R4 JSON bundle. Each embeds the §2.32
notice in force and, for a consented disclosure, an explanation of the consent
(§2.32(b)). Private process notes enter only under a counseling-notes consent."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from disclosures import rules
from disclosures.choices import Channel, ContentKind
from ipt.choices import Attendance
from ipt.models import Course, CourseSession, SessionNote
from iptcare.lib.spreadsheet import csv_text
from measures.models import Administration
from reports.pdf import html_to_pdf

if TYPE_CHECKING:
    from disclosures.models import Consent, LegalText
    from patients.models import Patient

CONTENT_TYPES = {
    Channel.PDF: "application/pdf",
    Channel.CSV: "text/csv; charset=utf-8",
    Channel.FHIR: "application/fhir+json",
}
FILENAMES = {
    Channel.PDF: "disclosure.pdf",
    Channel.CSV: "disclosure.csv",
    Channel.FHIR: "disclosure.fhir.json",
}


def file_of(channel: Channel) -> tuple[str, str]:
    """The content type and file name of what a disclosure kept: a rendered document,
    or for a spoken or written contact (recovery) the text of what was shared."""
    if channel in CONTENT_TYPES:
        return CONTENT_TYPES[channel], FILENAMES[channel]
    return "text/plain; charset=utf-8", "disclosure.txt"


@dataclass(frozen=True)
class Section:
    """One part of the disclosed content: a heading, column names and rows of text."""

    kind: ContentKind
    heading: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """Everything one disclosed document prints."""

    patient: Patient
    recipient_name: str
    prepared_at: datetime
    sections: list[Section]
    notice: LegalText | None
    consent: Consent | None
    emergency_reason: str
    letter: str
    organisation: str


def _date(value: object) -> str:
    return f"{value:%d %b %Y}" if value else ""


def sections_for(patient: Patient, kinds: list[ContentKind]) -> list[Section]:
    """The content of each kind, in the order chosen. Counseling notes come from the
    private-notes table, and only when asked for by name."""
    sections: list[Section] = []
    for kind in kinds:
        if kind == ContentKind.DEMOGRAPHICS:
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Record number", "Name", "Date of birth"),
                    [
                        (
                            patient.record_number,
                            patient.full_name,
                            _date(patient.date_of_birth),
                        )
                    ],
                )
            )
        elif kind in {
            ContentKind.COURSE_SUMMARY,
            ContentKind.END_OF_TREATMENT_REPORT,
        }:
            courses = Course.objects.filter(patient=patient).select_related("program")
            if kind == ContentKind.END_OF_TREATMENT_REPORT:
                courses = courses.filter(ended_on__isnull=False)
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Program", "Opened", "Status", "Ended", "Outcome"),
                    [
                        (
                            course.program.name,
                            _date(course.opened_on),
                            course.position_text,
                            _date(course.ended_on),
                            course.end_reason
                            if kind == ContentKind.END_OF_TREATMENT_REPORT
                            else course.get_outcome_display(),
                        )
                        for course in courses
                    ],
                )
            )
        elif kind == ContentKind.ATTENDANCE:
            sessions = CourseSession.objects.filter(course__patient=patient)
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Date", "Session", "Attendance"),
                    [
                        (
                            _date(session.held_on),
                            str(session.number or ""),
                            str(Attendance(session.attendance).label),
                        )
                        for session in sessions
                    ],
                )
            )
        elif kind == ContentKind.SCORES:
            scores = Administration.objects.filter(
                patient=patient, superseded_at__isnull=True
            ).order_by("administered_at")
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Date", "Scale", "Score", "Band"),
                    [
                        (
                            _date(score.administered_at),
                            score.instrument_id.upper(),
                            "" if score.total is None else f"{score.total:g}",
                            score.band,
                        )
                        for score in scores
                    ],
                )
            )
        elif kind == ContentKind.DIAGNOSES:
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Code", "Since", "Resolved"),
                    [
                        (d.code, _date(d.diagnosed_on), _date(d.resolved_on))
                        for d in patient.diagnoses.all()
                    ],
                )
            )
        elif kind == ContentKind.PROGRESS_NOTES:
            notes = (
                SessionNote.objects.signed()
                .filter(session__course__patient=patient)
                .select_related("session")
                .order_by("session__held_on")
            )
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Date", "Phase", "The week's interpersonal events"),
                    [
                        (
                            _date(note.session.held_on),
                            note.get_phase_display(),
                            note.week_events,
                        )
                        for note in notes
                    ],
                )
            )
        elif kind == ContentKind.COUNSELING_NOTES:
            from disclosures.models import PrivateNote

            private = PrivateNote.objects.filter(
                session__course__patient=patient
            ).select_related("session")
            sections.append(
                Section(
                    kind,
                    str(kind.label),
                    ("Date", "Note"),
                    [(_date(note.session.held_on), note.text) for note in private],
                )
            )
        # A LETTER is the clinician's own text: printed above the sections.
    return sections


def consent_explanation(consent: Consent | None) -> str:
    """§2.32(b): a copy of the consent or a clear explanation of its scope."""
    if consent is None:
        return ""
    scopes = ", ".join(str(s.get_content_kind_display()) for s in consent.scopes.all())
    to = consent.recipient_description or ", ".join(
        r.name for r in consent.recipients.all()
    )
    until = (
        f"until {consent.expires_at:%d %B %Y}"
        if consent.expires_at
        else (consent.expiry_event or "until revoked in writing")
    )
    return (
        f"Disclosed under the patient's written consent ({consent.get_kind_display()}) "
        f"signed on {consent.signed_on:%d %B %Y}: {consent.discloser} may disclose "
        f"{consent.information} ({scopes}) to {to} for this purpose: "
        f"{consent.purpose}. The consent is in force {until}."
    )


def document_pdf(document: Document) -> bytes:
    html = render_to_string("disclosures/document.html", {"document": document})
    return html_to_pdf(html, render_to_string("reports/_print.css"))


def document_csv(document: Document) -> bytes:
    """The notice and the consent first, then one block per section."""
    rows: list[tuple[str, ...]] = []
    if document.notice is not None:
        rows.append(("42 CFR Part 2 notice", document.notice.text))
    if document.consent is not None:
        rows.append(("Consent", consent_explanation(document.consent)))
    if document.emergency_reason:
        rows.append(("Medical emergency", document.emergency_reason))
    rows.append(("Patient record number", document.patient.record_number))
    if document.letter:
        rows.append(("Letter", document.letter))
    for section in document.sections:
        rows += [(), (section.heading,), section.columns, *section.rows]
    return csv_text(rows).encode()


def document_fhir(document: Document) -> bytes:
    """A FHIR R4 collection bundle: the notice (and consent explanation) as a
    DocumentReference, each section as a DocumentReference with its rows in CSV,
    labelled 42CFRPart2 when the patient is Part 2."""
    security = [rules.PART2_SECURITY_LABEL] if document.notice is not None else []

    def doc(title: str, text: str) -> dict[str, object]:
        return {
            "resource": {
                "resourceType": "DocumentReference",
                "status": "current",
                "description": title,
                "meta": {"security": security},
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain; charset=utf-8",
                            "title": title,
                            "data": base64.b64encode(text.encode()).decode(),
                        }
                    }
                ],
            }
        }

    entries = []
    if document.notice is not None:
        entries.append(doc("42 CFR Part 2 notice", document.notice.text))
    if document.consent is not None:
        entries.append(doc("Consent", consent_explanation(document.consent)))
    if document.letter:
        entries.append(doc("Letter", document.letter))
    for section in document.sections:
        text = csv_text([section.columns, *section.rows])
        entries.append(doc(section.heading, text))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": document.prepared_at.isoformat(),
        "meta": {"security": security},
        "entry": entries,
    }
    return json.dumps(bundle, indent=2).encode()


def render(document: Document, channel: Channel) -> bytes:
    if channel == Channel.PDF:
        return document_pdf(document)
    if channel == Channel.CSV:
        return document_csv(document)
    if channel == Channel.FHIR:
        return document_fhir(document)
    raise ValueError(f"No document for channel {channel}.")


def now() -> datetime:
    return timezone.now()
