"""A humane measure schedule for the shipped programs (issue #20).

Before, eight questionnaires were due before a course's first session (PHQ-9, GAD-7,
AUDIT-C, HRSD-17, MSPSS, UCLA-3, PCL-5 at intake and CORE-10 before session 1). Now a
patient is asked at most the core measures before each session (PHQ-9 and GAD-7), and
the rest at intake, mid-course and end, as IPT training portfolios do. HRSD-17 stays at
intake and end: it is clinician-rated, so the portal never sends it (only self-report
questionnaires are offered there). PCL-5 leaves the default intake: a program treating
trauma adds it (and its re-measure) in the admin site.

A program whose schedule an administrator has edited is left as it is: only a schedule
still exactly as shipped is replaced (and, going back, only one exactly as below).
"""

from django.db import migrations

CORE = ["phq9", "gad7"]
INTAKE = ["phq9", "gad7", "auditc", "hrsd17", "mspss", "ucla3"]
MID = ["auditc", "mspss", "ucla3", "core10"]
END = ["phq9", "gad7", "hrsd17", "auditc", "mspss", "ucla3", "core10"]
FOLLOW_UP = ["phq9", "gad7", "auditc"]


def _individual(middle: int) -> list[tuple[str, str, str, int | None]]:
    schedule = [(i, "intake", "", None) for i in INTAKE]
    schedule += [(i, "before_session", "", None) for i in CORE]
    schedule += [(i, "before_session", f"{middle}", None) for i in MID]
    schedule += [(i, "end", "", None) for i in END]
    schedule += [(i, "follow_up", "", m) for m in (1, 3, 6) for i in FOLLOW_UP]
    return schedule


NEW = {
    "ipt16": _individual(8),
    "ipt12": _individual(6),
    "brief8": _individual(4),
    "group": [
        *[(i, "intake", "", None) for i in INTAKE],
        *[(i, "before_session", "", None) for i in CORE],
        *[(i, "before_session", "6", None) for i in ["auditc", "ucla3", "core10"]],
        *[(i, "end", "", None) for i in END],
        *[(i, "follow_up", "", m) for m in (3, 6) for i in FOLLOW_UP],
    ],
    "maintenance": [
        *[(i, "intake", "", None) for i in ["phq9", "gad7", "auditc"]],
        ("phq9", "before_session", "", None),
        ("auditc", "before_session", "6, 12", None),
        *[(i, "end", "", None) for i in ["phq9", "gad7", "hrsd17", "auditc"]],
        *[(i, "follow_up", "", m) for m in (3, 6) for i in FOLLOW_UP],
    ],
}


def _shipped() -> dict[str, list[tuple[str, str, str, int | None]]]:
    from importlib import import_module

    old = import_module("ipt.migrations.0002_fill_programs")
    return {spec["code"]: spec["schedule"] for spec in old.PROGRAMS}


def _key(rows):
    return sorted((i, t, s.replace(" ", ""), m) for i, t, s, m in rows)


def _replace(apps, source, target) -> None:
    Program = apps.get_model("ipt", "Program")
    ProgramMeasure = apps.get_model("ipt", "ProgramMeasure")
    for program in Program.objects.filter(code__in=list(target)):
        current = [
            (m.instrument, m.timing, m.sessions, m.months_after_end)
            for m in ProgramMeasure.objects.filter(program=program)
        ]
        if _key(current) != _key(source.get(program.code, [])):
            continue  # edited by the service: theirs to keep
        ProgramMeasure.objects.filter(program=program).delete()
        ProgramMeasure.objects.bulk_create(
            ProgramMeasure(
                program=program,
                instrument=instrument,
                timing=timing,
                sessions=sessions,
                months_after_end=months,
            )
            for instrument, timing, sessions, months in target[program.code]
        )


def forwards(apps, schema_editor):
    _replace(apps, _shipped(), NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, _shipped())


class Migration(migrations.Migration):
    dependencies = [("ipt", "0004_inventory_added_by_patient")]

    operations = [migrations.RunPython(forwards, backwards)]
