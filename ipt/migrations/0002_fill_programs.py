"""The program templates every database starts with (administrators edit them later
in the admin site): IPT-16, IPT-12, brief IPT-8, group IPT and monthly maintenance,
each with its phase boundaries and its measure schedule."""

from django.db import migrations

# (instrument, timing, sessions, months after the end)
_INDIVIDUAL_INTAKE = ["phq9", "gad7", "auditc", "hrsd17", "mspss", "ucla3", "pcl5"]
_END = ["phq9", "gad7", "hrsd17", "auditc", "mspss", "ucla3", "core10"]
_FOLLOW_UP = ["phq9", "gad7", "auditc"]


def _individual(middle: int, last: int) -> list[tuple[str, str, str, int | None]]:
    schedule = [(i, "intake", "", None) for i in _INDIVIDUAL_INTAKE]
    schedule += [("phq9", "before_session", "", None), ("gad7", "before_session", "", None)]
    schedule += [("auditc", "before_session", f"1, {middle}, {last}", None)]
    schedule += [("core10", "before_session", f"1, {middle}", None)]
    schedule += [(i, "before_session", f"{middle}", None) for i in ["mspss", "ucla3"]]
    schedule += [(i, "end", "", None) for i in _END]
    schedule += [(i, "follow_up", "", m) for m in (1, 3, 6) for i in _FOLLOW_UP]
    return schedule


PROGRAMS = [
    {
        "code": "ipt16",
        "name": "IPT-16",
        "description": "Sixteen weekly individual sessions: the standard course.",
        "delivery": "individual",
        "sessions": 16,
        "group_sessions": 0,
        "frequency": "weekly",
        "initial_sessions": 3,
        "termination_sessions": 3,
        "schedule": _individual(8, 16),
    },
    {
        "code": "ipt12",
        "name": "IPT-12",
        "description": "Twelve weekly individual sessions.",
        "delivery": "individual",
        "sessions": 12,
        "group_sessions": 0,
        "frequency": "weekly",
        "initial_sessions": 3,
        "termination_sessions": 3,
        "schedule": _individual(6, 12),
    },
    {
        "code": "brief8",
        "name": "Brief IPT-8",
        "description": "Eight weekly individual sessions: the brief form.",
        "delivery": "individual",
        "sessions": 8,
        "group_sessions": 0,
        "frequency": "weekly",
        "initial_sessions": 2,
        "termination_sessions": 2,
        "schedule": _individual(4, 8),
    },
    {
        "code": "group",
        "name": "Group IPT",
        "description": "Two individual sessions, then eight weekly group sessions of "
        "6–10 members.",
        "delivery": "group",
        "sessions": 10,
        "group_sessions": 8,
        "frequency": "weekly",
        "initial_sessions": 2,
        "termination_sessions": 2,
        "schedule": [
            *[(i, "intake", "", None) for i in _INDIVIDUAL_INTAKE],
            ("phq9", "before_session", "", None),
            ("gad7", "before_session", "", None),
            ("auditc", "before_session", "1, 6, 10", None),
            ("ucla3", "before_session", "1, 6", None),
            *[(i, "end", "", None) for i in _END],
            *[(i, "follow_up", "", m) for m in (3, 6) for i in _FOLLOW_UP],
        ],
    },
    {
        "code": "maintenance",
        "name": "Maintenance IPT (monthly)",
        "description": "Monthly sessions after an acute course, to keep its gains.",
        "delivery": "individual",
        "sessions": 12,
        "group_sessions": 0,
        "frequency": "monthly",
        "initial_sessions": 1,
        "termination_sessions": 2,
        "schedule": [
            *[(i, "intake", "", None) for i in ["phq9", "gad7", "auditc"]],
            ("phq9", "before_session", "", None),
            ("auditc", "before_session", "1, 6, 12", None),
            *[(i, "end", "", None) for i in ["phq9", "gad7", "hrsd17", "auditc"]],
            *[(i, "follow_up", "", m) for m in (3, 6) for i in _FOLLOW_UP],
        ],
    },
]


def fill(apps, schema_editor):
    Program = apps.get_model("ipt", "Program")
    ProgramMeasure = apps.get_model("ipt", "ProgramMeasure")
    for spec in PROGRAMS:
        fields = {k: v for k, v in spec.items() if k not in {"code", "schedule"}}
        program, created = Program.objects.get_or_create(code=spec["code"], defaults=fields)
        if not created:
            continue
        ProgramMeasure.objects.bulk_create(
            ProgramMeasure(
                program=program,
                instrument=instrument,
                timing=timing,
                sessions=sessions,
                months_after_end=months,
            )
            for instrument, timing, sessions, months in spec["schedule"]
        )


def empty(apps, schema_editor):
    Program = apps.get_model("ipt", "Program")
    ProgramMeasure = apps.get_model("ipt", "ProgramMeasure")
    codes = [spec["code"] for spec in PROGRAMS]
    ProgramMeasure.objects.filter(program__code__in=codes).delete()
    Program.objects.filter(code__in=codes, courses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ipt", "0001_courses_inventory_timeline_notes_groups")]

    operations = [migrations.RunPython(fill, empty)]
