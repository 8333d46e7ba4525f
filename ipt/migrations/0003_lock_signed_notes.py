"""The database itself refuses to change a signed session note or an addendum, whatever
code runs against it (the services and the models refuse first; this is the last line).

PostgreSQL refuses UPDATE of a signed note and of any addendum, and DELETE of either.
SQLite refuses the UPDATEs only: Django empties an SQLite test database with DELETE
(as audit's 0002_forbid_changes explains), and the model refuses deletes anyway.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION ipt_signed_note_locked() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signed session notes are locked: add an addendum';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ipt_signed_note_no_update
    BEFORE UPDATE ON ipt_sessionnote
    FOR EACH ROW WHEN (OLD.status = 'signed')
    EXECUTE FUNCTION ipt_signed_note_locked();
CREATE TRIGGER ipt_signed_note_no_delete
    BEFORE DELETE ON ipt_sessionnote
    FOR EACH ROW WHEN (OLD.status = 'signed')
    EXECUTE FUNCTION ipt_signed_note_locked();
CREATE TRIGGER ipt_addendum_locked
    BEFORE UPDATE OR DELETE ON ipt_noteaddendum
    FOR EACH ROW EXECUTE FUNCTION ipt_signed_note_locked();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS ipt_signed_note_no_update ON ipt_sessionnote;
DROP TRIGGER IF EXISTS ipt_signed_note_no_delete ON ipt_sessionnote;
DROP TRIGGER IF EXISTS ipt_addendum_locked ON ipt_noteaddendum;
DROP FUNCTION IF EXISTS ipt_signed_note_locked();
"""
SQLITE_FORWARD = [
    """
    CREATE TRIGGER ipt_signed_note_no_update BEFORE UPDATE ON ipt_sessionnote
    WHEN OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'signed session notes are locked: add an addendum'); END;
    """,
    """
    CREATE TRIGGER ipt_addendum_no_update BEFORE UPDATE ON ipt_noteaddendum
    BEGIN SELECT RAISE(ABORT, 'addenda are never changed'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ipt_signed_note_no_update;",
    "DROP TRIGGER IF EXISTS ipt_addendum_no_update;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ipt", "0002_fill_programs")]

    operations = [migrations.RunPython(forward, reverse)]
