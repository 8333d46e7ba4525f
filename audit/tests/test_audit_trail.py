"""The audit trail is append-only and tamper-evident."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit import services as audit
from audit.choices import Action
from audit.models import AppendOnlyError, AuditEvent
from conftest import Clinic


def _three_events(clinic: Clinic) -> list[AuditEvent]:
    return [
        audit.record(
            actor=clinic.therapist_on_team,
            action=Action.VIEW,
            category="patient",
            patient=clinic.patient,
        )
        for _ in range(3)
    ]


def test_each_event_hashes_the_one_before(clinic: Clinic) -> None:
    first, second, third = _three_events(clinic)
    assert second.previous_hash == first.chain_hash
    assert third.previous_hash == second.chain_hash
    assert audit.verify_chain().intact


def test_an_event_records_who_what_when_and_which_patient(clinic: Clinic) -> None:
    event = audit.record(
        actor=clinic.supervisor,
        action=Action.UPDATE,
        category="patient",
        patient=clinic.patient,
        detail="fields: phone",
    )
    event.refresh_from_db()
    assert event.actor_label == clinic.supervisor.username
    assert event.patient == clinic.patient
    assert event.occurred_at is not None
    assert event.get_action_display() == "Changed"


def test_the_model_refuses_changes_and_deletes(clinic: Clinic) -> None:
    event = _three_events(clinic)[0]
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_that_bypasses_the_model(clinic: Clinic) -> None:
    event = _three_events(clinic)[0]
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["x", event.pk]
        )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_a_delete_that_bypasses_the_model(clinic: Clinic) -> None:
    event = _three_events(clinic)[0]
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def _drop_guards() -> None:
    """Simulate someone with database superuser rights (the test rolls it back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")


def test_verification_finds_an_altered_event(clinic: Clinic) -> None:
    # given
    _, second, _ = _three_events(clinic)
    _drop_guards()
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
            ["someone-else", second.pk],
        )
    # then
    check = audit.verify_chain()
    assert check.first_broken_id == second.pk
    with pytest.raises(CommandError, match=f"broken at event {second.pk}"):
        call_command("audit_verify")


def test_verification_finds_a_removed_event(clinic: Clinic) -> None:
    _, second, third = _three_events(clinic)
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    assert audit.verify_chain().first_broken_id == third.pk


def test_the_command_reports_an_intact_trail(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _three_events(clinic)
    call_command("audit_verify")
    assert "intact: 3 events" in capsys.readouterr().out


def test_a_batch_is_one_chain_in_one_insert(
    clinic: Clinic, django_assert_max_num_queries: object
) -> None:
    entries = [
        audit.Entry(Action.LIST, "patient", clinic.patient, str(i)) for i in range(20)
    ]
    # savepoint, chain lock (PostgreSQL), last hash, one insert, release
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        audit.record_many(actor=clinic.supervisor, entries=entries)
    assert audit.verify_chain().events_checked == 20


def test_each_request_has_an_id_that_the_audit_row_carries(
    client: object, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)  # type: ignore[attr-defined]
    response = client.get(f"/patients/{clinic.patient.public_id}/")  # type: ignore[attr-defined]
    event = AuditEvent.objects.filter(patient=clinic.patient).order_by("-id").first()
    assert event is not None
    assert str(event.request_id) == response["X-Request-ID"]
    assert event.ip_address == "127.0.0.1"


def test_past_events_are_chained_at_their_own_times(
    clinic: Clinic, settings: Any
) -> None:
    from datetime import datetime, timedelta

    from django.utils import timezone

    audit.record(actor=clinic.supervisor, action=Action.VIEW, category="patient")
    # In the clinic's zone, as the demo writes them (not UTC): the chain must still hold.
    then = timezone.localtime(timezone.now() - timedelta(days=200)).replace(
        tzinfo=ZoneInfo("America/New_York")
    )
    history = [
        (
            then + timedelta(days=n),
            clinic.therapist_on_team,
            audit.Entry(Action.VIEW, "ipt_course", clinic.patient, f"c{n}", "demo"),
        )
        for n in range(7)
    ]
    assert audit.record_history(history) == 7
    audit.record(actor=clinic.supervisor, action=Action.VIEW, category="patient")
    rows = list(AuditEvent.objects.filter(category="ipt_course").order_by("id"))
    assert [row.occurred_at for row in rows] == [when for when, _, _ in history]
    assert rows[0].occurred_at.utcoffset() is not None
    assert {row.actor_label for row in rows} == {clinic.therapist_on_team.username}
    assert all(row.patient_id == clinic.patient.pk for row in rows)
    assert isinstance(rows[0].occurred_at, datetime)
    assert audit.verify_chain().intact


def test_past_events_are_never_written_in_production(
    clinic: Clinic, settings: Any
) -> None:
    from django.utils import timezone

    settings.PRODUCTION = True
    entry = audit.Entry(Action.VIEW, "patient", clinic.patient)
    with pytest.raises(RuntimeError):
        audit.record_history([(timezone.now(), clinic.supervisor, entry)])
    assert not AuditEvent.objects.filter(patient=clinic.patient).exists()


def test_a_list_read_is_a_row_per_patient_shown_by_key(clinic: Clinic) -> None:
    shown = [
        (clinic.patient.pk, clinic.patient.public_id),
        (clinic.patient_other_site.pk, clinic.patient_other_site.public_id),
    ]
    audit.record_listed(
        actor=clinic.supervisor, category="patient", detail="caseload", shown=shown
    )
    rows = list(AuditEvent.objects.filter(action=Action.LIST).order_by("id"))
    assert [(row.patient_id, row.object_id) for row in rows] == [
        (pk, str(public_id)) for pk, public_id in shown
    ]
    assert {(row.actor_id, row.category, row.detail) for row in rows} == {
        (clinic.supervisor.pk, "patient", "caseload")
    }
    assert audit.verify_chain().intact
    audit.record_listed(
        actor=clinic.supervisor, category="patient", detail="caseload", shown=[]
    )
    assert AuditEvent.objects.filter(action=Action.LIST).count() == 2


def test_nobody_the_trail_names_can_be_deleted(clinic: Clinic) -> None:
    """The trail's rows name their patient and reader by key without a key
    constraint in PostgreSQL (decisions/0073); the ORM still refuses to delete
    either while the trail names them."""
    from django.db.models import ProtectedError

    audit.record(
        actor=clinic.therapist_on_team,
        action=Action.VIEW,
        category="patient",
        patient=clinic.patient,
    )
    for named in (clinic.patient, clinic.therapist_on_team):
        with pytest.raises(ProtectedError) as refused, transaction.atomic():
            named.delete()
        assert any(
            isinstance(row, AuditEvent) for row in refused.value.protected_objects
        )
        assert type(named).objects.filter(pk=named.pk).exists()


def test_awkward_text_and_addresses_keep_the_chain_whole(clinic: Clinic) -> None:
    """Whatever a row holds goes in as the chain hashed it (decisions/0074): quotes,
    backslashes, placeholders, SQL, newlines, scripts of several languages, emoji,
    a written-out ``\\u0000``; with and without a request's address, one row or many."""
    from audit.context import RequestContext, current_request

    awkward = [
        'O\'Brien \\ "quoted" %s %(name)s {0}',
        "'); DROP TABLE audit_auditevent; --",
        "Zoë, Łukasz, 山田, مريم 😀 \u2028 line\nbreak\ttab",
        "\\u0000 is written, not a NUL",
        "",
    ]
    token = current_request.set(
        RequestContext(request_id=uuid.uuid4(), ip_address="2001:db8::5")
    )
    try:
        audit.record_many(
            actor=clinic.therapist_on_team,
            entries=[
                audit.Entry(Action.LIST, "patient", object_id=text[:64], detail=text)
                for text in awkward
            ],
            actor_label=awkward[2][:150],
        )
    finally:
        current_request.reset(token)
    audit.record(
        actor=None,
        action=Action.VIEW,
        category="patient",
        patient=clinic.patient,
        detail=awkward[0],
    )
    stored = list(AuditEvent.objects.order_by("id").values_list("detail", "ip_address"))
    assert [detail for detail, _ in stored[-6:]] == [*awkward, awkward[0]]
    assert stored[-2][1] == "2001:db8::5"
    assert audit.verify_chain().intact
