"""The retention review for supervisors: what the schedule says is due at their site,
and the one button that erases a listed record of an erasable class."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.choices import Role
from accounts.models import Staff
from disclosures import retention
from disclosures.models import RetentionClass, RetentionDue, RetentionReview


def _supervisor(request: HttpRequest) -> tuple[Staff, int]:
    staff: Staff = request.user  # type: ignore[assignment]
    if staff.role != Role.SUPERVISOR or staff.site_id is None:
        raise Http404("No such page.")
    return staff, staff.site_id


@require_http_methods(["GET"])
def review(request: HttpRequest) -> HttpResponse:
    _, site_id = _supervisor(request)
    latest = RetentionReview.objects.first()
    due = (
        RetentionDue.objects.filter(site_id=site_id, erased_at__isnull=True)
        .select_related("record_class")
        .order_by("due_on", "id")[:200]
    )
    return render(
        request,
        "disclosures/retention.html",
        {
            "classes": list(RetentionClass.objects.all()),
            "latest": latest,
            "due": list(due),
        },
    )


@require_POST
def erase(request: HttpRequest, due_id: int) -> HttpResponse:
    staff, site_id = _supervisor(request)
    due = get_object_or_404(RetentionDue, pk=due_id, site_id=site_id)
    try:
        retention.erase(by=staff, due=due)
    except retention.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Erased, and recorded on the audit trail.")
    return redirect("disclosures:retention")
