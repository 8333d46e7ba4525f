"""Indexes for the caseload search, on PostgreSQL only (docs/benchmarks.md).

The search (``patients.selectors._search``) finds a patient by record number, any case
(``UPPER(record_number) = UPPER(query)``), or by words each of which is in one of the
patient's names, any case: ``UPPER(given || ' ' || family || ' ' || preferred) LIKE
UPPER('%word%')`` (``patients.selectors.SearchText``). Measured at 100,000 patients
(a clinician's caseload of 33,000), the search's count scanned every patient and
upper-cased four columns per row: about 100 ms of the page's database time, and the
page's p95 was over target (415 ms against 300 ms).

Decision:

- ``pg_trgm`` and a GIN trigram index on exactly the expression the search compares
  (``gin_trgm_ops``): a word of three letters or more is found through the index.
  Counting the matches of ``walsh`` in the caseload takes 16 ms instead of about
  100 ms; the whole search (count, page, prefetches, audit), in-process, one client:
  ``ann`` 147 → 72 ms, ``walsh`` 191 → 102 ms, ``wen quinn`` 133 → 23 ms. The
  expression must stay what Django generates for ``SearchText``; the PostgreSQL test in
  ``patients/tests/test_search.py`` fails if the planner can no longer use the index.
  The search sorts its matches by an unindexed copy of the family name when the
  trigram index applies (``patients.selectors._name_order``), or the planner walks
  the name index instead and filters row by row.
- A B-tree index on ``UPPER(record_number)``: the record-number lookup is an index
  probe (the search runs it first, as its own query, so that no row's record number
  is upper-cased in a scan): a record number 178 → 15 ms.
- Words of one or two letters have no trigram, and no index serves them: they still
  scan the names, once per row (one ``UPPER`` instead of four): ``an`` 132 → 123 ms.

Not an ``icontains`` on each name with three indexes: three bitmap scans where one
does, and three ``UPPER`` calls per row when the scan is sequential. Not ``ILIKE``:
slower than ``UPPER … LIKE`` here, and not what Django generates for ``icontains``.

PostgreSQL only: SQLite has neither ``pg_trgm`` nor case-folding ``LIKE`` indexes, and
at the sizes SQLite is for (a demo, a small clinic) the scan is cheap; there the
migration does nothing, and the search stays one query in the name order (the joined
names cost about 2 ms more per search at 5,000 patients, measured in-process). Model state is untouched (the indexes are not in
``Patient.Meta``), so ``makemigrations --check`` stays clean. ``CREATE EXTENSION``
needs the right to create in the database (``pg_trgm`` is a trusted extension since
PostgreSQL 13, so the database owner may); the indexes build in about 0.6 s at 100,000
patients, inside the migration's transaction.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX patient_search_text_trgm ON patients_patient
       USING gin (UPPER(("given_name" || ' ' || "family_name" || ' ' || "preferred_name")::text)
                  gin_trgm_ops)""",
    """CREATE INDEX patient_record_number_upper ON patients_patient
       (UPPER("record_number"::text))""",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS patient_record_number_upper",
    "DROP INDEX IF EXISTS patient_search_text_trgm",
    # The extension stays: other objects may have come to use it.
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
