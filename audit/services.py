"""Writing and checking the audit trail. Call ``record`` from selectors and services,
never from signals (signals miss reads, and writes made outside a request)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import CharField, DateTimeField, Field, ForeignKey, Model
from django.db.models.sql import InsertQuery
from django.utils import timezone

from audit.choices import Action
from audit.context import current_request
from audit.models import AuditEvent
from iptcare.lib import kept_pages
from iptcare.lib.bulk import insert_rows

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

GENESIS = "0" * 64
# Any constant will do: it names the one lock that orders the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x1A7D17


@dataclass(frozen=True)
class Entry:
    """One event to record; ``record_many`` writes a batch in one insert.
    ``patient_id`` names the patient by key alone, when no ``patient`` is at hand (a
    list that read no patient row, decisions/0067; a kept page's reads, recorded again
    each time it is sent: iptcare.lib.kept_pages)."""

    action: Action
    category: str
    patient: Patient | None = None
    object_id: str = ""
    detail: str = ""
    patient_id: int | None = None  # a model row per entry costs more than the row

    @property
    def patient_key(self) -> int | None:
        return self.patient.pk if self.patient is not None else self.patient_id


# One encoder for every row: ``json.dumps`` with separators builds a new one per call.
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def _payload(previous_hash: str, event: _Row | AuditEvent) -> bytes:
    return _COMPACT.encode(
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
        ]
    ).encode()


def _key() -> bytes:
    return str(settings.IPTCARE_AUDIT_KEY).encode()


def _digest(previous_hash: str, event: _Row | AuditEvent, key: bytes = b"") -> str:
    """The row's link: an HMAC under ``IPTCARE_AUDIT_KEY`` (from the environment,
    never in the database), so a rewritten row cannot be rehashed without the key.
    ``key``: the key, read once by a caller that links many rows."""
    return hmac.digest(key or _key(), _payload(previous_hash, event), "sha256").hex()


def _legacy_digest(previous_hash: str, event: _Row | AuditEvent) -> str:
    """The unkeyed hash of rows written before the key (decision 0015): accepted only
    as the chain's first stretch, before any keyed row."""
    return hashlib.sha256(_payload(previous_hash, event)).hexdigest()


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


@dataclass(slots=True)
class _Row:
    """One row of the trail as it is appended: its columns, by the model's attribute
    names, and no model instance (a list appends a row per patient shown, and making
    an ``AuditEvent`` for each cost more than the row's own work, decisions/0072)."""

    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    patient_id: int | None
    action: str
    category: str
    object_id: str
    detail: str
    request_id: uuid.UUID | None
    ip_address: str | None
    previous_hash: str = ""
    chain_hash: str = ""
    id: int | None = None


def record_many(
    *, actor: Staff | None, entries: Iterable[Entry], actor_label: str = ""
) -> list[int]:
    """Append events to the trail, in one insert; returns the new rows' ids.
    ``actor_label`` names an actor who is not staff (``"patient"`` for the portal);
    otherwise the staff member's username or ``"system"``."""
    entries = list(entries)
    if not entries:
        return []
    return [row.id for row in _append(actor, entries, actor_label)]  # type: ignore[misc]


def _append(actor: Staff | None, entries: list[Entry], actor_label: str) -> list[_Row]:
    # A kept page sends again what it read when rendered: it reads it again, so the
    # same rows are recorded each time it is sent (iptcare.lib.kept_pages).
    kept_pages.audited_while_kept(actor, entries, actor_label)
    context = current_request.get()
    now = timezone.now()
    label = actor_label or (actor.get_username() if actor else "system")
    actor_id = actor.pk if actor else None  # once: ``request.user`` is a lazy object
    request_id = context.request_id if context else None
    ip_address = context.ip_address if context else None
    rows = [
        _Row(
            occurred_at=now,
            actor_id=actor_id,
            actor_label=label,
            patient_id=entry.patient_key,
            action=entry.action,
            category=entry.category,
            object_id=entry.object_id,
            detail=entry.detail[:500],
            request_id=request_id,
            ip_address=ip_address,
        )
        for entry in entries
    ]
    if _may_append_in_two_messages():
        _append_in_two_messages(rows)
        return rows
    with transaction.atomic():
        _chain(rows, _lock_chain_head())
        events = AuditEvent.objects.bulk_create([_event(row) for row in rows])
    for row, event in zip(rows, events, strict=True):
        row.id = event.pk
    return rows


def _event(row: _Row) -> AuditEvent:
    return AuditEvent(**{name: getattr(row, name) for name in _Row.__slots__})


def _chain(rows: Sequence[_Row | AuditEvent], previous: str) -> None:
    key = _key()
    for row in rows:
        row.previous_hash = previous
        row.chain_hash = previous = _digest(previous, row, key)


def _may_append_in_two_messages() -> bool:
    """PostgreSQL, outside any transaction (a page's read: its own audit row is the
    request's only write), with client-side binding, which sends several statements
    in one message (Django's default)."""
    return _outside_a_transaction_on_postgresql() and issubclass(
        connection.connection.cursor_factory, psycopg.ClientCursor
    )


def _outside_a_transaction_on_postgresql() -> bool:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    connection.ensure_connection()
    return connection.get_autocommit()  # else someone's transaction is open after all


def _append_in_two_messages(rows: list[_Row]) -> None:
    """The rows of one read, appended in two round trips instead of five (``BEGIN``,
    the chain lock, the head, the insert, ``COMMIT``; decisions/0065): the transaction,
    the lock and the head in one message, the insert and the commit in the other.
    PostgreSQL runs each statement of a message under a snapshot of its own, so the
    head is read after the lock is held, as before. Django's connection stays in
    autocommit throughout; a failure before the audit commit rolls the transaction
    back before it is raised (a failure of the flush after it is raised with the rows
    appended: audited, and the page not shown).

    The chain's lock is held until the commit, and a commit waits for the log to
    reach the disk: one chain would append one read per disk flush, for the whole
    service (decisions/0073). So the transaction commits without waiting, which frees
    the lock at once, and the same message then waits for the flush (``_FLUSHED``):
    the reader is answered only once their audit rows are on disk, as before, and
    flushes of writers side by side are shared. A row appended after this one and
    committed is later in the log: a crash can lose only a newest stretch of the
    chain, whose readers were not yet answered, never a link in the middle."""
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                "BEGIN; SET LOCAL synchronous_commit TO off; "
                "SELECT pg_advisory_xact_lock(%s); "
                "SELECT chain_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1",
                [_CHAIN_LOCK_KEY],
            )
            cursor.nextset()  # the setting
            cursor.nextset()  # the lock's row
            cursor.nextset()
            head = cursor.fetchone()
            _chain(rows, head[0] if head else GENESIS)
            insert, params = _insert_statement(rows)
            cursor.execute(f"{insert}; COMMIT; {_FLUSHED}", params)
            ids = [found[0] for found in cursor.fetchall()]
        except BaseException:
            with connection.cursor() as rollback:
                rollback.execute("ROLLBACK")
            raise
    for row, pk in zip(rows, ids, strict=True):
        row.id = pk


# A transaction that writes one log record (a logical message, which any role may
# write and nothing reads) and commits synchronously: it returns once the log is on
# disk up to it, and with it every commit before it.
_FLUSHED = (
    "BEGIN; SELECT pg_logical_emit_message(true, 'iptcare.audit.flushed', ''); COMMIT"
)


def _flush_log() -> None:
    """PostgreSQL, outside a transaction: return once the log is on disk up to now,
    the newest reads' audit rows included (decisions/0073). Inside a transaction
    (whose own commit will flush) and on SQLite there is nothing to wait for here."""
    if not _outside_a_transaction_on_postgresql():
        return
    with connection.cursor() as cursor:
        cursor.execute(_FLUSHED)


def _insert_statement(rows: Sequence[_Row | AuditEvent]) -> tuple[str, list[Any]]:
    """``INSERT … RETURNING id`` for ``rows``.

    A list's page appends a row per patient shown. On PostgreSQL the rows go as one
    parameter, a JSON array of arrays, which the statement takes apart in order: one
    string to quote and the same text for any number of rows, built once. A list per
    column (``UNNEST``, as ``bulk_create`` sends it) made the client quote every value
    of every list, each by a regular expression: 25 rows cost 1.7 ms of CPU in the
    client, now 0.8 (decisions/0074). The array is read as ``jsonb``, parsed once; as
    ``json`` each column's value parsed its row again, and cost the server more than
    the client saved. The values stored are the ones ``bulk_create`` stores
    (``test_the_json_insert_stores_what_bulk_create_stores``)."""
    if connection.vendor != "postgresql":
        return _compiled_insert([_event(r) if isinstance(r, _Row) else r for r in rows])
    converters = _JSON_COLUMNS
    converted: dict[tuple[int, Any], Any] = {}  # most values are the batch's own
    batch = []
    for row in rows:
        values = []
        for n, (name, convert) in enumerate(converters):
            value = getattr(row, name)
            if convert is not None and value is not None:
                key = (n, value)
                if key not in converted:
                    converted[key] = convert(value)
                value = converted[key]
            values.append(value)
        batch.append(values)
    return _json_insert(connection.alias), [_COMPACT.encode(batch)]


def _json_converter(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a column's value goes into the JSON: text and keys as they are; a time in
    ISO form; an address or a UUID as the field prepares it, as text."""
    if isinstance(field, DateTimeField):
        return lambda value: field.get_prep_value(value).isoformat()
    if isinstance(field, CharField | ForeignKey):
        return None

    def prepared(value: Any) -> str | None:
        # An empty address or id is stored as NULL, as Django's adapters store it.
        found = field.get_prep_value(value)
        return str(found) if found not in (None, "") else None

    return prepared


_INSERTED_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_JSON_COLUMNS = [(f.attname, _json_converter(f)) for f in _INSERTED_FIELDS]


@cache
def _json_insert(alias: str) -> str:
    """PostgreSQL's insert of a JSON array of rows, in the array's order. Text is not
    cast: a value too long for its column is refused, as by any insert, not cut."""
    target = connections[alias]
    quote = target.ops.quote_name
    columns = []
    values = []
    for n, field in enumerate(_INSERTED_FIELDS):
        columns.append(quote(field.column))
        if isinstance(field, CharField):
            values.append(f"r->>{n}")
        else:
            values.append(f"(r->>{n})::{field.db_type(target)}")
    table = quote(AuditEvent._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names
        f"SELECT {', '.join(values)} "
        "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS listed(r, n) "
        f"ORDER BY n RETURNING {table}.{quote(AuditEvent._meta.pk.column)}"
    )


def _compiled_insert(events: list[AuditEvent]) -> tuple[str, list[Any]]:
    """The insert as Django's ``bulk_create`` compiles it."""
    query = InsertQuery(AuditEvent)
    query.insert_values(_INSERTED_FIELDS, list[Model](events))
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [AuditEvent._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


_HISTORY_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "patient_id",
    "action",
    "category",
    "object_id",
    "detail",
    "previous_hash",
    "chain_hash",
)


def record_history(events: Iterable[tuple[datetime, Staff | None, Entry]]) -> int:
    """Append past events, in the order given, each at its own time: the demo clinic's
    year of reads, so that the trail is as long as a service's. Refused under production
    settings, where nothing is ever written with a time other than now. Chained and keyed
    as ``record_many`` chains them, inserted in one statement (``COPY`` on PostgreSQL)
    per 5,000 rows; returns the number written."""
    if settings.PRODUCTION:
        raise RuntimeError("Past audit events are written only for the demo clinic.")
    written = 0
    key = _key()
    with transaction.atomic():
        previous = _lock_chain_head()
        rows: list[tuple[Any, ...]] = []
        for when, actor, entry in events:
            # In UTC, as the database gives it back: the hash covers the time's text.
            occurred_at = when.astimezone(UTC)
            event = _Row(
                occurred_at=occurred_at,
                actor_id=actor.pk if actor else None,
                actor_label=actor.get_username() if actor else "system",
                patient_id=entry.patient_key,
                action=entry.action,
                category=entry.category,
                object_id=entry.object_id,
                detail=entry.detail[:500],
                request_id=None,
                ip_address=None,
                previous_hash=previous,
            )
            event.chain_hash = previous = _digest(event.previous_hash, event, key)
            values = [getattr(event, column) for column in _HISTORY_COLUMNS]
            values[0] = connection.ops.adapt_datetimefield_value(occurred_at)
            rows.append(tuple(values))
            if len(rows) == 5000:
                insert_rows(AuditEvent._meta.db_table, _HISTORY_COLUMNS, rows)
                written, rows = written + len(rows), []
        if rows:
            insert_rows(AuditEvent._meta.db_table, _HISTORY_COLUMNS, rows)
            written += len(rows)
    return written


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
    [row] = _append(actor, [entry], actor_label)
    event = _event(row)
    event._state.adding = False
    event._state.db = connection.alias
    if patient is not None:
        event.patient = patient  # its callers read it without a query
    if actor is not None:
        event.actor = actor
    return event


def record_listed(
    *,
    actor: Staff,
    category: str,
    detail: str,
    shown: Iterable[tuple[int, object]],
) -> None:
    """A list's page read by ``actor``: a ``LIST`` row for each of its rows, naming
    the row's patient by key and the row by its public id (``shown``: pairs of the
    two). A list reads no patient row, so none is made here either (decisions/0067)."""
    record_many(
        actor=actor,
        entries=[
            Entry(
                Action.LIST,
                category,
                object_id=str(public_id),
                detail=detail,
                patient_id=patient_id,
            )
            for patient_id, public_id in shown
        ],
    )


@dataclass(frozen=True)
class ChainCheck:
    events_checked: int
    first_broken_id: int | None
    # Rows from before the key, checked by their unkeyed hash (decision 0015).
    legacy_events: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainCheck:
    """Recompute every link in order; the first row that does not match is reported.

    An edited row breaks its own HMAC (and cannot be rehashed without the key); a
    removed row breaks its successor's link; removed newest rows are caught by the
    checkpoints (``checkpoint_check``). Unkeyed rows pass only before the first keyed
    one: the trail written before the key.
    """
    previous = GENESIS
    checked = legacy = 0
    keyed_seen = False
    head_id: int | None = None
    key = _key()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            return ChainCheck(checked, event.id, legacy, head_id, previous)
        if hmac.compare_digest(_digest(previous, event, key), event.chain_hash):
            keyed_seen = True
        elif not keyed_seen and _legacy_digest(previous, event) == event.chain_hash:
            legacy += 1
        else:
            return ChainCheck(checked, event.id, legacy, head_id, previous)
        previous = event.chain_hash
        head_id = event.id
        checked += 1
    return ChainCheck(checked, None, legacy, head_id, previous)


# --- Checkpoints: the chain's head, signed, kept outside the database ----------------

checkpoint_log = logging.getLogger("iptcare.audit.checkpoint")


@dataclass(frozen=True)
class Checkpoint:
    at: str
    head_id: int | None
    head_hash: str
    events: int

    def _message(self) -> bytes:
        return f"{self.at}|{self.head_id}|{self.head_hash}|{self.events}".encode()

    def signature(self) -> str:
        return hmac.new(_key(), self._message(), hashlib.sha256).hexdigest()


def _head() -> tuple[int | None, str, int]:
    last = AuditEvent.objects.order_by("-id").values_list("id", "chain_hash").first()
    if last is None:
        return None, GENESIS, 0
    return last[0], last[1], AuditEvent.objects.count()


def checkpoint_write(*, head: tuple[int | None, str, int] | None = None) -> Checkpoint:
    """Append a signed checkpoint of the chain's head to
    ``IPTCARE_AUDIT_CHECKPOINT_FILE`` and to the checkpoint logger (a log sink): the
    newest row's id and link and the number of rows. Run by a Huey periodic task and
    by ``audit_verify``."""
    head_id, head_hash, events = head or _head()
    # A read's audit row is seen as soon as it is committed, a moment before it is on
    # disk: the signed line, outside the database, must never name a row that a
    # crash in that moment could lose (decisions/0073).
    _flush_log()
    point = Checkpoint(timezone.now().isoformat(), head_id, head_hash, events)
    line = json.dumps(
        {
            "at": point.at,
            "head_id": point.head_id,
            "head_hash": point.head_hash,
            "events": point.events,
            "signature": point.signature(),
        },
        separators=(",", ":"),
    )
    path = Path(settings.IPTCARE_AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:  # append only, never rewritten
        file.write(line + "\n")
    checkpoint_log.info("audit checkpoint %s", line)
    return point


@dataclass(frozen=True)
class CheckpointCheck:
    """How the trail's head compares with the last valid checkpoint."""

    checkpoint: Checkpoint | None
    head_matches: bool | None  # None: no checkpoint yet
    forged_lines: int  # lines whose signature does not verify
    reason: str = ""


def _checkpoints() -> tuple[list[Checkpoint], int]:
    path = Path(settings.IPTCARE_AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return [], 0
    points: list[Checkpoint] = []
    forged = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(raw)
            point = Checkpoint(
                str(data["at"]),
                data["head_id"],
                str(data["head_hash"]),
                int(data["events"]),
            )
            valid = hmac.compare_digest(point.signature(), str(data["signature"]))
        except (ValueError, KeyError, TypeError):
            valid = False
        if valid:
            points.append(point)
        elif raw.strip():
            forged += 1
    return points, forged


def checkpoint_check() -> CheckpointCheck:
    """Whether the rows the last valid checkpoint saw are all still there, unchanged:
    its head row exists with the same link, and as many rows lead up to it."""
    points, forged = _checkpoints()
    if not points:
        return CheckpointCheck(None, None, forged, "no checkpoint yet")
    point = points[-1]
    if point.head_id is None:
        return CheckpointCheck(point, True, forged)
    row = AuditEvent.objects.filter(id=point.head_id).values_list("chain_hash").first()
    if row is None:
        return CheckpointCheck(
            point, False, forged, f"event {point.head_id} is no longer there"
        )
    if row[0] != point.head_hash:
        return CheckpointCheck(
            point, False, forged, f"event {point.head_id} has a different link"
        )
    before = AuditEvent.objects.filter(id__lte=point.head_id).count()
    if before != point.events:
        return CheckpointCheck(
            point,
            False,
            forged,
            f"{point.events} events led to it, now {before}",
        )
    return CheckpointCheck(point, True, forged)
