"""The alert inbox, an alert's page and its acknowledgement. Each view: the access
check (``accounts.access`` for a patient's alert; the inbox lists only patients the
user may see), a form or a selector, a render."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.access import request_staff as _staff
from alerts import counter, selectors, services
from alerts.forms import AcknowledgeForm
from alerts.models import Alert
from iptcare.lib import kept_pages
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.urls import ReversedOnce

POLL_SECONDS = 60  # never more often: QUALITY.md B3


@require_http_methods(["GET"])
def inbox(request: HttpRequest) -> HttpResponse:
    """Open alerts (or acknowledged ones) of the user's patients, most urgent first.
    The list re-polls every minute and is re-rendered only when it has changed."""
    staff = _staff(request)
    if not selectors.may_use_inbox(staff):
        raise Http404("Alerts are for clinicians and supervisors.")
    state = request.GET.get("state", selectors.OPEN)
    state = state if state in selectors.STATES else selectors.OPEN
    # One moment for the summary and the page: broken glass expiring between the two
    # would leave them disagreeing.
    now = timezone.now()
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    summary = None
    if partial and "seen" in request.GET:  # the poll: the summary alone, first
        summary = selectors.inbox_summary(staff=staff, state=state, now=now)
        if request.GET["seen"] == summary.fingerprint:
            return HttpResponse(status=204)  # nothing new: htmx keeps the list as it is
    summary, page = selectors.inbox_page(
        staff=staff,
        state=state,
        page_number=request.GET.get("page", 1),
        per_page=settings.IPTCARE_PAGE_SIZE,
        now=now,
        summary=summary,
    )
    rows = page.object_list
    page.object_list = when_shown(lambda: _with_links(list(rows)))
    template = "alerts/alert_inbox.html" + ("#alert-list" if partial else "")
    context = {
        "page": page,
        # The rows rendered are kept under the alerts chosen, their patients'
        # versions, the state, the page and the count (decisions/0067).
        "kept_key": kept_pages.list_key(
            request, "inbox", page.chosen, state, page.number, page.paginator.count
        ),
        "state": state,
        "fingerprint": summary.fingerprint,
        "poll_seconds": POLL_SECONDS,
        "escalate_minutes": settings.IPTCARE_ALERT_ESCALATE_AFTER_MINUTES,
    }
    return render(request, template, context)


def _with_links(alerts: list[Alert]) -> list[Alert]:
    """Each row's link to its alert, the route reversed once per page."""
    alert_link = ReversedOnce("alerts:detail", 2)
    for alert in alerts:
        alert.detail_url = alert_link(alert.patient.public_id, alert.public_id)  # type: ignore[attr-defined]
    return alerts


@require_http_methods(["GET"])
def inbox_count(request: HttpRequest) -> HttpResponse:
    """The open-alert count in the navigation, loaded by htmx after the page and again
    every minute: pages pay nothing for it. A number, no patient named: not audited."""
    staff = _staff(request)
    if not selectors.may_use_inbox(staff):
        raise Http404("Alerts are for clinicians and supervisors.")
    # Rendered without the request's context processors: the fragment uses none, and
    # this is the most frequent request a clinic makes (decisions/0062); kept rendered
    # between changes of the inbox (decisions/0065).
    fragment = counter.open_count_fragment(
        staff.pk,
        request.session,
        lambda: render_to_string(
            "alerts/alert_count.html", {"count": selectors.open_count_for(staff)}
        ),
    )
    return HttpResponse(fragment)


def _alert(
    request: HttpRequest, public_id: UUID, alert_id: UUID, detail: str
) -> tuple[access.PatientAccess, Alert]:
    patient_access = access.patient_get_for_user(
        staff=_staff(request), public_id=public_id, category="alert", detail=detail
    )
    access.require_clinical(patient_access)
    alert = selectors.alert_for_patient(
        patient=patient_access.patient, public_id=alert_id
    )
    return patient_access, alert


@require_http_methods(["GET"])
def alert_detail(request: HttpRequest, public_id: UUID, alert_id: UUID) -> HttpResponse:
    patient_access, alert = _alert(request, public_id, alert_id, "alert")
    context = {
        "patient": patient_access.patient,
        "alert": alert,
        "form": AcknowledgeForm(),
        "source_url": selectors.alert_source_url(alert),
    }
    return render(request, "alerts/alert_detail.html", context)


@require_POST
def alert_acknowledge(
    request: HttpRequest, public_id: UUID, alert_id: UUID
) -> HttpResponse:
    """Acknowledge with the action taken; without one, the page again with the error
    and nothing changed."""
    patient_access, alert = _alert(request, public_id, alert_id, "acknowledge")
    form = AcknowledgeForm(request.POST)
    if not alert.is_open:
        form.add_error(None, "This alert has been acknowledged already.")
    elif form.is_valid():
        try:
            services.alert_acknowledge(
                alert=alert,
                by=_staff(request),
                action=form.cleaned_data["action_taken"],
                note=form.cleaned_data["action_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Alert acknowledged.")
            return redirect("alerts:inbox")
    context = {
        "patient": patient_access.patient,
        "alert": alert,
        "form": form,
        "source_url": selectors.alert_source_url(alert),
    }
    return render(request, "alerts/alert_detail.html", context)
