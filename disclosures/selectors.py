"""Reads of consents and disclosures for a patient the caller already got through
``accounts.access`` (which audited the read). A fixed number of queries per page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from disclosures.models import (
    Consent,
    ConsentScope,
    Disclosure,
    PrivateNote,
    Recipient,
)

if TYPE_CHECKING:
    from accounts.models import Staff
    from ipt.models import CourseSession
    from patients.models import Patient

ACCOUNTING_YEARS = 3


def consents_for(patient: Patient) -> list[Consent]:
    return list(
        Consent.objects.filter(patient=patient)
        .defer("signature", "revocation_document")
        .prefetch_related(
            Prefetch("scopes", queryset=ConsentScope.objects.all()),
            Prefetch("recipients", queryset=Recipient.objects.all()),
        )
    )


def consent_for(patient: Patient, public_id: object) -> Consent:
    """Through the patient, so another patient's consent is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Consent.objects.prefetch_related("scopes", "recipients"),
        patient=patient,
        public_id=public_id,
    )


def accounting_since(at: datetime.datetime) -> datetime.datetime:
    """Three years back from ``at`` (a 29 February goes back to the 28th)."""
    try:
        return at.replace(year=at.year - ACCOUNTING_YEARS)
    except ValueError:
        return at.replace(year=at.year - ACCOUNTING_YEARS, day=28)


@dataclass(frozen=True)
class Accounting:
    """§2.25: every disclosure of the patient's records in the last three years."""

    patient: Patient
    since: datetime.datetime
    made_at: datetime.datetime
    disclosures: list[Disclosure]


def accounting(patient: Patient, at: datetime.datetime | None = None) -> Accounting:
    at = at or timezone.now()
    since = accounting_since(at)
    rows: QuerySet[Disclosure] = (
        Disclosure.objects.filter(
            patient=patient, disclosed_at__gte=since, disclosed_at__lte=at
        )
        .select_related("recipient", "consent", "disclosed_by")
        .defer("document", "consent__signature", "consent__revocation_document")
    )
    return Accounting(patient=patient, since=since, made_at=at, disclosures=list(rows))


def private_notes_readable(staff: Staff, session: CourseSession) -> list[PrivateNote]:
    """The private notes of a session this user may read: their own and those shared
    with them. Never anyone else's, whatever their role."""
    from django.db.models import Q

    return list(
        PrivateNote.objects.filter(session=session)
        .filter(Q(author=staff) | Q(shares__staff=staff))
        .select_related("author")
        .prefetch_related("shares__staff")
        .distinct()
    )
