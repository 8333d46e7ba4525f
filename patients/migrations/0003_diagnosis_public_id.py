"""Give every diagnosis a public id (the FHIR Condition's id): added empty, filled one
by one, then made unique, as Django's docs show for unique fields on existing rows."""

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Diagnosis = apps.get_model("patients", "Diagnosis")
    for diagnosis in Diagnosis.objects.only("pk").iterator(chunk_size=2000):
        Diagnosis.objects.filter(pk=diagnosis.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_search_indexes")]

    operations = [
        migrations.AddField(
            model_name="diagnosis",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="diagnosis",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
