"""The administrators' pages: sites, teams and staff. No patient data is registered
here: administrators manage the service, not records (docs/access.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import services
from accounts.models import Site, Staff, Team
from accounts.services import AccessState, grants_clinical_access
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
    actions = ["second_factor_reset"]
    readonly_fields = ["last_login", "date_joined"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        # Every form here works out whether it would give clinical access
        # (accounts/services.py): refused on one's own account, pending otherwise.
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class AccessCheckedForm(base):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean() or {}
                instance = self.instance
                before = AccessState.of(instance) if instance.pk else None
                site = cleaned.get("site", instance.site if instance.pk else None)
                teams = cleaned.get("teams")
                self.access_before = before
                self.access_after = AccessState(
                    role=cleaned.get("role", instance.role),
                    site_id=site.pk if site else None,
                    team_ids=frozenset(t.pk for t in teams)
                    if teams is not None
                    else (before.team_ids if before else frozenset()),
                    is_active=cleaned.get("is_active", True),
                )
                self.grants_clinical = grants_clinical_access(before, self.access_after)
                if self.grants_clinical and instance.pk == actor.pk:
                    raise ValidationError(
                        "You cannot give your own account clinical access: another "
                        "administrator must make the change, and a second person "
                        "approve it."
                    )
                return cleaned

        return AccessCheckedForm

    def save_model(
        self, request: HttpRequest, obj: Staff, form: Any, change: bool
    ) -> None:
        if getattr(form, "grants_clinical", False):
            # Saved without the access: the role, site and teams wait for approval.
            before = form.access_before
            if before is None:
                obj.is_active = False
            else:
                obj.role, obj.site_id, obj.is_active = (
                    before.role,
                    before.site_id,
                    before.is_active,
                )
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=Action.PRIVILEGE_CHANGE,
            category="staff",
            object_id=str(obj.public_id),
            detail="fields: " + ", ".join(sorted(form.changed_data)),
        )

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        pending = getattr(form, "grants_clinical", False)
        requested_teams = list(form.cleaned_data.get("teams") or [])
        if pending and form.access_before is not None and "teams" in form.cleaned_data:
            form.cleaned_data["teams"] = Team.objects.filter(
                pk__in=form.access_before.team_ids
            )
        super().save_related(request, form, formsets, change)
        if not pending:
            return
        after = form.access_after
        services.access_change_request(
            actor=request.user,  # type: ignore[arg-type]
            staff=form.instance,
            role=after.role,
            site=Site.objects.filter(pk=after.site_id).first(),
            teams=requested_teams or Team.objects.filter(pk__in=after.team_ids),
            new_account=form.access_before is None,
        )
        messages.warning(
            request,
            "This gives clinical access, so it waits for a supervisor of the team or "
            "another administrator to approve it; until then the account keeps what "
            "it had" + (" and cannot sign in." if form.access_before is None else "."),
        )

    @admin.action(description="Reset the second factor and issue an enrolment code")
    def second_factor_reset(self, request: HttpRequest, queryset: Any) -> None:
        for staff in queryset:
            try:
                code = services.second_factor_reset(
                    actor=request.user,  # type: ignore[arg-type]
                    staff=staff,
                )
            except services.AccessChangeRefused as refused:
                messages.error(request, str(refused))
                continue
            messages.warning(
                request,
                f"Enrolment code for {staff.username}: {code}. It works once; hand it "
                "over in person, not by e-mail.",
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Deactivate instead: audit rows keep pointing at the account.
