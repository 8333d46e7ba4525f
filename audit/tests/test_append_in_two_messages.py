"""On PostgreSQL a read's audit rows are appended outside any transaction in two round
trips — the transaction, the chain lock and the head in one message, the insert and
the commit in the other (decisions/0065) — and the chain stays whole: under writers
side by side, after a refused row, and beside writes in a transaction of their own."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from audit import services as audit
from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from patients.models import Patient

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
    missing = Patient(pk=987654321)  # its key is checked at the commit
    with pytest.raises(DatabaseError):
        audit.record(
            actor=None, action=Action.VIEW, category="patient", patient=missing
        )
    assert connection.get_autocommit()
    assert not AuditEvent.objects.filter(patient_id=987654321).exists()
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
