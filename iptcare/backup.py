"""Backup and restore of the whole database, with a manifest that proves a restore
(docs/operations.md, docs/decisions/0036).

A backup is a directory: the database itself — PostgreSQL's custom-format dump
(``pg_dump -Fc``) or a SQLite online backup — and ``manifest.json`` with, for every
table, its row count and a checksum of its rows in primary-key order. A restore loads
the database into an empty one and recomputes the manifest from what was loaded: a
table that differs by a row, or a row that differs by a byte, fails the restore.

The checksums are comparable between a database and its own restore (same engine);
they are not meant to compare PostgreSQL with SQLite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FORMAT = 1


class BackupError(Exception):
    """The backup or restore could not be made or does not match its manifest."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


@dataclass
class Manifest:
    vendor: str
    created_at: str
    tables: dict[str, TableSum]
    migrations: int
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "vendor": self.vendor,
                "created_at": self.created_at,
                "migrations": self.migrations,
                "files": self.files,
                "tables": {
                    name: {"rows": t.rows, "checksum": t.checksum}
                    for name, t in sorted(self.tables.items())
                },
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise BackupError(
                "This backup's manifest has a format this version cannot read."
            )
        return cls(
            vendor=raw["vendor"],
            created_at=raw["created_at"],
            migrations=raw["migrations"],
            files=raw["files"],
            tables={
                name: TableSum(rows=t["rows"], checksum=t["checksum"])
                for name, t in raw["tables"].items()
            },
        )


def _quote(conn: BaseDatabaseWrapper, name: str) -> str:
    return conn.ops.quote_name(name)


def _table_sum(conn: BaseDatabaseWrapper, table: str) -> TableSum:
    """Row count and SHA-256 of the rows in primary-key order, streamed in chunks so a
    table of millions of audit rows takes flat memory."""
    with conn.cursor() as cursor:
        keys = conn.introspection.get_primary_key_columns(cursor, table) or []
        columns = [
            c.name for c in conn.introspection.get_table_description(cursor, table)
        ]
    order = ", ".join(_quote(conn, k) for k in (keys or columns))
    quoted = _quote(conn, table)
    if conn.vendor == "postgresql":
        # The row's own text form: every type rendered by the server, the same way each
        # time for the same data.
        sql = f"SELECT t::text FROM {quoted} AS t ORDER BY {order}"  # noqa: S608
    else:
        cols = ", ".join(_quote(conn, c) for c in columns)
        sql = f"SELECT {cols} FROM {quoted} ORDER BY {order}"  # noqa: S608
    digest = hashlib.sha256()
    rows = 0
    with conn.cursor() as cursor:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(2000):
            for row in chunk:
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
            rows += len(chunk)
    return TableSum(rows=rows, checksum=digest.hexdigest())


def manifest_of_database(conn: BaseDatabaseWrapper | None = None) -> Manifest:
    """The manifest of the database as it is now (every table, Django's and ours)."""
    conn = conn or connection
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        return _manifest_of_sqlite(conn.connection)
    with conn.cursor() as cursor:
        tables = sorted(
            info.name
            for info in conn.introspection.get_table_list(cursor)
            if info.type == "t"
        )
    sums = {table: _table_sum(conn, table) for table in tables}
    migrations = sums["django_migrations"].rows if "django_migrations" in sums else 0
    return Manifest(
        vendor=conn.vendor,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tables=sums,
        migrations=migrations,
    )


def differences(expected: Manifest, found: Manifest) -> list[str]:
    """What differs, table by table; empty when the restore is exact."""
    out = []
    for table in sorted(set(expected.tables) | set(found.tables)):
        want, got = expected.tables.get(table), found.tables.get(table)
        if want is None:
            out.append(f"{table}: not in the backup")
        elif got is None:
            out.append(f"{table}: missing")
        elif want.rows != got.rows:
            out.append(f"{table}: {got.rows} rows, the backup has {want.rows}")
        elif want.checksum != got.checksum:
            out.append(f"{table}: same row count, different contents")
    return out


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _libpq_env(conn: BaseDatabaseWrapper) -> tuple[dict[str, str], str]:
    """Environment and database name for pg_dump/pg_restore: the password travels in
    the environment, never on a command line another user could list."""
    settings = conn.settings_dict
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[var] = str(settings[key])
    return env, str(settings["NAME"])


def backup(destination: Path, conn: BaseDatabaseWrapper | None = None) -> Manifest:
    """Write a backup of the database into the new directory ``destination``."""
    conn = conn or connection
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty.")
    destination.mkdir(parents=True, exist_ok=True)
    if conn.vendor == "postgresql":
        env, name = _libpq_env(conn)
        target = destination / PG_DUMP
        # The dump and the manifest read the same snapshot: the manifest is computed
        # in a repeatable-read transaction whose snapshot pg_dump is given.
        conn.ensure_connection()
        with conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                done = subprocess.run(  # noqa: S603
                    [
                        shutil.which("pg_dump") or "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={target}",
                        name,
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode != 0:
                    raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
                manifest = manifest_of_database(conn)
            finally:
                cursor.execute("COMMIT")
    elif conn.vendor == "sqlite":
        target = destination / SQLITE_COPY
        conn.ensure_connection()
        # SQLite's online backup: a consistent copy while the service keeps writing.
        with sqlite3.connect(target) as copy:
            conn.connection.backup(copy)
        with sqlite3.connect(target) as copy:
            _check_sqlite(copy)
        manifest = _manifest_of_sqlite_file(target)
    else:
        raise BackupError(f"Backups of {conn.vendor} databases are not supported.")
    manifest.files = {target.name: _sha256_file(target)}
    (destination / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _manifest_of_sqlite_file(path: Path) -> Manifest:
    """The manifest of a SQLite file, read with the standard library alone, so a
    backup and its restore are read the same way whatever Django's converters do."""
    with sqlite3.connect(path) as db:
        return _manifest_of_sqlite(db)


def _manifest_of_sqlite(db: sqlite3.Connection) -> Manifest:
    digests: dict[str, TableSum] = {}
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        info = db.execute(f"PRAGMA table_info({quoted})").fetchall()
        keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5] > 0]
        order = ", ".join('"' + k + '"' for k in keys) or "rowid"
        digest = hashlib.sha256()
        rows = 0
        cursor = db.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
        while chunk := cursor.fetchmany(2000):
            for row in chunk:
                digest.update(repr(row).encode())
                digest.update(b"\n")
            rows += len(chunk)
        digests[table] = TableSum(rows=rows, checksum=digest.hexdigest())
    migrations = (
        digests["django_migrations"].rows if "django_migrations" in digests else 0
    )
    return Manifest(
        vendor="sqlite",
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tables=digests,
        migrations=migrations,
    )


def _check_sqlite(db: sqlite3.Connection) -> None:
    result = db.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupError("SQLite's integrity check failed on the copy.")


def read_manifest(source: Path) -> Manifest:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} has no {MANIFEST}: not an IPT Care backup.")
    manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    for name, checksum in manifest.files.items():
        if _sha256_file(source / name) != checksum:
            raise BackupError(f"{name} does not match its checksum in the manifest.")
    return manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    seconds: float


def restore(source: Path, conn: BaseDatabaseWrapper | None = None) -> Restored:
    """Load the backup in ``source`` into the (empty) configured database and check it
    against the manifest. Raises ``BackupError`` on any difference."""
    conn = conn or connection
    manifest = read_manifest(source)
    if manifest.vendor != conn.vendor:
        raise BackupError(
            f"This is a {manifest.vendor} backup; the database here is {conn.vendor}."
        )
    with conn.cursor() as cursor:
        if conn.introspection.get_table_list(cursor):
            raise BackupError(
                "The database to restore into is not empty: restore into a new one."
            )
    started = time.monotonic()
    if conn.vendor == "postgresql":
        env, name = _libpq_env(conn)
        conn.close()  # pg_restore needs no competition for the database
        done = subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore") or "pg_restore",
                "--exit-on-error",
                "--no-owner",
                "--single-transaction",
                f"--dbname={name}",
                str(source / PG_DUMP),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        with conn.cursor() as cursor:  # fresh statistics for the planner
            cursor.execute("ANALYZE")
    else:
        target = Path(str(conn.settings_dict["NAME"]))
        conn.close()
        with (
            sqlite3.connect(source / SQLITE_COPY) as copy,
            sqlite3.connect(target) as db,
        ):
            copy.backup(db)
            _check_sqlite(db)
            db.execute("PRAGMA journal_mode=WAL")
    seconds = time.monotonic() - started
    found = (
        manifest_of_database(conn)
        if conn.vendor == "postgresql"
        else _manifest_of_sqlite_file(Path(str(conn.settings_dict["NAME"])))
    )
    problems = differences(manifest, found)
    if problems:
        raise BackupError(
            "The restore does not match the backup: " + "; ".join(problems)
        )
    return Restored(manifest=manifest, seconds=seconds)


def summary(manifest: Manifest) -> dict[str, Any]:
    return {
        "tables": len(manifest.tables),
        "rows": sum(t.rows for t in manifest.tables.values()),
        "migrations": manifest.migrations,
    }
