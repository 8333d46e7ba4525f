"""The progress pages: the full page of a course's outcomes and charts, and the
compact summary the patient page loads into itself. Each: the patient through
``accounts.access`` (audited) with clinical access required, a selector, a render."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.models import Staff
from alerts import selectors as alert_selectors
from outcomes import selectors
from outcomes.charts import COMPACT


def _staff(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _course_id(request: HttpRequest) -> uuid.UUID | str | None:
    """The course asked for: a public id, "all", or none (the current course). A
    malformed id is a 404, as a foreign one is."""
    value = request.GET.get("course", "")
    if not value or value == selectors.ALL:
        return value or None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("No such course.") from None


@require_http_methods(["GET"])
def progress(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = access.patient_get_for_user(
        staff=_staff(request), public_id=public_id, category="outcomes"
    )
    access.require_clinical(patient_access)
    patient = patient_access.patient
    context = {
        "patient": patient,
        "progress": selectors.patient_progress(
            patient=patient, course_public_id=_course_id(request)
        ),
        "alerts": alert_selectors.patient_alerts(patient=patient),
    }
    return render(request, "outcomes/progress_detail.html", context)


@require_http_methods(["GET"])
def progress_summary(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The patient page's progress section: the PHQ-9 chart of the current course and
    the open alerts (loaded by htmx, so the patient page itself stays as cheap)."""
    patient_access = access.patient_get_for_user(
        staff=_staff(request),
        public_id=public_id,
        category="outcomes",
        detail="summary",
    )
    access.require_clinical(patient_access)
    patient = patient_access.patient
    context = {
        "patient": patient,
        "progress": selectors.patient_progress(
            patient=patient, only=[selectors.PRIMARY], size=COMPACT
        ),
        "alerts": alert_selectors.patient_alerts(patient=patient),
    }
    return render(request, "outcomes/progress_summary.html", context)
