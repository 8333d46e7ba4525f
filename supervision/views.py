"""Supervision pages: thin views over ``supervision.selectors`` and
``supervision.services``. The caseload review is for supervisors (403 for every other
role); a patient on it opens only through the record's own access check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.choices import Role
from accounts.models import Staff
from supervision import selectors


def _staff(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _supervisor(request: HttpRequest) -> Staff:
    staff = _staff(request)
    if staff.role != Role.SUPERVISOR:
        raise PermissionDenied("The caseload review is for supervisors.")
    return staff


@require_http_methods(["GET"])
def review(request: HttpRequest) -> HttpResponse:
    supervisor = _supervisor(request)
    page = selectors.caseload_review(
        supervisor=supervisor, page_number=request.GET.get("page", 1)
    )
    return render(request, "supervision/caseload_review.html", {"page": page})
