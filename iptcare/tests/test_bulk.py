"""Many rows at once (iptcare/lib/bulk.py): what goes to the database is what
Django's own insert would send."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from psycopg.adapt import PyFormat, Transformer

from alerts import demo as alerts_demo
from alerts.models import Alert
from audit.models import AuditEvent
from ipt import demo as ipt_demo
from ipt.demo import BULK_MODELS
from ipt.models import Course, CourseSession
from iptcare.demo import load_demo_clinic
from iptcare.lib import bulk
from iptcare.lib.bulk import built, insert_objects, sent_as_set
from patients.models import Patient
from referrals import demo as referrals_demo
from referrals.models import Referral
from scheduling import demo as scheduling_demo
from scheduling.models import Appointment, AppointmentSeries, Attendee

LOADED_IN_BULK: list[type[models.Model]] = [
    *BULK_MODELS,
    Appointment,
    AppointmentSeries,
    Attendee,
    Alert,
    Referral,
]


@pytest.mark.django_db
def test_what_the_demo_sends_postgresql_is_what_django_would_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every instance the demo's loaders insert, as the loaders built it in memory:
    each value sent is the text ``COPY`` would write for Django's own preparation of
    the same instance (a datetime in a date field, a number in a text column, a UUID
    as text would all show here)."""
    if connection.vendor != "postgresql":
        pytest.skip("values go as they are set to PostgreSQL's COPY only")
    database = connections[DEFAULT_DB_ALIAS]
    dumpers = Transformer(database.connection)

    def copied(value: object) -> bytes | None:
        """The text ``COPY`` writes for ``value``."""
        if value is None:
            return None
        return bytes(dumpers.get_dumper(value, PyFormat.TEXT).dump(value) or b"")

    sent: list[Sequence[Sequence[Any]]] = []
    send = bulk.insert_rows

    def sending(table: str, columns: Sequence[str], rows: Sequence[Any]) -> None:
        sent.append(rows)
        send(table, columns, rows)

    monkeypatch.setattr(bulk, "insert_rows", sending)
    compared: set[type[models.Model]] = set()
    values = 0

    def checked(
        objects: Sequence[models.Model],
        *,
        first_id: int | None = None,
        stamp: bool = True,
    ) -> None:
        nonlocal values
        bulk.insert_objects(objects, first_id=first_id, stamp=stamp)
        if not objects:
            return
        model = type(objects[0])
        fields = [
            f
            for f in model._meta.concrete_fields
            if first_id is not None or not f.primary_key
        ]
        for instance, row in zip(objects, sent[-1], strict=True):
            for field, value in zip(fields, row, strict=True):
                if getattr(field, "auto_now", False) or getattr(
                    field, "auto_now_add", False
                ):
                    continue  # stamped "now" on each call
                own = (
                    field.pre_save(instance, True)
                    if stamp
                    else getattr(instance, field.attname)
                )
                django = field.get_db_prep_save(own, database)
                assert copied(value) == copied(django), (model, field, value, django)
                values += 1
        compared.add(model)

    for loader in (ipt_demo, scheduling_demo, referrals_demo, alerts_demo):
        monkeypatch.setattr(loader, "insert_objects", checked)
    load_demo_clinic(seed=3, patient_count=40)
    assert compared >= set(LOADED_IN_BULK) - {AppointmentSeries}
    assert values > 10_000


class _StampedTitle(models.CharField[Any, Any]):
    """A subclass may prepare its value its own way: never taken as set."""


@pytest.mark.parametrize(
    ("field", "as_set"),
    [
        (Course._meta.get_field("patient"), True),
        (Course._meta.get_field("public_id"), True),
        (Course._meta.get_field("opened_on"), True),
        (Patient._meta.get_field("family_name"), True),
        (AuditEvent._meta.get_field("occurred_at"), False),  # time zones
        (Alert._meta.get_field("created_at"), False),  # stamped on save
        (Alert._meta.get_field("updated_at"), False),
        (_StampedTitle(max_length=10), False),
        (models.DateField(auto_now=True), False),
        (models.JSONField(), False),
        (models.DecimalField(max_digits=4, decimal_places=1), False),
    ],
    ids=lambda value: getattr(value, "name", None) or type(value).__name__,
)
def test_only_plain_fields_go_as_set(
    field: models.Field[Any, Any], as_set: bool
) -> None:
    assert sent_as_set(field) is as_set


@pytest.mark.django_db
def test_inserted_objects_read_back_as_the_orm_saves_them() -> None:
    """The demo's own path, on either database: a patient the demo saved, copied
    by ``insert_objects``, reads back the same field for field."""
    load_demo_clinic(seed=3, patient_count=2)
    saved = Patient.objects.order_by("id").first()
    assert saved is not None
    fields = [f.attname for f in Patient._meta.concrete_fields if not f.primary_key]
    copy = Patient(**{name: getattr(saved, name) for name in fields})
    copy.record_number, copy.email = "T-COPY01", "copy@example.org"
    copy.public_id = uuid.uuid4()
    insert_objects([copy])
    again = Patient.objects.get(record_number="T-COPY01")
    assert again.public_id == copy.public_id
    unique = {"record_number", "email", "public_id", "created_at", "updated_at"}
    for name in set(fields) - unique:
        assert getattr(again, name) == getattr(saved, name), name


def test_built_sets_what_the_models_own_constructor_sets() -> None:
    made = {
        "course_id": 7,
        "number": 3,
        "held_on": datetime.date(2026, 3, 2),
        "recorded_by_id": 5,
    }
    quick = built(CourseSession, **made)
    usual = CourseSession(**made)
    for field in CourseSession._meta.concrete_fields:
        if field.name != "public_id":  # a new UUID each time
            assert getattr(quick, field.attname) == getattr(usual, field.attname), field
    assert quick.public_id and quick.public_id != usual.public_id
    assert quick._state.adding and quick._state.db is None


@pytest.mark.parametrize("name", ["course", "recorded_by", "held_at"])
def test_built_refuses_a_name_that_is_no_field(name: str) -> None:
    with pytest.raises(TypeError, match=name):
        built(CourseSession, **{name: 1})
