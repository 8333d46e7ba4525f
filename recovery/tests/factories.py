"""Factories for the recovery app: rows made directly (no service, so no audit row),
for tests that start with a record already in place. The lists (substances, panels,
medications, levels of care) come from the data migration."""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts.tests.factories import StaffFactory
from recovery.models import (
    CareLevel,
    CareLevelChange,
    DrugTest,
    Medication,
    MedicationKind,
    SobrietyDate,
    Substance,
    Supporter,
    TestPanel,
    UseReview,
)


def substance(code: str = "alcohol") -> Substance:
    return Substance.objects.get(code=code)


def panel(specimen: str = "urine") -> TestPanel:
    return next(p for p in TestPanel.objects.all() if specimen in p.specimens)


def medication(patient: Any, name: str = "Buprenorphine", **fields: Any) -> Medication:
    fields.setdefault("started_on", date(2026, 1, 1))
    return Medication.objects.create(
        patient=patient,
        kind=MedicationKind.objects.get(name=name),
        dose=fields.pop("dose", "16 mg daily"),
        prescriber=fields.pop("prescriber", "Dr Okafor"),
        recorded_by=fields.pop("recorded_by", None) or StaffFactory(),
        **fields,
    )


def supporter(patient: Any, **fields: Any) -> Supporter:
    fields.setdefault("name", "Sister")
    fields.setdefault("relationship", "sibling")
    fields.setdefault("permission_on", date(2026, 1, 1))
    return Supporter.objects.create(
        patient=patient,
        recorded_by=fields.pop("recorded_by", None) or StaffFactory(),
        **fields,
    )


def sobriety(
    patient: Any, code: str = "alcohol", since: date | None = None
) -> SobrietyDate:
    return SobrietyDate.objects.create(
        patient=patient,
        substance=substance(code),
        since=since or date(2026, 1, 1),
        set_by=StaffFactory(),
    )


def review(patient: Any, code: str = "alcohol", day: date | None = None) -> UseReview:
    day = day or date(2026, 2, 1)
    return UseReview.objects.create(
        patient=patient, substance=substance(code), day=day, last_use=day
    )


def test_result(patient: Any, **fields: Any) -> DrugTest:
    return DrugTest.objects.create(
        patient=patient,
        collected_on=fields.pop("collected_on", date(2026, 2, 1)),
        specimen="urine",
        panel=panel("urine"),
        results=fields.pop("results", {"thc": "negative"}),
        collected_by="Nurse",
        recorded_by=fields.pop("recorded_by", None) or StaffFactory(),
        **fields,
    )


def care_level(
    patient: Any, name: str = "Outpatient", **fields: Any
) -> CareLevelChange:
    return CareLevelChange.objects.create(
        patient=patient,
        level=CareLevel.objects.get(name=name),
        changed_on=fields.pop("changed_on", date(2026, 1, 1)),
        reason=fields.pop("reason", "Assessment"),
        recorded_by=fields.pop("recorded_by", None) or StaffFactory(),
    )
