"""Many rows into one table at once, for the demo clinic's loaders.

On PostgreSQL the rows go by ``COPY … FROM STDIN``: one statement per batch, so one run
of the table's statement-level record-version trigger (decisions/0063), where
``executemany`` runs one statement per row, and no SQL text to parse (a multi-row
``VALUES`` of 60,000 parameters cost psycopg 70 ms a statement to split). SQLite's
``executemany`` is already one prepared statement run in process, and its triggers
are per row anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState

_M = TypeVar("_M", bound=models.Model)


def insert_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``, ready for the database)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})",  # noqa: S608 - our own names
                rows,
            )
            return
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def insert_objects(
    objects: Sequence[models.Model], *, first_id: int | None = None, stamp: bool = True
) -> None:
    """Insert model instances of one kind in one statement, each value sent as
    Django's own insert would send it: through ``pre_save`` and ``get_db_prep_save``,
    or on PostgreSQL as it is where that gives the same text (``preparation_for``).

    ``first_id``: number the rows from there and set each instance's ``pk``, for rows
    that others point at (the caller moves the id sequence past them); without it
    the database numbers them. ``stamp``: ``auto_now`` fields take the time now, as
    on save; ``False`` keeps the values set on the instances (a history's own dates).
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    if first_id is not None:
        for offset, instance in enumerate(objects):
            instance.pk = first_id + offset
    fields = [
        field
        for field in meta.concrete_fields
        if first_id is not None or not field.primary_key
    ]
    # The thread's own connection, not the proxy ``django.db.connection``: every one
    # of a large load's millions of preparations would look it up again through the
    # proxy's thread-local, half of their time.
    database = connections[DEFAULT_DB_ALIAS]
    preparations = [
        (
            field.attname,
            preparation_for(field, database),
            field.pre_save if stamp else None,
        )
        for field in fields
    ]
    rows = [
        tuple(
            getattr(instance, name)
            if prepare is None
            else prepare(
                getattr(instance, name)
                if pre_save is None
                else pre_save(instance, True)
            )
            for name, prepare, pre_save in preparations
        )
        for instance in objects
    ]
    insert_rows(meta.db_table, [field.column for field in fields], rows)


def preparation_for(
    field: models.Field[Any, Any], database: BaseDatabaseWrapper
) -> Callable[[Any], Any] | None:
    """How ``field``'s value is made ready for ``database``; ``None``: as it is."""
    if database.vendor == "postgresql":
        if sent_as_set(field):
            return None
        if type(field) is models.DateTimeField:
            # An aware time goes as it is: Django's preparation only makes a naive
            # one aware (with a warning), and PostgreSQL's adapter returns it as is.
            def aware(value: Any) -> Any:
                if value is None or value.utcoffset() is not None:
                    return value
                return field.get_db_prep_save(value, database)

            return aware
    return partial(field.get_db_prep_save, connection=database)


# Fields of these exact types go to PostgreSQL as they are on the instance: Django's
# preparation of them there only converts to the same value (``int()``, ``str()``,
# ``bool()``; small integers wrapped as ``Int2``; dates and UUIDs as they are), which
# ``COPY`` writes as the same text. Preparing them was a quarter of the 20,000-patient
# demo's load (decisions/0076).
_SENT_AS_SET: frozenset[type[models.Field[Any, Any]]] = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.SmallAutoField,
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveBigIntegerField,
        models.PositiveSmallIntegerField,
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.DateField,
        models.UUIDField,
    }
)


def sent_as_set(field: models.Field[Any, Any]) -> bool:
    """Whether PostgreSQL may take ``field``'s value as it is on the instance: a
    field of one of the plain types above (not a subclass, which may prepare its
    value its own way), not stamped on save, or a key to such a field."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    if isinstance(field, models.ForeignKey):
        return type(field) in (models.ForeignKey, models.OneToOneField) and (
            type(field.target_field) in _SENT_AS_SET
        )
    return type(field) in _SENT_AS_SET


def built(model: type[_M], **values: Any) -> _M:
    """An instance of ``model`` for ``insert_objects``, its fields set by attribute
    name (``course_id``, not ``course``) and every other field to its default, as
    ``Model.__init__`` sets them but without its checks of each field, which were a
    sixth of a large demo load. No signals are sent: nothing in the project listens
    for a model's ``pre_init`` or ``post_init``."""
    defaults, names = _defaults(model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    instance = model.__new__(model)
    instance._state = ModelState()
    fields = instance.__dict__
    for name, default in defaults:
        if name not in values:
            fields[name] = default()
    fields.update(values)
    return instance


@cache
def _defaults(
    model: type[models.Model],
) -> tuple[tuple[tuple[str, Callable[[], Any]], ...], frozenset[str]]:
    fields = model._meta.concrete_fields
    return (
        tuple((field.attname, field.get_default) for field in fields),
        frozenset(field.attname for field in fields),
    )
