"""The lists a program starts with: substances, test panels, medications and levels
of care (``recovery.defaults``); edited in the admin site afterwards."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from recovery.defaults import lists_ensure

    lists_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("recovery", "0001_recovery_records")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
