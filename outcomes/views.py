"""The progress pages: the full page of a course's outcomes and charts, and the
compact summary the patient page loads into itself. Each: the patient through
``accounts.access`` (audited) with clinical access required, a selector, a render."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import request_staff as _staff
from alerts import selectors as alert_selectors
from audit import services as audit
from audit.choices import Action
from iptcare.lib import kept_pages, spreadsheet
from iptcare.lib.kept_pages import when_shown
from outcomes import dashboard, exports, selectors
from outcomes.charts import COMPACT, render_svg
from outcomes.forms import ServiceFilterForm, default_period
from reports.pdf import PdfUnavailable
from supervision.fidelity import LABELS as FIDELITY_LABELS


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
    course_id = _course_id(request)
    context = {
        "patient": patient,
        "kept_key": kept_pages.page_key(
            request, patient_access, "progress", course_id or ""
        ),
        "progress": when_shown(
            lambda: selectors.patient_progress(
                patient=patient, course_public_id=course_id
            )
        ),
        "alerts": when_shown(lambda: alert_selectors.patient_alerts(patient=patient)),
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
        "kept_key": kept_pages.page_key(request, patient_access, "progress-summary"),
        "progress": when_shown(
            lambda: selectors.patient_progress(
                patient=patient, only=[selectors.PRIMARY], size=COMPACT
            )
        ),
        "alerts": when_shown(lambda: alert_selectors.patient_alerts(patient=patient)),
    }
    return render(request, "outcomes/progress_summary.html", context)


# --- The service dashboard (aggregates only) ----------------------------------------


def _service_scope(request: HttpRequest) -> access.ServiceScope:
    scope = access.service_scope_for(_staff(request))
    if scope is None:
        raise PermissionDenied("The service's figures are for supervisors and leads.")
    return scope


def _service_form(
    request: HttpRequest, scope: access.ServiceScope
) -> ServiceFilterForm:
    data = request.GET.copy()
    start, end = default_period(timezone.localdate())
    data.setdefault("start", start.isoformat())
    data.setdefault("end", end.isoformat())
    return ServiceFilterForm(data, scope=scope)


def _service_read(request: HttpRequest, what: str, action: Action) -> None:
    # Aggregates name no patient; the read is recorded all the same, with the question
    # asked (filter names and ids, never a patient's).
    keys = sorted(k for k in request.GET if k in SERVICE_FILTER_KEYS)
    audit.record(
        actor=_staff(request),
        action=action,
        category="service_outcomes",
        detail=f"{what}; filters={','.join(keys) or 'none'}",
    )


SERVICE_FILTER_KEYS = frozenset(
    {"start", "end", "site", "team", "clinician", "program", "problem_area"}
)


@require_http_methods(["GET"])
def service(request: HttpRequest) -> HttpResponse:
    scope = _service_scope(request)
    form = _service_form(request, scope)
    if not form.is_valid():
        return render(
            request,
            "outcomes/service_dashboard.html",
            {"form": form, "dashboard": None, "scope": scope},
            status=400,
        )
    _service_read(request, "dashboard", Action.VIEW)
    filters = form.filters()
    # Kept rendered under the refresh job's generation, the directory and the intake
    # version (every write to a referral moves it), per reader and question
    # (decisions/0069): the filters' lists of the whole service's clinicians, the
    # figures' tables and the live referral counts are the page's cost.
    kept_key = kept_pages.list_key(
        request,
        "service-dashboard",
        request.GET.urlencode(),
        proof=lambda: _none_or_one(dashboard.page_versions(scope, filters)),
    )
    board = when_shown(
        lambda: dashboard.service_dashboard(scope=scope, filters=filters)
    )
    figures = when_shown(
        lambda: dashboard.figures_fragment(
            scope,
            filters,
            board,
            lambda: render_to_string(
                "outcomes/_service_figures.html",
                {
                    "dashboard": board,
                    "chart": render_svg(board.trend_chart),
                    "fidelity_labels": FIDELITY_LABELS,
                },
            ),
        )
    )
    context = {
        "form": form,
        "dashboard": board,
        "scope": scope,
        "figures": figures,
        "query": request.GET.urlencode(),
        "kept_key": kept_key,
    }
    return render(request, "outcomes/service_dashboard.html", context)


@require_http_methods(["GET"])
def service_csv(request: HttpRequest) -> HttpResponse:
    scope = _service_scope(request)
    form = _service_form(request, scope)
    if not form.is_valid():
        return HttpResponse(
            "The filters are not valid: "
            + "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    _service_read(request, "csv", Action.EXPORT)
    board = dashboard.service_dashboard(scope=scope, filters=form.filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-outcomes.csv"'
    response["Cache-Control"] = "no-store"
    spreadsheet.Writer(response).writerows(exports.csv_rows(board))
    return response


@require_http_methods(["GET"])
def service_pdf(request: HttpRequest) -> HttpResponse:
    scope = _service_scope(request)
    form = _service_form(request, scope)
    if not form.is_valid():
        return render(
            request,
            "outcomes/service_dashboard.html",
            {"form": form, "dashboard": None, "scope": scope},
            status=400,
        )
    _service_read(request, "pdf", Action.EXPORT)
    board = dashboard.service_dashboard(scope=scope, filters=form.filters())
    try:
        pdf = exports.service_pdf(board)
    except PdfUnavailable:
        return render(request, "reports/pdf_unavailable.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="service-outcomes.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _none_or_one(versions: str | None) -> tuple[str] | None:
    """What the dashboard rests on, or ``None`` when nothing does (no shared cache, no
    generation of its figures): then it is not kept."""
    return None if versions is None else (versions,)
