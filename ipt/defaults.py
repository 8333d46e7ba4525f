"""The default program templates, for databases that lost them.

Every database gets the programs from migration ``0002_fill_programs``. A test database
emptied by a transactional test (Django flushes every table, data-migration rows
included) has none; the demo and the test factories call ``programs_ensure`` so they do
not depend on test order. It runs the migration's own ``fill``: one definition.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from ipt.models import Program


def programs_ensure() -> None:
    """Create the default programs that are missing (existing ones are left as edited)."""
    codes = set(Program.objects.values_list("code", flat=True))
    migration = import_module("ipt.migrations.0002_fill_programs")
    if {spec["code"] for spec in migration.PROGRAMS} <= codes:
        return
    migration.fill(apps, None)
    # The shipped schedules as they are now (migration 0005), for the programs just made.
    import_module("ipt.migrations.0005_humane_measure_schedules").forwards(apps, None)
    # Group IPT's pre-, mid- and end-of-group meetings (migration 0007).
    import_module("ipt.migrations.0007_group_program_pre_mid_end_meetings").forwards(
        apps, None
    )
