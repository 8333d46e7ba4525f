"""Many rows into one table at once, for the demo clinic's loaders.

On PostgreSQL the rows go by ``COPY … FROM STDIN``: one statement per batch, so one run
of the table's statement-level record-version trigger (decisions/0063), where
``executemany`` runs one statement per row, and no SQL text to parse (a multi-row
``VALUES`` of 60,000 parameters cost psycopg 70 ms a statement to split). SQLite's
``executemany`` is already one prepared statement run in process, and its triggers
are per row anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


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
