from django.db import migrations


def fill(apps, schema_editor):
    from disclosures.legal_texts import SHIPPED

    LegalText = apps.get_model("disclosures", "LegalText")
    for text in SHIPPED:
        LegalText.objects.update_or_create(
            key=text["key"], version=text["version"], defaults=text
        )


def empty(apps, schema_editor):
    from disclosures.legal_texts import SHIPPED

    LegalText = apps.get_model("disclosures", "LegalText")
    for text in SHIPPED:
        LegalText.objects.filter(key=text["key"], version=text["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_consents_and_disclosures")]

    operations = [migrations.RunPython(fill, empty)]
