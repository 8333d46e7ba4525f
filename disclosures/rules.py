"""The disclosure rule: which records are Part 2, and whether they may go to a
recipient now. A stable contract for every exporter (letters, reports, CSV, the FHIR
API); docs/decisions/0022 states it and why.

Which records are Part 2
    ``accounts.Team.part2_program`` is the program's own setting: a team that is a
    Part 2 program stamps every course it opens (``ipt.Course.part2``); in a mixed
    service a clinician sets ``Course.part2`` on the course that treats a substance
    use disorder. A **patient** is Part 2 when their team is a Part 2 program or any
    of their courses is Part 2; all their records are then treated as Part 2 for
    disclosure (records outside a course — scores, diagnoses, appointments — cannot
    be told apart safely, so the rule errs towards protecting them).

The decision
    ``check_disclosure`` answers allowed or refused, with the reason and the one
    consent that authorises it. A consent authorises nothing before it is signed,
    from its expiry and from its revocation. Counseling notes always need a
    counseling-notes consent of their own; the medical-emergency exception covers
    the rest of a Part 2 record, to medical personnel, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from disclosures.choices import (
    TPO_RECIPIENT_KINDS,
    ConsentKind,
    ContentKind,
    LegalTextKey,
    RecipientKind,
)
from disclosures.models import Consent, LegalText, Recipient
from patients.models import Patient

if TYPE_CHECKING:
    from collections.abc import Iterable

# The HL7 v3 ActCode security label a FHIR resource from a Part 2 record carries.
PART2_SECURITY_LABEL = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "42CFRPart2",
    "display": "42 CFR Part2",
}

# FHIR R4 resource types the product exports, and the content kind each one is.
_FHIR_CONTENT = {
    "Patient": ContentKind.DEMOGRAPHICS,
    "Observation": ContentKind.SCORES,
    "QuestionnaireResponse": ContentKind.SCORES,
    "Condition": ContentKind.DIAGNOSES,
    "Appointment": ContentKind.ATTENDANCE,
    "Encounter": ContentKind.ATTENDANCE,
    "EpisodeOfCare": ContentKind.COURSE_SUMMARY,
    "CarePlan": ContentKind.COURSE_SUMMARY,
    "Goal": ContentKind.COURSE_SUMMARY,
    "DocumentReference": ContentKind.END_OF_TREATMENT_REPORT,
    "Composition": ContentKind.END_OF_TREATMENT_REPORT,
    # A consent names its patient and, for a Part 2 patient, their treatment: it goes
    # as identity, under a consent that covers demographics (decisions/0046).
    "Consent": ContentKind.DEMOGRAPHICS,
}

MIN_EMERGENCY_REASON = 10


class UnknownContent(ValueError):
    """A FHIR resource type or content kind outside the closed vocabulary."""


def content_kind_for_fhir(resource_type: str) -> ContentKind:
    """The content kind of a FHIR resource type; an unknown type is refused, so a new
    resource cannot leave unclassified."""
    try:
        return _FHIR_CONTENT[resource_type]
    except KeyError:
        raise UnknownContent(f"No content kind for {resource_type!r}.") from None


class PatientSelf:
    """The patient as recipient of their own records (right of access)."""

    def __repr__(self) -> str:
        return "PATIENT_SELF"


PATIENT_SELF = PatientSelf()


class Reason(StrEnum):
    """Why a disclosure is allowed or refused; stable codes an API may return."""

    NOT_PART2 = "not_part2"
    CONSENT = "consent"
    EMERGENCY = "emergency"
    OWN_RECORD = "own_record"
    NO_CONTENT = "no_content"
    NO_CONSENT = "no_consent"
    WRONG_RECIPIENT = "wrong_recipient"
    NOT_COVERED = "not_covered"
    COUNSELING_NOTES_APART = "counseling_notes_apart"
    EMERGENCY_NOT_MEDICAL = "emergency_not_medical"


_MESSAGES = {
    Reason.NOT_PART2: "The records are not Part 2 records.",
    Reason.CONSENT: "An active consent covers this recipient and content.",
    Reason.EMERGENCY: "Medical-emergency disclosure (42 CFR 2.51), with its reason.",
    Reason.OWN_RECORD: "The patient's own copy of their record.",
    Reason.NO_CONTENT: "Say what the disclosure contains.",
    Reason.NO_CONSENT: "No active consent: nothing may be disclosed.",
    Reason.WRONG_RECIPIENT: "No active consent names this recipient.",
    Reason.NOT_COVERED: "The consent for this recipient does not cover all of this "
    "content.",
    Reason.COUNSELING_NOTES_APART: "Counseling notes go only under a counseling-notes "
    "consent, on their own.",
    Reason.EMERGENCY_NOT_MEDICAL: "The emergency exception allows disclosure only to "
    "medical personnel treating the emergency.",
}


@dataclass(frozen=True)
class Decision:
    """The answer of ``check_disclosure``: allowed or refused, why, and the consent
    that authorises it (``None`` when no consent is needed or none applies)."""

    allowed: bool
    reason: Reason
    part2: bool
    consent: Consent | None = None

    @property
    def message(self) -> str:
        return _MESSAGES[self.reason]

    @property
    def emergency(self) -> bool:
        return self.reason is Reason.EMERGENCY

    @property
    def notice_required(self) -> bool:
        """§2.32: a disclosure of Part 2 records made with consent carries the notice;
        the product adds it to every disclosure of Part 2 records."""
        return self.allowed and self.part2 and self.reason is not Reason.OWN_RECORD


# --- Which records are Part 2 ---------------------------------------------------


def part2_patients() -> QuerySet[Patient]:
    """Patients whose records are Part 2, as one SQL query."""
    from ipt.models import Course

    return Patient.objects.filter(
        Q(team__part2_program=True)
        | Exists(Course.objects.filter(patient=OuterRef("pk"), part2=True))
    )


def part2_q(patient_path: str = "") -> Q:
    """A filter for any queryset that reaches a patient: ``Administration.objects
    .exclude(part2_q("patient__"))`` keeps the non-Part 2 rows. ``patient_path`` is
    the lookup path to the patient with its trailing ``__`` (empty on ``Patient``)."""
    return Q(**{f"{patient_path}pk__in": part2_patients().values("pk")})


def is_part2(patient: Patient) -> bool:
    return part2_patients().filter(pk=patient.pk).exists()


# --- Consents ---------------------------------------------------------------------


def _names_recipient(consent: Consent, recipient: Recipient) -> bool:
    if consent.kind == ConsentKind.TPO:
        return recipient.kind in TPO_RECIPIENT_KINDS
    return any(named.pk == recipient.pk for named in consent.recipients.all())


def _covers(consent: Consent, kinds: frozenset[ContentKind]) -> bool:
    return kinds <= {ContentKind(scope.content_kind) for scope in consent.scopes.all()}


def check_disclosure(
    *,
    patient: Patient,
    recipient: Recipient | PatientSelf,
    content_kinds: Iterable[ContentKind | str],
    at: datetime,
    emergency_reason: str | None = None,
) -> Decision:
    """May these kinds of content about the patient go to the recipient at ``at``?"""
    kinds = frozenset(ContentKind(kind) for kind in content_kinds)
    part2 = is_part2(patient)
    if not kinds:
        return Decision(allowed=False, reason=Reason.NO_CONTENT, part2=part2)
    notes = ContentKind.COUNSELING_NOTES in kinds
    if isinstance(recipient, PatientSelf):
        # Private notes are not part of the record a patient's copy is made from.
        if notes:
            return Decision(False, Reason.COUNSELING_NOTES_APART, part2)
        return Decision(True, Reason.OWN_RECORD, part2)
    if notes and len(kinds) > 1:
        return Decision(False, Reason.COUNSELING_NOTES_APART, part2)
    if not part2 and not notes:
        return Decision(True, Reason.NOT_PART2, part2)
    if emergency_reason is not None and not notes:
        if len(emergency_reason.strip()) < MIN_EMERGENCY_REASON:
            return Decision(False, Reason.NO_CONSENT, part2)
        if recipient.kind != RecipientKind.TREATING_PROVIDER:
            return Decision(False, Reason.EMERGENCY_NOT_MEDICAL, part2)
        return Decision(True, Reason.EMERGENCY, part2)
    active = list(
        Consent.objects.active_at(at)
        .filter(patient=patient)
        .prefetch_related("scopes", "recipients")
    )
    if notes:
        active = [c for c in active if c.kind == ConsentKind.COUNSELING_NOTES]
    else:
        active = [c for c in active if c.kind != ConsentKind.COUNSELING_NOTES]
    if not active:
        return Decision(False, Reason.NO_CONSENT, part2)
    naming = [c for c in active if _names_recipient(c, recipient)]
    if not naming:
        return Decision(False, Reason.WRONG_RECIPIENT, part2)
    for consent in naming:
        if _covers(consent, kinds):
            return Decision(True, Reason.CONSENT, part2, consent)
    return Decision(False, Reason.NOT_COVERED, part2)


def consents_covering(
    *, recipient: Recipient, content_kind: ContentKind | str, at: datetime
) -> QuerySet[Consent]:
    """Active consents (of any patient) that let ``content_kind`` go to ``recipient``."""
    kind = ContentKind(content_kind)
    names = Q(recipients=recipient)
    if recipient.kind in TPO_RECIPIENT_KINDS:
        names |= Q(kind=ConsentKind.TPO)
    consents = Consent.objects.active_at(at).filter(names, scopes__content_kind=kind)
    if kind == ContentKind.COUNSELING_NOTES:
        return consents.filter(kind=ConsentKind.COUNSELING_NOTES)
    return consents.exclude(kind=ConsentKind.COUNSELING_NOTES)


def part2_patients_disclosable_to(
    *, recipient: Recipient, content_kind: ContentKind | str, at: datetime
) -> QuerySet[Patient]:
    """The Part 2 patients whose records of ``content_kind`` the recipient may receive
    now: those with an active consent naming it and covering the kind. One query."""
    return part2_patients().filter(
        Exists(
            consents_covering(
                recipient=recipient, content_kind=content_kind, at=at
            ).filter(patient=OuterRef("pk"))
        )
    )


def patients_disclosable_to(
    *, recipient: Recipient, content_kind: ContentKind | str, at: datetime
) -> QuerySet[Patient]:
    """Every patient whose ``content_kind`` records may go to the recipient now: the
    non-Part 2 patients and the consented Part 2 ones (counseling notes: only under
    their own consent). Combine with the caller's own access scoping."""
    covered = Exists(
        consents_covering(recipient=recipient, content_kind=content_kind, at=at).filter(
            patient=OuterRef("pk")
        )
    )
    if ContentKind(content_kind) == ContentKind.COUNSELING_NOTES:
        return Patient.objects.filter(covered)
    return Patient.objects.filter(~part2_q() | covered)


# --- The notice -----------------------------------------------------------------


def notice_in_force(at: datetime) -> LegalText:
    """The §2.32 notice that accompanies a disclosure made at ``at``. Raises
    ``LegalText.DoesNotExist`` if none is stored, so nothing leaves without one."""
    return _latest(LegalTextKey.PART2_NOTICE, at)


def _latest(key: LegalTextKey, at: datetime) -> LegalText:
    text = (
        LegalText.objects.filter(key=key, effective_on__lte=timezone.localdate(at))
        .order_by("-effective_on")
        .first()
    )
    if text is None:
        raise LegalText.DoesNotExist(f"No {key.label} in force on {at:%Y-%m-%d}.")
    return text


def tpo_statements_in_force(at: datetime) -> LegalText:
    return _latest(LegalTextKey.TPO_STATEMENTS, at)
