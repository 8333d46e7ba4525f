"""A patient's record version and the clinic's directory version: what rendered
fragments of staff pages are kept under (docs/decisions/0063).

The database moves both itself (patients/record_version_triggers.py): every insert,
update or delete of a row that belongs to a patient sets that patient's version to a
fresh value of one clinic-wide counter, and every change to what pages show that
belongs to no patient (staff, teams, sites, programs, instruments' lists) moves the
directory version. A value is never issued twice, so a key made of versions is never
current again once either moves.

Read the versions **before** (or in the same statement as) the data a fragment is
rendered from: a version read after the data could name data newer than what was
rendered, and keep the old rendering under the new key.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import (
    BigIntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from patients.models import DirectoryVersion, IntakeVersion, RecordVersion

_M = TypeVar("_M", bound=Model)


def record_versions(patient_ids: Iterable[int]) -> dict[int, int]:
    """Each patient's record version, in one query; 0 for a patient never written
    since the versions began."""
    ids = set(patient_ids)
    versions = dict(
        RecordVersion.objects.filter(patient_id__in=ids).values_list(
            "patient_id", "version"
        )
    )
    return {pk: versions.get(pk, 0) for pk in ids}


def directory_version() -> int:
    """The version of what pages show that belongs to no patient, in one query."""
    version = DirectoryVersion.objects.filter(pk=1).values_list("version", flat=True)
    return next(iter(version), 0)


def intake_version() -> int:
    """The version of intake's callback requests (decisions/0068), in one query."""
    version = IntakeVersion.objects.filter(pk=1).values_list("version", flat=True)
    return next(iter(version), 0)


def list_versions(patients: QuerySet[Any] | None = None) -> tuple[int, int, int]:
    """The directory version, the intake version and the sum of the record versions
    of ``patients`` (a query of their ids, ``values("patient_id")``), in one
    statement: what an intake list is kept under.

    The sum is sound when the ids are fixed by the other two versions (the requests
    that name the patients move the intake version): see ``record_versions_sum``."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT (SELECT version FROM {qn(DirectoryVersion._meta.db_table)} WHERE id = 1),"  # noqa: S608 - our own names
        f" (SELECT version FROM {qn(IntakeVersion._meta.db_table)} WHERE id = 1)"
    )
    params: tuple[Any, ...] = ()
    if patients is not None:
        ids, params = patients.query.sql_with_params()
        sql += (
            f", (SELECT SUM(version) FROM {qn(RecordVersion._meta.db_table)}"  # noqa: S608 - our own names, the ORM's SQL
            f" WHERE patient_id IN ({ids}))"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    directory, intake, total = (*row, 0) if patients is None else row
    return int(directory or 0), int(intake or 0), int(total or 0)


def directory_version_and_rows(
    inner: str, params: Iterable[Any]
) -> tuple[int, list[tuple[Any, ...]]]:
    """The directory version and the rows of the query ``inner`` (SQL, with its
    parameters), in one statement, the version there even when there is no row: what
    a list that names staff, sites or programs is kept under. The rows come as the
    database gives them (no converters, in no order): they are compared, never
    shown."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT (SELECT version FROM {qn(DirectoryVersion._meta.db_table)}"  # noqa: S608 - our own names
        f" WHERE id = 1), listed.* FROM (SELECT 1 AS one) AS one"
        f" LEFT JOIN ({inner}) AS listed ON 1 = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        found = cursor.fetchall()
    directory = int(found[0][0] or 0)
    listed = [tuple(row[1:]) for row in found if any(v is not None for v in row[1:])]
    return directory, listed


def record_versions_sum(patient_ids: Iterable[int]) -> int:
    """One number that moves whenever any of these patients' records does: for a
    list keyed by its patients (the ids belong in the key too).

    Not the greatest version: on PostgreSQL a value is drawn when a statement runs
    and seen when its transaction commits, so a write committing after another can
    bring a *lower* value than one already seen, and a maximum would not move. Every
    patient's own version only rises, so the sum rises with any commit."""
    total = RecordVersion.objects.filter(patient_id__in=set(patient_ids)).aggregate(
        total=Sum("version")
    )["total"]
    return int(total or 0)


def record_version_of(patient_field: str) -> Coalesce:
    """The record version of the patient a row names by ``patient_field``, as a
    column of the row's own statement (0 before the patient's first write)."""
    return Coalesce(
        Subquery(
            RecordVersion.objects.filter(patient_id=OuterRef(patient_field)).values(
                "version"
            )[:1]
        ),
        Value(0),
        output_field=BigIntegerField(),
    )


def with_versions(patients: QuerySet[_M], patient_field: str = "pk") -> QuerySet[_M]:
    """``patients`` (or rows with a key to a patient, ``patient_field``) annotated
    with ``record_version`` and ``directory_version``, read in the same statement:
    no round trip of their own."""
    annotated: QuerySet[_M] = patients.annotate(
        record_version=record_version_of(patient_field),
        directory_version=Coalesce(
            Subquery(DirectoryVersion.objects.filter(pk=1).values("version")[:1]),
            Value(0),
            output_field=BigIntegerField(),
        ),
    )
    return annotated


def pairs_digest(pairs: str, params: Sequence[Any], alias: str) -> str:
    """``versions_digest`` of the (patient id, record version) pairs the query
    ``pairs`` gives (SQL of two columns, each patient once, with its parameters),
    read in one statement.

    On PostgreSQL the database computes it and sends one row (the count, the
    digest, the directory version), rather than every pair for Python to hash: the
    same bytes hashed the same way, so the same text. On SQLite the pairs are read
    and hashed here."""
    qn = connections[alias].ops.quote_name
    directory = qn(DirectoryVersion._meta.db_table)
    directory_column = f"COALESCE((SELECT version FROM {directory} WHERE id = 1), 0)"  # noqa: S608 - our own names
    with_pairs = f"WITH pairs (id, version) AS ({pairs})"
    with connections[alias].cursor() as cursor:
        if connections[alias].vendor != "postgresql":
            cursor.execute(
                f"{with_pairs} SELECT id, version, {directory_column}"  # noqa: S608 - our own names, the ORM's SQL
                " FROM pairs ORDER BY 1",
                list(params),
            )
            return versions_digest(cursor.fetchall())
        # Each pair as the big-endian 8-byte integers ``versions_digest`` hashes;
        # nobody listed is the digest of nothing, as there.
        cursor.execute(
            f"{with_pairs} SELECT COUNT(*),"  # noqa: S608 - our own names, the ORM's SQL
            " LEFT(ENCODE(SHA256(COALESCE(STRING_AGG("
            "INT8SEND(id) || INT8SEND(version), ''::bytea ORDER BY id),"
            f" ''::bytea)), 'hex'), 32), {directory_column} FROM pairs",
            list(params),
        )
        count, digest, version = cursor.fetchone()
    return f"{count}.{digest}.{version}"


def versions_digest(rows: Sequence[Sequence[int]]) -> str:
    """A digest of every (id, record version) pair in order of id, their count and
    the directory version. The ids themselves, not only a sum of versions: a patient
    leaving the list and another's write could otherwise add up to the same number.
    The pairs are hashed as big-endian 8-byte integers, as PostgreSQL sends them
    (``pairs_digest``)."""
    pairs = array("q")
    for pk, record, _directory in rows:
        pairs.extend((pk, record))
    if sys.byteorder == "little":
        pairs.byteswap()
    # The same in every row; nobody on the list: the directory alone.
    directory = rows[0][2] if rows else directory_version()
    digest = hashlib.sha256(pairs.tobytes()).hexdigest()[:32]
    return f"{len(rows)}.{digest}.{directory}"
