"""Supervision pages: thin views over ``supervision.selectors`` and
``supervision.services``. The caseload review is for supervisors (403 for every other
role); a patient on it opens only through the record's own access check."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.choices import Role
from accounts.models import Staff
from supervision import selectors, services
from supervision.forms import SupervisionNoteForm
from supervision.models import SupervisionAction


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


def _may_read_notes(staff: Staff) -> None:
    if staff.role not in {Role.SUPERVISOR, Role.CLINICIAN}:
        raise PermissionDenied("Supervision notes are for supervisors and clinicians.")


@require_http_methods(["GET"])
def note_list(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    _may_read_notes(staff)
    page = selectors.notes_page(staff=staff, page_number=request.GET.get("page", 1))
    return render(
        request,
        "supervision/note_list.html",
        {
            "page": page,
            "actions": selectors.actions_due(staff=staff),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest) -> HttpResponse:
    supervisor = _supervisor(request)
    form = SupervisionNoteForm(request.POST or None, supervisor=supervisor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.note_record(
                supervisor=supervisor,
                clinician=data["clinician"],
                held_on=data["held_on"],
                patients=list(data["patients"]),
                advice=data["advice"],
                actions=form.actions(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Supervision note recorded.")
            return redirect("supervision:notes")
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/note_form.html", {"form": form}, status=status)


@require_POST
def action_done(request: HttpRequest, action_id: UUID) -> HttpResponse:
    staff = _staff(request)
    action = get_object_or_404(
        SupervisionAction.objects.select_related("note").filter(
            Q(note__supervisor=staff) | Q(note__clinician=staff)
        ),
        public_id=action_id,
    )
    services.action_done(action=action, by=staff)
    messages.success(request, "Action marked done.")
    if _safe_next(request):
        return redirect(request.POST["next"])
    return redirect("supervision:notes")


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
