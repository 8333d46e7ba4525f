"""What may leave IPT Care through the FHIR API and bulk export: the ONE place every
resource query passes through, so the disclosure rules (``disclosures.rules``, issue
#15; docs/decisions/0022) apply to reads, searches and exports alike.

- **Part 2 (42 CFR Part 2).** A client's records go to its ``recipient``. A Part 2
  patient's records of a content kind reach a client only under an active consent
  naming that recipient and covering the kind (``patients_disclosable_to``); for a
  client without a recipient no Part 2 record leaves at all. Withheld records do not
  exist for the client (404, absent from searches and exports). What does leave is
  labelled ``42CFRPart2`` (``meta.security``), carries the §2.32 notice in force, and
  is written to the accounting of disclosures (one ``Disclosure`` per patient per
  response or export chunk, channel "FHIR API").
- **Private process notes** never leave: no resource maps them.
- Staff reading with their own session see what their pages show them (the care-team
  rules); that is use inside the program, not a disclosure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from disclosures import rules
from disclosures.choices import Channel, ContentKind
from disclosures.models import Disclosure
from patients.models import Patient

if TYPE_CHECKING:
    from interop.requester import Requester

PART2_NOTICE = "urn:iptcare:ext:part2-notice"
"""Extension (on ``meta``) holding the §2.32 notice a Part 2 resource travels with."""


def content_kind(resource_type: str) -> ContentKind:
    """The content kind of a resource type; an unknown type is refused (the rule's
    ``UnknownContent``), so nothing leaves unclassified."""
    return rules.content_kind_for_fhir(resource_type)


def releasable(
    patients: QuerySet[Patient], requester: Requester, resource_type: str
) -> QuerySet[Patient]:
    """The patients of ``patients`` whose ``resource_type`` records may go to the
    requester now."""
    client = requester.client
    if client is None:
        return patients
    if client.recipient is None:
        return patients.exclude(rules.part2_q())
    allowed = rules.patients_disclosable_to(
        recipient=client.recipient,
        content_kind=content_kind(resource_type),
        at=timezone.now(),
    )
    return patients.filter(pk__in=allowed.values("pk"))


def release(
    requester: Requester,
    resource_type: str,
    batches: Iterable[tuple[Patient | None, list[dict[str, Any]]]],
) -> None:
    """Label the Part 2 resources of a response (in place) with the security label and
    the notice, and account for their disclosure. A few queries whatever the size."""
    client = requester.client
    batches = [(p, r) for p, r in batches if p is not None and r]
    if client is None or client.recipient is None or not batches:
        return
    ids = {patient.pk for patient, _ in batches if patient is not None}
    part2 = set(rules.part2_patients().filter(pk__in=ids).values_list("pk", flat=True))
    if not part2:
        return
    at = timezone.now()
    notice = rules.notice_in_force(at)
    kind = content_kind(resource_type)
    consents = {
        consent.patient_id: consent
        for consent in rules.consents_covering(
            recipient=client.recipient, content_kind=kind, at=at
        ).filter(patient_id__in=part2)
    }
    meta = {
        "security": [dict(rules.PART2_SECURITY_LABEL)],
        "extension": [{"url": PART2_NOTICE, "valueString": notice.text}],
    }
    accounted: dict[int, Disclosure] = {}
    for patient, resources in batches:
        if patient is None or patient.pk not in part2:
            continue
        for resource in resources:
            resource["meta"] = {**resource.get("meta", {}), **meta}
        accounted.setdefault(
            patient.pk,
            Disclosure(
                patient=patient,
                recipient=client.recipient,
                consent=consents.get(patient.pk),
                content_kinds=[str(kind)],
                description=f"FHIR API: {resource_type} resources",
                part2=True,
                channel=Channel.API,
                notice=notice,
                disclosed_by_label=client.label,
                disclosed_at=at,
            ),
        )
    Disclosure.objects.bulk_create(accounted.values())
