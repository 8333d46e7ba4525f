from django.db import migrations

CLASSES = [
    {
        "code": "mental_health_record",
        "name": "Mental-health and addiction treatment record",
        "keep_months": 20 * 12,
        "counted_from": "the last contact",
        "erasable": False,
        "basis": "Records Management Code of Practice 2021 (England): mental-health "
        "records 20 years after the end of treatment (QUALITY.md A4). Reviewed by a "
        "person; the software never erases it.",
    },
    {
        "code": "rejected_callback",
        "name": "Callback request not taken on",
        "keep_months": 12,
        "counted_from": "the decision (declined, withdrawn or referred elsewhere)",
        "erasable": True,
        "basis": "Not a clinical record: kept 12 months for complaints and audit, "
        "then erased by a person (GDPR Art. 5(1)(e), Art. 17).",
    },
]


def fill(apps, schema_editor):
    RetentionClass = apps.get_model("disclosures", "RetentionClass")
    for row in CLASSES:
        RetentionClass.objects.update_or_create(code=row["code"], defaults=row)


def empty(apps, schema_editor):
    RetentionClass = apps.get_model("disclosures", "RetentionClass")
    RetentionClass.objects.filter(code__in=[c["code"] for c in CLASSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_retention_schedule")]

    operations = [migrations.RunPython(fill, empty)]
