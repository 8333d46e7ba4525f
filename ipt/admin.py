"""Program templates for administrators: sessions, phase boundaries and the measure
schedule. No clinical model is registered: administrators see no course, note or
inventory (docs/access.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit import services as audit
from audit.choices import Action
from ipt.models import Program, ProgramMeasure


class ProgramMeasureInline(admin.TabularInline[ProgramMeasure, Program]):
    model = ProgramMeasure
    extra = 1
    fields = ["instrument", "timing", "sessions", "months_after_end"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = [
        "name",
        "code",
        "delivery",
        "sessions",
        "frequency",
        "initial_sessions",
        "termination_sessions",
        "is_active",
    ]
    list_filter = ["delivery", "is_active"]
    fieldsets = (
        (None, {"fields": ("name", "code", "description", "is_active")}),
        (
            "Sessions and phases",
            {
                "fields": (
                    "delivery",
                    "sessions",
                    "group_sessions",
                    "frequency",
                    "initial_sessions",
                    "termination_sessions",
                )
            },
        ),
    )
    inlines = [ProgramMeasureInline]

    def save_model(
        self, request: HttpRequest, obj: Program, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=Action.UPDATE if change else Action.CREATE,
            category="ipt_program",
            object_id=obj.code,
            detail="fields: " + ", ".join(sorted(form.changed_data)),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Courses point at their program: deactivate it instead.
