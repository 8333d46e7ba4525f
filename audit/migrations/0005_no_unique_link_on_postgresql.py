"""The chain's link is no longer a unique index on PostgreSQL (decisions/0074).

Each link is an HMAC, so each row's index entry went to a page of the index chosen at
random: after every checkpoint nearly every append wrote a whole page image of it to
the log. On the benchmark's trail a caseload's read wrote 126 kB of log, and 16 kB
without this index. Nothing looks a row up by its link, and the index proved nothing
about the chain: a forked chain is two rows after the same link (``previous_hash``),
with different links of their own, and ``audit_verify`` finds it by walking the chain.

SQLite keeps the index, as it keeps those of migration 0004: altering a column there
rebuilds the table, which would drop its append-only triggers.

Going back builds the unique index over the whole trail while holding the table: run
it in a quiet hour. It fails if two rows share a link, which only a tampered trail
would hold (``audit_verify`` names it).
"""

from django.db import migrations, models

TABLE = "audit_auditevent"


def _drop_unique_link(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, TABLE)
    for name, constraint in found.items():
        if constraint["unique"] and constraint["columns"] == ["chain_hash"]:
            schema_editor.execute(
                f'ALTER TABLE "{TABLE}" DROP CONSTRAINT IF EXISTS "{name}"'
            )


def _unique_link_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "audit_auditevent_chain_hash_key" '
        'UNIQUE ("chain_hash")'
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_lighter_rows_on_postgresql")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="chain_hash",
                    field=models.CharField(max_length=64),
                ),
            ],
            database_operations=[
                migrations.RunPython(_drop_unique_link, _unique_link_again)
            ],
        ),
    ]
