"""The lists a new program starts with (a data migration loads them; the demo and the
tests call ``lists_ensure``). Programs edit them in the admin site afterwards."""

from __future__ import annotations

from typing import Any

SUBSTANCES: list[dict[str, Any]] = [
    # NIAAA: a heavy drinking day is 4+ drinks for women, 5+ for men; the program sets
    # its own threshold in the admin (decision 0038).
    {
        "code": "alcohol",
        "name": "Alcohol",
        "unit": "standard drinks",
        "heavy_day_amount": 5,
    },
    {"code": "cannabis", "name": "Cannabis", "unit": ""},
    {"code": "stimulants", "name": "Stimulants (cocaine, amphetamines)", "unit": ""},
    {"code": "opioids", "name": "Opioids", "unit": ""},
    {
        "code": "benzodiazepines",
        "name": "Benzodiazepines (not as prescribed)",
        "unit": "",
    },
    {"code": "other", "name": "Other", "unit": ""},
]
PANELS: list[dict[str, Any]] = [
    {
        "name": "Urine drug screen (12 panel)",
        "specimens": ["urine"],
        "analytes": [
            "etg",
            "thc",
            "cocaine",
            "amphetamines",
            "methamphetamine",
            "opiates",
            "fentanyl",
            "oxycodone",
            "buprenorphine",
            "methadone",
            "benzodiazepines",
        ],
    },
    {
        "name": "Oral fluid screen (6 panel)",
        "specimens": ["oral_fluid"],
        "analytes": [
            "thc",
            "cocaine",
            "amphetamines",
            "opiates",
            "methadone",
            "benzodiazepines",
        ],
    },
    {"name": "Breath alcohol", "specimens": ["breath"], "analytes": ["alcohol"]},
]
MEDICATIONS: list[dict[str, Any]] = [
    {
        "name": "Buprenorphine",
        "group": "substance_use",
        "expected_analytes": ["buprenorphine"],
    },
    {
        "name": "Buprenorphine with naloxone",
        "group": "substance_use",
        "expected_analytes": ["buprenorphine"],
    },
    {"name": "Methadone", "group": "substance_use", "expected_analytes": ["methadone"]},
    {"name": "Naltrexone", "group": "substance_use", "expected_analytes": []},
    {"name": "Acamprosate", "group": "substance_use", "expected_analytes": []},
    {"name": "Disulfiram", "group": "substance_use", "expected_analytes": []},
    {"name": "Antidepressant", "group": "co_occurring", "expected_analytes": []},
    {"name": "Mood stabiliser", "group": "co_occurring", "expected_analytes": []},
    {
        "name": "Benzodiazepine (prescribed)",
        "group": "co_occurring",
        "expected_analytes": ["benzodiazepines"],
    },
    {"name": "Other", "group": "co_occurring", "expected_analytes": []},
]
CARE_LEVELS = [
    "Outpatient",
    "Intensive outpatient",
    "Partial hospitalisation",
    "Residential",
]


def lists_ensure(apps: Any = None) -> None:
    """Create the starting lists where they are missing (never overwrite edits)."""
    if apps is None:
        from django.apps import apps as installed

        apps = installed
    substance = apps.get_model("recovery", "Substance")
    panel = apps.get_model("recovery", "TestPanel")
    medication = apps.get_model("recovery", "MedicationKind")
    level = apps.get_model("recovery", "CareLevel")
    for position, row in enumerate(SUBSTANCES):
        substance.objects.get_or_create(
            code=row["code"], defaults={**row, "position": position}
        )
    for position, row in enumerate(PANELS):
        panel.objects.get_or_create(
            name=row["name"], defaults={**row, "position": position}
        )
    for position, row in enumerate(MEDICATIONS):
        medication.objects.get_or_create(
            name=row["name"], defaults={**row, "position": position}
        )
    for position, name in enumerate(CARE_LEVELS):
        level.objects.get_or_create(name=name, defaults={"position": position})
