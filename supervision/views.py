"""Supervision pages: thin views over ``supervision.selectors`` and
``supervision.services``. The caseload review is for supervisors (403 for every other
role); a patient on it opens only through the record's own access check."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_staff as _staff
from accounts.choices import Role
from accounts.models import Staff
from audit.choices import Action
from ipt import selectors as ipt_selectors
from ipt.choices import Attendance
from ipt.models import CourseSession
from iptcare.lib import kept_pages
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.submissions import saved_once
from supervision import checklists as checklist_codes
from supervision import selectors, services
from supervision.forms import SessionRatingForm, SupervisionNoteForm
from supervision.models import Checklist, SupervisionAction


def _supervisor(request: HttpRequest) -> Staff:
    staff = _staff(request)
    if staff.role != Role.SUPERVISOR:
        raise PermissionDenied("The caseload review is for supervisors.")
    return staff


@require_http_methods(["GET"])
def review(request: HttpRequest) -> HttpResponse:
    """The review is kept rendered under its patients' record versions (and the
    directory's, the day's, the reader's): judging every open course of the teams
    is the page's cost, and between two writes to its patients the answer is the
    same. The patients shown are audited on every request (decisions/0069)."""
    supervisor = _supervisor(request)
    page_number = request.GET.get("page", 1)
    context = {
        "kept_key": kept_pages.list_key(
            request,
            "caseload-review",
            _page_asked(page_number),
            proof=lambda: (selectors.review_versions(supervisor),),
        ),
        # Judged, and its patients audited as listed, only when rendered: a kept copy
        # records the same audit rows again for its reader (kept_pages).
        "page": when_shown(
            lambda: selectors.caseload_review(
                supervisor=supervisor, page_number=page_number
            )
        ),
    }
    return render(request, "supervision/caseload_review.html", context)


def _page_asked(page_number: object) -> str:
    """The page asked for, as the paginator reads it: a number, the first page for
    anything else, the last for a number below 1 or far past any end (a number just
    past the end is the last page too, kept under its own key). Never the raw text
    in a key, nor a number of any length."""
    try:
        number = int(page_number)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "1"
    return str(number) if 1 <= number <= 100_000 else "last"


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
@saved_once
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


@require_http_methods(["GET", "POST"])
@saved_once
def session_fidelity(
    request: HttpRequest, public_id: UUID, course_id: UUID, session_id: UUID
) -> HttpResponse:
    """A session's fidelity ratings side by side, and the rater's own form: the
    course's clinician rates themselves, a supervisor rates as supervisor."""
    staff = _staff(request)
    found = ipt_selectors.course_get_for_user(
        staff=staff,
        patient_id=public_id,
        course_id=course_id,
        action=Action.VIEW if request.method == "GET" else Action.UPDATE,
        detail=f"session={session_id}; fidelity",
    )
    course = found.course
    session = get_object_or_404(
        CourseSession,
        course=course,
        public_id=session_id,
        attendance=Attendance.ATTENDED,
    )
    services.checklist_ensure()
    checklists = list(Checklist.objects.filter(is_active=True).order_by("name"))
    chosen = request.GET.get("checklist", checklist_codes.CODE)
    checklist = next((c for c in checklists if c.code == chosen), None)
    if checklist is None:
        raise Http404("No such checklist.")
    areas = list(course.problem_areas.values_list("area", flat=True))
    items = selectors.checklist_items(checklist=checklist, session=session, areas=areas)
    role = services.rater_role(staff=staff, course=course)
    form = SessionRatingForm(request.POST or None, items=items) if role else None
    if request.method == "POST":
        if role is None or form is None:
            raise PermissionDenied("Only the clinician and supervisors rate sessions.")
        if form.is_valid():
            services.session_rate(
                session=session,
                checklist=checklist,
                by=staff,
                role=role,
                scores=form.scores(),
            )
            messages.success(request, "Rating saved.")
            return redirect(request.get_full_path())
    rows, ratings = selectors.session_ratings(
        session=session, checklist=checklist, items=items
    )
    context = {
        "patient": found.patient,
        "course": course,
        "session": session,
        "checklist": checklist,
        "checklists": checklists,
        "rows": rows,
        "ratings": ratings,
        "form": form,
        "role": role,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/session_fidelity.html", context, status=status)
