"""The duty rota, in Django's admin site: administrators set who is on duty at each
site and when. A shift names a clinician, never a patient."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from alerts.models import DutyShift
from audit import services as audit
from audit.choices import Action


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin[DutyShift]):
    list_display = ["site", "clinician", "starts_at", "ends_at"]
    list_filter = ["site"]
    date_hierarchy = "starts_at"

    def save_model(
        self, request: HttpRequest, obj: DutyShift, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=Action.UPDATE if change else Action.CREATE,
            category="duty_rota",
            object_id=str(obj.pk),
            detail=f"site={obj.site_id}; clinician={obj.clinician.public_id}",
        )

    def delete_model(self, request: HttpRequest, obj: DutyShift) -> None:
        audit.record(
            actor=request.user,  # type: ignore[arg-type]
            action=Action.DELETE,
            category="duty_rota",
            object_id=str(obj.pk),
            detail=f"site={obj.site_id}",
        )
        super().delete_model(request, obj)
