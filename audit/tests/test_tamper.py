"""The audit trail detects any change, tried as someone with database access would:
edit a row and rehash every later one (without the key), delete the newest rows,
forge a checkpoint, delete on SQLite."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit import services as audit
from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoints(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "checkpoints.jsonl"
    settings.IPTCARE_AUDIT_CHECKPOINT_FILE = str(path)
    return path


def events(clinic: Clinic, count: int = 5) -> list[AuditEvent]:
    return [
        audit.record(
            actor=clinic.therapist_on_team,
            action=Action.VIEW,
            category="patient",
            patient=clinic.patient,
            object_id=str(n),
        )
        for n in range(count)
    ]


def drop_guards() -> None:
    """Someone with the database's owner rights (the test's transaction undoes it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def rehash_from(first_id: int, digest: Any) -> None:
    """Recompute every link from ``first_id`` on, as an attacker would."""
    previous = (
        AuditEvent.objects.filter(id__lt=first_id)
        .order_by("-id")
        .values_list("chain_hash", flat=True)
        .first()
        or audit.GENESIS
    )
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(id__gte=first_id).order_by("id"):
            new = digest(previous, event)
            cursor.execute(
                "UPDATE audit_auditevent SET previous_hash = %s, chain_hash = %s "
                "WHERE id = %s",
                [previous, new, event.id],
            )
            previous = new


def output(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def test_a_rewrite_rehashed_without_the_key_is_found(clinic: Clinic) -> None:
    rows = events(clinic)
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = 'someone-else' WHERE id = %s",
            [rows[2].id],
        )
    # the unkeyed hash the chain used to be, and an HMAC under a guessed key
    rehash_from(rows[2].id, audit._legacy_digest)
    assert audit.verify_chain().first_broken_id == rows[2].id

    def guessed(previous: str, event: AuditEvent) -> str:
        import hmac

        return hmac.new(
            b"guess", audit._payload(previous, event), hashlib.sha256
        ).hexdigest()

    rehash_from(rows[2].id, guessed)
    assert audit.verify_chain().first_broken_id == rows[2].id


def _copy_of(event: AuditEvent, **changes: Any) -> None:
    """A row inserted behind the application's back: ``event``'s columns, changed."""
    columns = [f.column for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    values = {
        f.column: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields
    }
    values.update(changes)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO audit_auditevent ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            [values[c] for c in columns],
        )


@pytest.mark.parametrize("where", ["after the head", "a second branch"])
def test_a_row_copied_or_a_fork_is_found_without_a_unique_link(
    clinic: Clinic, where: str
) -> None:
    """No unique index holds the links on PostgreSQL (decisions/0074): a row copied
    in whole after the head, or a branch written from an earlier link with the key,
    breaks the walk of the chain all the same."""
    rows = events(clinic)
    if where == "after the head" and connection.vendor == "sqlite":
        # SQLite keeps its unique index (migration 0005): the copy is refused.
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy_of(rows[-1])
    elif where == "after the head":
        _copy_of(rows[-1])  # the same link twice
        assert audit.verify_chain().first_broken_id not in {None, rows[-1].id}
    else:
        fork = AuditEvent(
            **{
                f.attname: getattr(rows[3], f.attname)
                for f in AuditEvent._meta.concrete_fields
                if not f.primary_key
            }
        )
        fork.object_id = "branch"
        fork.chain_hash = audit._digest(rows[2].chain_hash, fork)
        _copy_of(fork, object_id="branch", chain_hash=fork.chain_hash)
        check = audit.verify_chain()
        assert not check.intact and check.first_broken_id > rows[-1].id


def test_removing_the_newest_rows_shows_against_the_checkpoint(
    clinic: Clinic, checkpoints: Path
) -> None:
    rows = events(clinic)
    assert "Head matches the last checkpoint: no checkpoint yet" in output()
    assert checkpoints.read_text().count("\n") == 1  # audit_verify wrote one
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [rows[3].id])
    assert audit.verify_chain().intact  # the chain alone cannot see it
    with pytest.raises(CommandError):
        output()
    check = audit.checkpoint_check()
    assert check.head_matches is False
    assert f"event {rows[-1].id} is no longer there" in check.reason


def test_the_report_names_rows_checked_first_broken_row_and_the_head(
    clinic: Clinic,
) -> None:
    rows = events(clinic, 3)
    audit.checkpoint_write()
    report = output()
    assert "Rows checked: 3" in report
    assert "First broken row: none" in report
    assert "Head matches the last checkpoint" in report and ": yes" in report
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", [rows[1].id]
        )
    with pytest.raises(CommandError):
        output()
    assert audit.verify_chain().first_broken_id == rows[1].id


def test_a_forged_checkpoint_is_refused(clinic: Clinic, checkpoints: Path) -> None:
    events(clinic, 2)
    audit.checkpoint_write()
    line = json.loads(checkpoints.read_text().splitlines()[-1])
    line.update(head_id=1, events=1, signature="0" * 64)
    with checkpoints.open("a") as file:
        file.write(json.dumps(line) + "\n")
    check = audit.checkpoint_check()
    assert check.forged_lines == 1
    assert check.head_matches is True  # judged by the last *valid* checkpoint
    with pytest.raises(CommandError):
        output()


def test_rows_from_before_the_key_pass_only_as_the_first_stretch(
    clinic: Clinic,
) -> None:
    rows = events(clinic, 4)
    drop_guards()
    rehash_from(rows[0].id, audit._legacy_digest)  # a trail written before the key
    rehash_from(rows[2].id, audit._digest)  # …and keyed rows after it
    check = audit.verify_chain()
    assert check.intact and check.legacy_events == 2
    # an unkeyed row after a keyed one is a rewrite
    rehash_from(rows[3].id, audit._legacy_digest)
    assert audit.verify_chain().first_broken_id == rows[3].id


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_refuses_a_delete_that_bypasses_the_model(clinic: Clinic) -> None:
    event = events(clinic, 1)[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_erasure_permit")
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_periodic_task_writes_a_checkpoint(
    clinic: Clinic, checkpoints: Path
) -> None:
    from audit.tasks import audit_checkpoint

    rows = events(clinic, 2)
    audit_checkpoint.call_local()
    assert json.loads(checkpoints.read_text())["head_id"] == rows[-1].id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_indexes_the_trail_only_as_it_is_read() -> None:
    """By id, time, reader and patient; no unique link, no keys (migrations 0004,
    0005): an append writes those four indexes and nothing else."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "audit_auditevent")
    assert sorted(
        (tuple(c["columns"]), bool(c["unique"]))
        for c in found.values()
        if c["index"] or c["unique"] or c["foreign_key"]
    ) == [
        (("actor_id",), False),
        (("id",), True),
        (("occurred_at",), False),
        (("patient_id", "occurred_at"), False),
    ]
