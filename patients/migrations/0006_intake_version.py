from django.db import migrations, models


class Migration(migrations.Migration):
    """The intake version (docs/decisions/0068): moved by the triggers that
    ``post_migrate`` generates, from the counter of patients.0005."""

    dependencies = [
        ("patients", "0005_record_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="IntakeVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, primary_key=True, serialize=False
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="intake_version_is_one_row"
                    )
                ],
            },
        ),
    ]
