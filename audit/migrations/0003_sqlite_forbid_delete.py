"""SQLite refuses DELETE on audit rows too (PostgreSQL already does, 0002).

Django empties an SQLite database between transactional tests with DELETE, so the
trigger stands aside while ``audit_erasure_permit`` holds a row: the test suite puts
one in its own throw-away database (conftest.py); a deployment never does. (Whoever can
write that table can also drop the trigger: the signed checkpoints, decision 0015,
are what catch a removal by someone with that power.)
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS audit_erasure_permit (reason TEXT NOT NULL)",
    """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
WHEN NOT EXISTS (SELECT 1 FROM audit_erasure_permit)
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TABLE IF EXISTS audit_erasure_permit",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_forbid_changes")]

    operations = [migrations.RunPython(forward, reverse)]
