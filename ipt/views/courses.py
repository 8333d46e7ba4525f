"""The course: open it, its page, the phase step, sessions, extension, ending, and the
goal ratings made during the course."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit.choices import Action
from ipt import selectors, services
from ipt.forms import (
    CourseEndForm,
    CourseOpenForm,
    ExtensionForm,
    RatingForm,
    SessionRecordForm,
)
from ipt.views._common import (
    course_for,
    course_kept_for,
    is_partial,
    show_refusal,
    staff_of,
    to_course,
)
from iptcare.lib import kept_pages
from iptcare.lib.forms import form_refusal
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.submissions import saved_once
from scheduling import services as scheduling
from scheduling.choices import AttendanceOutcome


@require_http_methods(["GET", "POST"])
@saved_once
def course_open(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = staff_of(request)
    action = Action.VIEW if request.method == "GET" else Action.CREATE
    patient = selectors.patient_clinical_get_for_user(
        staff=staff, public_id=public_id, action=action, detail="open course"
    ).patient
    form = CourseOpenForm(request.POST or None, patient=patient)
    if request.method == "GET":
        form.initial["clinician"] = staff.pk
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_open(
                patient=patient, by=staff, **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, f"Opened a {course.program.name} course.")
            return to_course(course)
    return render(request, "ipt/course_open.html", {"form": form, "patient": patient})


@require_http_methods(["GET"])
def course_detail(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    found = course_kept_for(request, public_id, course_id)
    detail = when_shown(lambda: selectors.course_detail(found.course))
    context = {
        "access": found.access,
        "patient": found.patient,
        "course": found.course,
        "kept_key": kept_pages.page_key(request, found.access, "course", course_id),
        "detail": detail,
        "circle": when_shown(
            lambda: selectors.circle_picture(
                detail.people, centre_label=found.patient.called
            )
        ),
        "session_form": when_shown(SessionRecordForm),
        "rating_form": when_shown(RatingForm),
    }
    return render(request, "ipt/course_detail.html", context)


@require_POST
def phase_middle(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "begin middle phase").course
    try:
        course = services.phase_begin_middle(course=course, by=staff_of(request))
    except services.Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(
            request, f"The course is now in its {course.get_phase_display().lower()}."
        )
    return to_course(course)


@require_http_methods(["GET", "POST"])
@saved_once
def session_record(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    """An unplanned session: booked on the spot and its attendance recorded, by the
    scheduling app, so it belongs to an appointment like every other session."""
    course = course_for(request, public_id, course_id, "record session").course
    form = SessionRecordForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attendee = scheduling.unplanned_session_record(
                by=staff_of(request),
                course=course,
                day=data["held_on"],
                at=data["at"],
                duration_minutes=data["duration_minutes"],
                outcome=AttendanceOutcome(data["attendance"]),
            )
        except scheduling.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, f"Recorded: {attendee.course_session}.")
            return to_course(course)
    return render(
        request,
        "ipt/session_form.html",
        {"form": form, "course": course, "patient": course.patient},
    )


@require_http_methods(["GET", "POST"])
@saved_once
def extension(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    course = course_for(request, public_id, course_id, "extension").course
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_extend(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Extension recorded.")
            return to_course(course)
    return render(
        request,
        "ipt/extension_form.html",
        {"form": form, "course": course, "patient": course.patient},
    )


@require_http_methods(["GET", "POST"])
def course_end(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    course = course_for(request, public_id, course_id, "end course").course
    form = CourseEndForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_end(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "The course has ended.")
            return to_course(course)
    return render(
        request,
        "ipt/course_end_form.html",
        {
            "form": form,
            "course": course,
            "patient": course.patient,
            "unsigned": selectors.sessions_without_signed_note(course),
        },
    )


@require_POST
@saved_once
def goal_rate(
    request: HttpRequest, public_id: UUID, course_id: UUID, goal_id: UUID
) -> HttpResponse:
    """Rate a goal; with HTMX the goal's row comes back in place."""
    course = course_for(request, public_id, course_id, "rate goal").course
    goal = selectors.goal_of(course, goal_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.goal_rate(
                goal=goal, by=staff_of(request), level=form.cleaned_data["level"]
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            form = RatingForm()
    if not is_partial(request):
        if form.errors:
            show_refusal(
                request,
                services.Refused(
                    [str(e) for e in form.non_field_errors()] or ["Choose a level."]
                ),
            )
        return redirect(
            "ipt:course-detail",
            public_id=course.patient.public_id,
            course_id=course.public_id,
        )
    goal = selectors.goal_of(course, goal_id)
    row = selectors.GoalRow(goal, list(goal.ratings.order_by("rated_on", "id")))
    return render(
        request,
        "ipt/course_detail.html#goal-row",
        {"row": row, "course": course, "patient": course.patient, "rating_form": form},
    )
