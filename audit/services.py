"""Writing and checking the audit trail. Call ``record`` from selectors and services,
never from signals (signals miss reads, and writes made outside a request)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from audit.choices import Action
from audit.context import current_request
from audit.models import AuditEvent

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

GENESIS = "0" * 64
# Any constant will do: it names the one lock that orders the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x1A7D17


@dataclass(frozen=True)
class Entry:
    """One event to record; ``record_many`` writes a batch in one insert."""

    action: Action
    category: str
    patient: Patient | None = None
    object_id: str = ""
    detail: str = ""


def _digest(previous_hash: str, event: AuditEvent) -> str:
    payload = json.dumps(
        [
            previous_hash,
            event.occurred_at.isoformat(),
            event.actor_id,
            event.actor_label,
            event.patient_id,
            event.action,
            event.category,
            event.object_id,
            event.detail,
            str(event.request_id) if event.request_id else None,
            event.ip_address,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain_head() -> str:
    """Serialise writers so that each row hashes the one before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs writing transactions one at a time (IMMEDIATE mode) already.
    last = (
        AuditEvent.objects.order_by("-id").values_list("chain_hash", flat=True).first()
    )
    return last or GENESIS


def record_many(
    *, actor: Staff | None, entries: Iterable[Entry], actor_label: str = ""
) -> list[AuditEvent]:
    """Append events to the trail. ``actor_label`` names an actor who is not staff
    (``"patient"`` for the portal); otherwise the staff member's username or
    ``"system"``."""
    entries = list(entries)
    if not entries:
        return []
    context = current_request.get()
    now = timezone.now()
    with transaction.atomic():
        previous = _lock_chain_head()
        events = []
        for entry in entries:
            event = AuditEvent(
                occurred_at=now,
                actor=actor,
                actor_label=actor_label
                or (actor.get_username() if actor else "system"),
                patient=entry.patient,
                action=entry.action,
                category=entry.category,
                object_id=entry.object_id,
                detail=entry.detail[:500],
                request_id=context.request_id if context else None,
                ip_address=context.ip_address if context else None,
                previous_hash=previous,
            )
            event.chain_hash = previous = _digest(event.previous_hash, event)
            events.append(event)
        return AuditEvent.objects.bulk_create(events)


def record(
    *,
    actor: Staff | None,
    action: Action,
    category: str,
    patient: Patient | None = None,
    object_id: str = "",
    detail: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the trail (inside the caller's transaction, if any)."""
    entry = Entry(action, category, patient, object_id, detail)
    return record_many(actor=actor, entries=[entry], actor_label=actor_label)[0]


@dataclass(frozen=True)
class ChainCheck:
    events_checked: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainCheck:
    """Recompute every hash in order; the first row that does not match is reported.

    An edited row breaks its own hash; a removed row breaks its successor's link.
    """
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if (
            event.previous_hash != previous
            or _digest(previous, event) != event.chain_hash
        ):
            return ChainCheck(checked, event.id)
        previous = event.chain_hash
        checked += 1
    return ChainCheck(checked, None)
