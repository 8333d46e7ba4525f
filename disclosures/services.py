"""Every change to consents, disclosures and private notes: keyword-only, atomic,
audited (field names and codes in the audit detail, never patient data)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from disclosures import documents, rules
from disclosures.choices import (
    Channel,
    ConsentKind,
    ContentKind,
    LegalTextKey,
    SignatureKind,
)
from disclosures.models import (
    Consent,
    ConsentScope,
    Disclosure,
    LegalText,
    PrivateNote,
    PrivateNoteShare,
    Recipient,
    SubjectAccessPack,
)

if TYPE_CHECKING:
    from accounts.models import Staff
    from ipt.models import CourseSession
    from patients.models import Patient


class Refused(Exception):
    """The change was refused; the message says why, in a clinician's words."""


# --- Consents ---------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    by: Staff,
    patient: Patient,
    kind: ConsentKind,
    discloser: str,
    information: str,
    content_kinds: Iterable[ContentKind],
    recipients: Iterable[Recipient],
    recipient_description: str,
    purpose: str,
    expires_at: datetime | None,
    expiry_event: str,
    signed_on: date,
    signature_kind: SignatureKind,
    signature: bytes,
    signature_content_type: str,
) -> Consent:
    """Record a signed consent. A counseling-notes consent covers counseling notes and
    nothing else, and no other consent covers them (42 CFR 2.31(b))."""
    kinds = set(content_kinds)
    recipients = list(recipients)
    if not kinds:
        raise Refused("Say which information the consent covers.")
    if kind == ConsentKind.COUNSELING_NOTES and kinds != {ContentKind.COUNSELING_NOTES}:
        raise Refused(
            "A counseling-notes consent covers counseling notes only: record the "
            "other information on a consent of its own."
        )
    if kind != ConsentKind.COUNSELING_NOTES and ContentKind.COUNSELING_NOTES in kinds:
        raise Refused("Counseling notes need a counseling-notes consent of their own.")
    if kind == ConsentKind.TPO and not recipient_description.strip():
        raise Refused("A TPO consent names its class of recipients.")
    if kind != ConsentKind.TPO and not recipients:
        raise Refused("Name the person or organisation the records may go to.")
    if expires_at is None and not expiry_event.strip() and kind != ConsentKind.TPO:
        raise Refused("Give the date or the event on which the consent expires.")
    if expires_at is not None and expires_at <= timezone.now():
        raise Refused("The expiry date has already passed.")
    if signed_on > timezone.localdate():
        raise Refused("The signature date is in the future.")
    now = timezone.now()
    consent = Consent(
        patient=patient,
        kind=kind,
        discloser=discloser.strip(),
        information=information.strip(),
        recipient_description=recipient_description.strip()
        if kind == ConsentKind.TPO
        else "",
        purpose=purpose.strip(),
        expires_at=expires_at,
        expiry_event=expiry_event.strip(),
        tpo_statements=_latest_or_none(LegalTextKey.TPO_STATEMENTS, now)
        if kind == ConsentKind.TPO
        else None,
        signed_on=signed_on,
        signed_at=now,
        signature_kind=signature_kind,
        signature=signature,
        signature_content_type=signature_content_type,
        recorded_by=by,
    )
    consent.full_clean(exclude=["signature"])
    consent.save()
    if kind != ConsentKind.TPO:
        consent.recipients.set(recipients)
    ConsentScope.objects.bulk_create(
        ConsentScope(consent=consent, content_kind=k) for k in sorted(kinds)
    )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="consent",
        patient=patient,
        object_id=str(consent.public_id),
        detail=f"kind={kind}; scopes={','.join(sorted(kinds))}",
    )
    return consent


def _latest_or_none(key: LegalTextKey, at: datetime) -> LegalText | None:
    try:
        return rules._latest(key, at)
    except LegalText.DoesNotExist:
        return None


@transaction.atomic
def consent_revoke(
    *,
    by: Staff,
    consent: Consent,
    received_on: date,
    document: bytes,
    content_type: str,
) -> Consent:
    """Record a written revocation: from now the consent authorises nothing."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        raise Refused("This consent was already revoked.")
    if received_on > timezone.localdate():
        raise Refused("The date received is in the future.")
    if received_on < consent.signed_on:
        raise Refused("The revocation cannot precede the consent.")
    consent.revoked_at = timezone.now()
    consent.revocation_received_on = received_on
    consent.revocation_document = document
    consent.revocation_content_type = content_type
    consent.revocation_recorded_by = by
    consent.save()
    audit.record(
        actor=by,
        action=Action.UPDATE,
        category="consent",
        patient=consent.patient,
        object_id=str(consent.public_id),
        detail="revoked",
    )
    return consent


@transaction.atomic
def consent_expiry_event(*, by: Staff, consent: Consent, occurred_on: date) -> Consent:
    """The event a consent expires on has happened: from the start of that day the
    consent authorises nothing (never before it was signed). A disclosure already made
    in between stays in the log as it was made (docs/decisions/0049)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    now = timezone.now()
    if not consent.expiry_event:
        raise Refused("This consent expires on a date, not an event.")
    if consent.expiry_event_on is not None:
        raise Refused("The event was recorded already.")
    if consent.revoked_at is not None:
        raise Refused("This consent was revoked: it authorises nothing already.")
    if consent.expires_at is not None and consent.expires_at <= now:
        raise Refused("This consent has expired already.")
    if occurred_on > timezone.localdate():
        raise Refused("The day of the event is in the future.")
    if occurred_on < consent.signed_on:
        raise Refused("The event cannot precede the consent.")
    start_of_day = timezone.make_aware(datetime.combine(occurred_on, time.min))
    ends = max(start_of_day, consent.signed_at)
    # A consent with a date as well ends on whichever comes first.
    consent.expires_at = min(ends, consent.expires_at or ends)
    consent.expiry_event_on = occurred_on
    consent.expiry_event_recorded_by = by
    consent.save(
        update_fields=[
            "expires_at",
            "expiry_event_on",
            "expiry_event_recorded_by",
            "updated_at",
        ]
    )
    audit.record(
        actor=by,
        action=Action.UPDATE,
        category="consent",
        patient=consent.patient,
        object_id=str(consent.public_id),
        detail=f"expiry event on {occurred_on:%Y-%m-%d}",
    )
    return consent


# --- Disclosures --------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A disclosure made: its log row and the document that left."""

    disclosure: Disclosure
    content: bytes
    content_type: str
    filename: str


def disclosure_prepare(
    *,
    by: Staff,
    patient: Patient,
    recipient: Recipient,
    content_kinds: list[ContentKind],
    channel: Channel,
    consent: Consent | None = None,
    emergency_reason: str = "",
    letter: str = "",
    purpose: str = "",
) -> Prepared:
    """Check the rule, make the document with the notice in force, log the disclosure.

    The consent the clinician picked must be the one that authorises it; without one,
    only the emergency exception (a reason of a sentence) lets Part 2 records go.
    """
    at = timezone.now()
    if letter.strip() and ContentKind.LETTER not in content_kinds:
        content_kinds = [*content_kinds, ContentKind.LETTER]
    decision = rules.check_disclosure(
        patient=patient,
        recipient=recipient,
        content_kinds=content_kinds,
        at=at,
        emergency_reason=emergency_reason.strip() or None,
    )
    if consent is not None and decision.reason is rules.Reason.CONSENT:
        # The clinician's pick must itself authorise it, not merely some consent.
        if consent.patient_id != patient.pk or not _consent_covers(
            consent, recipient, content_kinds, at
        ):
            raise Refused("The consent you picked does not cover this disclosure.")
        decision = replace(decision, consent=consent)
    if not decision.allowed:
        # Outside any transaction of ours: the refusal stays on the audit trail.
        audit.record(
            actor=by,
            action=Action.ACCESS_DENIED,
            category="disclosure",
            patient=patient,
            detail=f"refused={decision.reason.value}",
        )
        raise Refused(decision.message)
    return _disclose(
        by=by,
        patient=patient,
        recipient=recipient,
        content_kinds=content_kinds,
        channel=channel,
        decision=decision,
        emergency_reason=emergency_reason,
        letter=letter,
        purpose=purpose,
        at=at,
    )


@transaction.atomic
def _disclose(
    *,
    by: Staff,
    patient: Patient,
    recipient: Recipient,
    content_kinds: list[ContentKind],
    channel: Channel,
    decision: rules.Decision,
    emergency_reason: str,
    letter: str,
    purpose: str,
    at: datetime,
) -> Prepared:
    notice = rules.notice_in_force(at) if decision.part2 else None
    document = documents.Document(
        patient=patient,
        recipient_name=recipient.name,
        prepared_at=at,
        sections=documents.sections_for(patient, content_kinds),
        notice=notice,
        consent=decision.consent,
        emergency_reason=emergency_reason.strip() if decision.emergency else "",
        letter=letter.strip(),
        organisation=settings.IPTCARE_ORGANISATION,
    )
    content = documents.render(document, channel)
    disclosure = _disclosure_logged(
        by=by,
        patient=patient,
        recipient=recipient,
        decision=decision,
        content_kinds=content_kinds,
        description=(purpose.strip() or _describe(content_kinds))[:300],
        channel=channel,
        notice=notice,
        at=at,
        content=content,
        emergency_reason=document.emergency_reason,
        audit_detail=f"kinds={','.join(str(k) for k in content_kinds)}",
    )
    return Prepared(
        disclosure=disclosure,
        content=content,
        content_type=documents.CONTENT_TYPES[channel],
        filename=documents.FILENAMES[channel],
    )


def _consent_covers(
    consent: Consent, recipient: Recipient, kinds: list[ContentKind], at: datetime
) -> bool:
    return (
        consent.is_active_at(at)
        and rules._names_recipient(consent, recipient)
        and rules._covers(consent, frozenset(kinds))
    )


def _describe(kinds: Iterable[ContentKind]) -> str:
    return ", ".join(str(ContentKind(k).label) for k in kinds)


def _disclosure_logged(
    *,
    by: Staff,
    patient: Patient,
    recipient: Recipient,
    decision: rules.Decision,
    content_kinds: Iterable[ContentKind],
    description: str,
    channel: Channel,
    notice: LegalText | None,
    at: datetime,
    content: bytes,
    audit_detail: str,
    emergency_reason: str = "",
) -> Disclosure:
    """One row of the disclosure log (who, to whom, what, under which consent, when,
    how, with the content and its hash) and the export in the audit trail: the one
    way every kind of disclosure is written."""
    disclosure = Disclosure.objects.create(
        patient=patient,
        recipient=recipient,
        consent=decision.consent,
        emergency_reason=emergency_reason,
        content_kinds=[str(k) for k in content_kinds],
        description=description,
        part2=decision.part2,
        channel=channel,
        notice=notice,
        disclosed_by=by,
        disclosed_at=at,
        document=content,
        document_sha256=hashlib.sha256(content).hexdigest(),
    )
    audit.record(
        actor=by,
        action=Action.EXPORT,
        category="disclosure",
        patient=patient,
        object_id=str(disclosure.public_id),
        detail=f"reason={decision.reason.value}; channel={channel}; {audit_detail}",
    )
    return disclosure


@transaction.atomic
def disclosure_log_contact(
    *,
    by: Staff,
    patient: Patient,
    recipient: Recipient,
    decision: rules.Decision,
    content_kinds: Iterable[ContentKind],
    channel: Channel,
    shared: str,
    at: datetime,
) -> Disclosure:
    """A contact with a supporter that shared Part 2 records under a consent: written
    to the disclosure log like any document (who, to whom, what, under which consent,
    when, how), with what was shared as its content. A written message carries the
    notice in force, so the log names it; a spoken contact carries none."""
    if not decision.allowed or decision.consent is None:
        raise Refused(decision.message)
    notice = rules.notice_in_force(at) if channel == Channel.MESSAGE else None
    return _disclosure_logged(
        by=by,
        patient=patient,
        recipient=recipient,
        decision=decision,
        content_kinds=content_kinds,
        description="Contact with a supporter",
        channel=channel,
        notice=notice,
        at=at,
        content=shared.encode(),
        audit_detail="contact",
    )


# --- Private process notes -----------------------------------------------------------


@transaction.atomic
def private_note_save(*, by: Staff, session: CourseSession, text: str) -> PrivateNote:
    """Write or rewrite the author's own private note of a session (one per author)."""
    text = text.strip()
    if not text:
        raise Refused("Write the note, or leave the page.")
    note, created = PrivateNote.objects.select_for_update().get_or_create(
        session=session, author=by, defaults={"text": text}
    )
    if not created:
        note.text = text
        note.save(update_fields=["text", "updated_at"])
    audit.record(
        actor=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="private_note",
        patient=session.course.patient,
        object_id=str(note.public_id),
    )
    return note


@transaction.atomic
def private_note_share(
    *, by: Staff, note: PrivateNote, staff: Staff
) -> PrivateNoteShare:
    """Only the author shares, and only with a colleague who may see the patient."""
    from accounts import access

    patient = note.session.course.patient
    if note.author_id != by.pk:
        raise Refused("Only the author shares a private note.")
    if staff.pk == by.pk:
        raise Refused("The note is already yours.")
    if not access.patients_visible_to(staff).filter(pk=patient.pk).exists():
        raise Refused("That colleague may not see this patient.")
    share, _ = PrivateNoteShare.objects.get_or_create(
        note=note, staff=staff, defaults={"shared_by": by}
    )
    audit.record(
        actor=by,
        action=Action.PRIVILEGE_CHANGE,
        category="private_note",
        patient=patient,
        object_id=str(note.public_id),
        detail=f"shared_with={staff.pk}",
    )
    return share


# --- The patient's own copy ---------------------------------------------------------


@transaction.atomic
def access_pack_request(
    *, patient: Patient, by: Staff | None = None
) -> SubjectAccessPack:
    """Ask for the patient's copy; the job makes it after the commit. One at a time."""
    if SubjectAccessPack.objects.filter(
        patient=patient, status=SubjectAccessPack.Status.PENDING
    ).exists():
        raise Refused("A copy is already being prepared.")
    pack = SubjectAccessPack.objects.create(
        patient=patient, requested_at=timezone.now(), requested_by=by
    )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="subject_access",
        patient=patient,
        object_id=str(pack.public_id),
        actor_label="" if by else "patient",
    )
    from disclosures import tasks

    transaction.on_commit(lambda: tasks.make_access_pack(pack.pk))
    return pack


@transaction.atomic
def access_pack_make(*, pack_id: int) -> SubjectAccessPack:
    """Make both files, log the disclosure to the patient, open the download window.
    Idempotent: a pack already made is left as it is."""
    from disclosures import access_packs

    pack = (
        SubjectAccessPack.objects.select_for_update()
        .select_related("patient")
        .get(pk=pack_id)
    )
    if pack.status != SubjectAccessPack.Status.PENDING:
        return pack
    at = timezone.now()
    context = access_packs.pack_context(pack.patient, at)
    pack.pdf = access_packs.pack_pdf(context)
    pack.bundle = access_packs.pack_fhir(context)
    pack.disclosure = Disclosure.objects.create(
        patient=pack.patient,
        to_patient=True,
        content_kinds=[str(k) for k in access_packs.PACK_CONTENT],
        description="Your own copy of your record",
        part2=rules.is_part2(pack.patient),
        channel=Channel.PORTAL,
        disclosed_by=pack.requested_by,
        disclosed_by_label="" if pack.requested_by else "system",
        disclosed_at=at,
        document_sha256=hashlib.sha256(pack.pdf + pack.bundle).hexdigest(),
    )
    pack.status = SubjectAccessPack.Status.READY
    pack.ready_at = at
    pack.expires_at = at + timedelta(days=settings.IPTCARE_SUBJECT_ACCESS_DAYS)
    pack.save()
    audit.record(
        actor=None,
        action=Action.EXPORT,
        category="subject_access",
        patient=pack.patient,
        object_id=str(pack.public_id),
        actor_label="system",
    )
    return pack
