"""The lists a program edits: substances, test panels, medications, levels of care.
Patient records are not here (administrators see no clinical content)."""

from django.contrib import admin

from recovery.models import CareLevel, MedicationKind, Substance, TestPanel


@admin.register(Substance)
class SubstanceAdmin(admin.ModelAdmin[Substance]):
    list_display = ["name", "code", "unit", "heavy_day_amount", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(TestPanel)
class TestPanelAdmin(admin.ModelAdmin[TestPanel]):
    list_display = ["name", "specimens", "position", "is_active"]


@admin.register(MedicationKind)
class MedicationKindAdmin(admin.ModelAdmin[MedicationKind]):
    list_display = ["name", "group", "expected_analytes", "position", "is_active"]
    list_filter = ["group"]


@admin.register(CareLevel)
class CareLevelAdmin(admin.ModelAdmin[CareLevel]):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
