"""The fidelity checklists are data the administrator edits: items can be added,
reworded, reordered or retired (``is_active``), and a licensed scale loaded as a new
checklist."""

from django.contrib import admin

from supervision.models import Checklist, ChecklistItem


class ChecklistItemInline(admin.TabularInline[ChecklistItem, Checklist]):
    model = ChecklistItem
    extra = 1
    fields = ["position", "text", "phase", "problem_area", "is_active"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin[Checklist]):
    list_display = ["name", "code", "is_active"]
    inlines = [ChecklistItemInline]
