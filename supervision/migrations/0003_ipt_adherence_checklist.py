"""Ship the IPT adherence checklist (supervision/checklists.py) as data."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from supervision import checklists


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Checklist = apps.get_model("supervision", "Checklist")
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    checklist, created = Checklist.objects.get_or_create(
        code=checklists.CODE,
        defaults={"name": checklists.NAME, "source": checklists.SOURCE},
    )
    if created:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                position=position,
                phase=phase,
                problem_area=area,
                text=text,
            )
            for position, (phase, area, text) in enumerate(checklists.ITEMS, start=1)
        )


def unload(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("supervision", "Checklist").objects.filter(
        code=checklists.CODE, ratings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_fidelity_checklists")]

    operations = [migrations.RunPython(load, unload)]
