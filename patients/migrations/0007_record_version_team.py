from django.db import migrations, models


class Migration(migrations.Migration):
    """Each record version carries its patient's team (decisions/0075). The triggers
    that ``post_migrate`` generates set it with every version, and the same step
    sets it for every patient first (``record_version_triggers.install``)."""

    dependencies = [
        ("accounts", "0005_alter_accesschange_role"),
        ("patients", "0006_intake_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordversion",
            name="team",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.team",
            ),
        ),
    ]
