"""On PostgreSQL a read's audit rows are appended outside any transaction in two round
trips — the transaction, the chain lock and the head in one message, the insert and
the commit in the other (decisions/0065) — and the chain stays whole: under writers
side by side, after a refused row, and beside writes in a transaction of their own."""

from __future__ import annotations

import threading
import uuid
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from audit.models import AuditEvent
from audit.services import _FLUSHED, _insert_statement
from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from portal.models import QuestionnaireResponse
from portal.tests.conftest import sign_in_patient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the two messages are PostgreSQL's"
    ),
]


def _read(clinic: Clinic, object_id: str = "") -> AuditEvent:
    return audit.record(
        actor=clinic.therapist_on_team,
        action=Action.VIEW,
        category="patient",
        patient=clinic.patient,
        object_id=object_id,
    )


def test_a_read_is_appended_in_two_round_trips(clinic: Clinic) -> None:
    first = _read(clinic, "1")
    with CaptureQueriesContext(connection) as statements:
        second = _read(clinic, "2")
    assert len(statements) == 2
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert second.pk is not None and second.pk > first.pk
    assert AuditEvent.objects.get(pk=second.pk).previous_hash == first.chain_hash
    assert audit.verify_chain().intact


def test_the_chain_is_let_go_before_the_flush_and_the_reader_waits_for_it(
    clinic: Clinic,
) -> None:
    """The audit transaction commits without waiting for the disk, so the chain's
    lock is free for the next writer at once; the same message then commits a
    transaction of its own synchronously, which returns only once the log is on disk
    up to it, this commit included (decisions/0073). Nothing else is asynchronous: the
    setting ends with the audit transaction."""
    with CaptureQueriesContext(connection) as statements:
        _read(clinic)
    first, second = (query["sql"] for query in statements.captured_queries)
    assert first.startswith("BEGIN; SET LOCAL synchronous_commit TO off;")
    insert, flushed = second.split("; COMMIT; ", 1)
    assert insert.startswith("INSERT INTO")
    assert flushed == (
        "BEGIN; SELECT pg_logical_emit_message(true, 'iptcare.audit.flushed', ''); "
        "COMMIT"
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    assert audit.verify_chain().intact


def test_writers_side_by_side_keep_one_chain(clinic: Clinic) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                _read(clinic, f"{n}-{i}")
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = audit.verify_chain()
    assert check.intact
    assert check.events_checked == AuditEvent.objects.count() == 60


def test_a_refused_row_leaves_nothing_and_the_next_read_is_audited(
    clinic: Clinic,
) -> None:
    _read(clinic, "before")
    with pytest.raises(DatabaseError):  # longer than the column: the insert fails
        _read(clinic, "x" * 65)
    assert connection.get_autocommit()
    assert not AuditEvent.objects.filter(object_id__startswith="xx").exists()
    _read(clinic, "after")
    assert AuditEvent.objects.count() == 2
    assert audit.verify_chain().intact


def test_inside_a_transaction_the_rows_go_with_it(clinic: Clinic) -> None:
    _read(clinic, "kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        _read(clinic, "undone")
        raise RuntimeError("the change fails")
    assert list(AuditEvent.objects.values_list("object_id", flat=True)) == ["kept"]
    _read(clinic, "next")
    assert audit.verify_chain().intact


def test_the_portal_question_page_writes_one_row_per_view(
    client: Client, clinic: Clinic
) -> None:
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    sign_in_patient(client, clinic.patient)
    started = client.post(reverse("portal:questionnaire-start", args=["phq9"]))
    assert started.status_code == 302
    draft = QuestionnaireResponse.objects.get(instrument_id="phq9")
    url = reverse("portal:question", args=[draft.public_id, 1])
    rows = AuditEvent.objects.filter(category="portal_questionnaire")
    before = rows.count()
    for views in (1, 2):
        page = client.get(url)
        assert page.status_code == 200
        assert page["Cache-Control"] == "no-store"
        assert rows.count() == before + views
    event = rows.order_by("-id").first()
    assert event is not None
    assert (event.actor_label, event.patient_id, event.object_id) == (
        "patient",
        clinic.patient.pk,
        str(draft.public_id),
    )
    assert str(event.request_id) == page["X-Request-ID"]
    assert audit.verify_chain().intact


def test_with_autocommit_turned_off_the_rows_wait_for_that_transaction(
    clinic: Clinic,
) -> None:
    connection.set_autocommit(False)
    try:
        _read(clinic, "undone")
        connection.rollback()
    finally:
        connection.set_autocommit(True)
    assert not AuditEvent.objects.filter(object_id="undone").exists()
    _read(clinic, "next")
    assert audit.verify_chain().intact


_AWKWARD_TEXT = [
    'O\'Brien \\ "quoted" %s %(name)s {0}',
    "'); DROP TABLE audit_auditevent; --",
    "Zoë, Łukasz, 山田, مريم 😀 \u2028 line\nbreak\ttab",
    "\\u0000 is written, not a NUL",
    "",
]


@pytest.mark.parametrize("rows", [1, 2, 25])
def test_the_json_insert_stores_what_bulk_create_stores(
    clinic: Clinic, rows: int
) -> None:
    """The audit rows go to PostgreSQL as one JSON parameter (decisions/0074): every
    column stores what ``bulk_create`` stores from the same values, in the order given
    — text of every kind (quotes, backslashes, placeholders, scripts, newlines), no
    patient and no reader, an address written long, a time in another zone."""
    far = zoneinfo.ZoneInfo("Pacific/Chatham")
    events = [
        AuditEvent(
            occurred_at=timezone.now().astimezone(far)
            if n % 4 == 3
            else timezone.now(),
            actor=clinic.therapist_on_team if n % 2 else None,
            actor_label=_AWKWARD_TEXT[n % len(_AWKWARD_TEXT)][:150],
            patient_id=clinic.patient.pk if n % 3 else None,
            action=Action.LIST,
            category="patient",
            object_id=str(uuid.uuid4()),
            detail=_AWKWARD_TEXT[(n + 1) % len(_AWKWARD_TEXT)],
            request_id=uuid.uuid4() if n % 2 else None,
            ip_address=("2001:0db8:0000:0000:0000:0000:0000:0001", "192.0.2.7", None)[
                n % 3
            ],
            previous_hash=f"{n:064x}",
            chain_hash=f"{n + 1:064x}",
        )
        for n in range(rows)
    ]
    sql, params = _insert_statement(events)
    assert _insert_statement(events)[0] is sql  # built once
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [found[0] for found in cursor.fetchall()]
    assert ids == sorted(ids) and len(ids) == rows
    for event in events:
        event.chain_hash = "b" + event.chain_hash[1:]  # links differ, as in a chain
    AuditEvent.objects.bulk_create(events)
    columns = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname != "id"]
    stored = list(AuditEvent.objects.order_by("id").values_list(*columns))
    by_json, by_django = stored[:rows], stored[rows:]
    chain = columns.index("chain_hash")
    for json_row, django_row in zip(by_json, by_django, strict=True):
        assert json_row[:chain] == django_row[:chain]
        assert json_row[chain][1:] == django_row[chain][1:]


def test_text_too_long_for_its_column_is_refused_not_cut(clinic: Clinic) -> None:
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_label="x" * 151,
        action=Action.VIEW,
        category="patient",
        previous_hash="0" * 64,
        chain_hash="1" * 64,
    )
    sql, params = _insert_statement([event])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    assert not AuditEvent.objects.exists()


def test_a_list_audits_its_patients_by_key(clinic: Clinic) -> None:
    """A kept list names its patients by key alone (decisions/0067): the rows are the
    ones an instance would have written, and the chain stays whole."""
    [by_key, by_instance] = audit.record_many(
        actor=clinic.therapist_on_team,
        entries=[
            audit.Entry(Action.LIST, "patient", patient_id=clinic.patient.pk),
            audit.Entry(Action.LIST, "patient", patient=clinic.patient),
        ],
    )
    assert AuditEvent.objects.get(pk=by_key).patient_id == clinic.patient.pk
    assert AuditEvent.objects.get(pk=by_instance).patient_id == clinic.patient.pk
    assert audit.verify_chain().intact


def test_a_checkpoint_names_only_rows_on_disk(
    clinic: Clinic, settings: Any, tmp_path: Path
) -> None:
    """A read's audit row is seen once committed, a moment before it is on disk; the
    signed checkpoint, written outside the database, is written only after the log
    is flushed past the head it names (decisions/0073)."""
    settings.IPTCARE_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    event = _read(clinic)
    with CaptureQueriesContext(connection) as statements:
        point = audit.checkpoint_write()
    sent = [query["sql"] for query in statements.captured_queries]
    assert point.head_id == event.pk
    flushed = sent.index(_FLUSHED)
    assert any("audit_auditevent" in sql for sql in sent[:flushed])  # the head first
    assert audit.checkpoint_check().head_matches
