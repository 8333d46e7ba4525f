"""An audit row writes two indexes and two key checks fewer on PostgreSQL
(decisions/0073).

- The index of ``patient_id`` alone: ``(patient_id, occurred_at)`` serves every lookup
  by patient, and it leads with the same column.
- The ``LIKE`` index PostgreSQL gets beside a unique text column: nobody searches the
  chain's links by prefix. (Django drops it by name with ``IF EXISTS`` if the field
  ever changes.)
- The foreign keys to the staff member and the patient: each check locked the named
  row (``FOR KEY SHARE``) at every read's commit, a list's 25 at once. The ORM still
  refuses to delete anyone the trail names (``on_delete=PROTECT``).

SQLite keeps its indexes and keys: it is one writer at a time, and altering a column
there rebuilds the table, which would drop its append-only triggers.
"""

from django.db import migrations, models
import django.db.models.deletion

TABLE = "audit_auditevent"


def _lighter(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, TABLE)
    for name, constraint in found.items():
        columns = constraint["columns"]
        if constraint["foreign_key"] and columns in (["actor_id"], ["patient_id"]):
            schema_editor.execute(
                f'ALTER TABLE "{TABLE}" DROP CONSTRAINT IF EXISTS "{name}"'
            )
        elif constraint["index"] and not constraint["unique"] and (
            columns == ["patient_id"]
            or (columns == ["chain_hash"] and name.endswith("_like"))
        ):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _as_before(apps, schema_editor):
    """The keys come back for new rows (``NOT VALID``): rows written meanwhile may
    name someone since deleted, and validating would lock the whole trail."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        f'CREATE INDEX IF NOT EXISTS "audit_auditevent_patient_id_82c45eaf" '
        f'ON "{TABLE}" ("patient_id")',
        f'CREATE INDEX IF NOT EXISTS "audit_auditevent_chain_hash_6363a742_like" '
        f'ON "{TABLE}" ("chain_hash" varchar_pattern_ops)',
        f'ALTER TABLE "{TABLE}" ADD CONSTRAINT '
        f'"audit_auditevent_actor_id_270bb4b7_fk_accounts_staff_id" FOREIGN KEY '
        f'("actor_id") REFERENCES "accounts_staff" ("id") DEFERRABLE INITIALLY DEFERRED '
        f"NOT VALID",
        f'ALTER TABLE "{TABLE}" ADD CONSTRAINT '
        f'"audit_auditevent_patient_id_82c45eaf_fk_patients_patient_id" FOREIGN KEY '
        f'("patient_id") REFERENCES "patients_patient" ("id") '
        f"DEFERRABLE INITIALLY DEFERRED NOT VALID",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_sqlite_forbid_delete"),
        ("accounts", "0001_initial"),
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.staff",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="patient",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="patients.patient",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_lighter, _as_before)],
        ),
    ]
