"""Many rows into one table at once, for the demo clinic's loaders.

On PostgreSQL the rows go as multi-row ``INSERT … VALUES (…), (…)`` statements of up to
60,000 parameters: one round trip, and one run of the table's statement-level
record-version trigger (decisions/0063), per statement, where ``executemany`` runs one
statement per row. SQLite's ``executemany`` is already one prepared statement run in
process, and its triggers are per row anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

PARAMETERS_PER_STATEMENT = 60_000  # PostgreSQL's protocol allows 65,535


def insert_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``, ready for the database)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    insert = f"INSERT INTO {quote(table)} ({names}) VALUES "  # noqa: S608 - our own names
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(insert + placeholders, rows)
            return
        per_statement = max(1, PARAMETERS_PER_STATEMENT // len(columns))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                insert + ", ".join([placeholders] * len(chunk)),
                [value for row in chunk for value in row],
            )
