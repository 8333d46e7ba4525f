"""The administrators' pages: sites, teams and staff. No patient data is registered
here: administrators manage the service, not records (docs/access.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from accounts.models import Site, Staff, Team
from audit import services as audit
from audit.choices import Action


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ["name", "time_zone"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "site", "part2_program"]
    list_filter = ["site", "part2_program"]


@admin.register(Staff)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "last_name", "role", "site", "is_active"]
    list_filter = ["role", "site", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Person",
            {"fields": ("first_name", "last_name", "email", "professional_title")},
        ),
        ("Role", {"fields": ("role", "site", "teams", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "password1", "password2", "role", "site"),
            },
        ),
    )
    filter_horizontal = ["teams"]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(
        self, request: HttpRequest, obj: Staff, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=Action.PRIVILEGE_CHANGE,
            category="staff",
            object_id=str(obj.public_id),
            detail="fields: " + ", ".join(sorted(form.changed_data)),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Deactivate instead: audit rows keep pointing at the account.
