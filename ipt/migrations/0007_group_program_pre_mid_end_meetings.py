"""Group IPT as it is run (issue #20): an individual meeting before the group, eight
weekly group sessions, and individual meetings at the group's middle and end — eleven
sessions. Shipped with ten ("two individual sessions, then eight group sessions"), the
mid- and end-of-group meetings did not fit: a member who came to every meeting would
have been refused the last one.

Only a group program still exactly as shipped is changed (and, going back, only one
exactly as below); one an administrator has edited is left as it is.
"""

from typing import Any

from django.db import migrations

SHIPPED = {
    "sessions": 10,
    "description": "Two individual sessions, then eight weekly group sessions of "
    "6–10 members.",
}
NOW = {
    "sessions": 11,
    "description": "An individual meeting before the group, eight weekly group "
    "sessions of 6–10 members, and individual meetings at the group's middle and end.",
}


def _replace(apps: Any, old: dict[str, Any], new: dict[str, Any]) -> None:
    Program = apps.get_model("ipt", "Program")
    Program.objects.filter(code="group", group_sessions=8, **old).update(**new)


def forwards(apps: Any, schema_editor: Any) -> None:
    _replace(apps, SHIPPED, NOW)


def backwards(apps: Any, schema_editor: Any) -> None:
    _replace(apps, NOW, SHIPPED)


class Migration(migrations.Migration):
    dependencies = [("ipt", "0006_merge_0005_course_part2_0005_humane_measure_schedules")]

    operations = [migrations.RunPython(forwards, backwards)]
