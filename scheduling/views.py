"""Staff pages for appointments. Each view: the access check (``accounts.access`` for a
patient's pages, which writes the audit row; the selectors for the day, the week and
groups), a form or a selector, a render. The calendar feed is the one page without a
sign-in: its secret token is the credential."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import request_staff as _staff
from accounts.models import Staff
from audit import services as audit
from audit.choices import Action
from iptcare.lib import kept_pages
from iptcare.lib.forms import form_refusal
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.submissions import saved_once
from scheduling import ical, recurrence, selectors, services
from scheduling.forms import (
    AppointmentForm,
    AttendanceForm,
    CancelForm,
    GroupAttendanceForm,
    GroupSeriesForm,
    MoveForm,
    SeriesForm,
)
from scheduling.models import Appointment


def _patient_access(
    request: HttpRequest, public_id: UUID, detail: str, *, clinical: bool = False
) -> access.PatientAccess:
    patient_access = access.patient_get_for_user(
        staff=_staff(request),
        public_id=public_id,
        category="appointment",
        detail=detail,
    )
    if clinical:
        access.require_clinical(patient_access)
    return patient_access


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST (even an empty one), None otherwise."""
    return request.POST if request.method == "POST" else None


def _day(request: HttpRequest, staff: Staff) -> date:
    """``?day=2025-03-04``, or today on the clinician's clocks."""
    today = recurrence.local(timezone.now(), selectors.staff_time_zone(staff)).date()
    try:
        day = date.fromisoformat(request.GET.get("day", "")[:10])
    except ValueError:
        return today
    return day if abs((day - today).days) <= 3660 else today  # ten years either way


def _calendar_staff(request: HttpRequest) -> Staff:
    staff = _staff(request)
    if not selectors.may_have_calendar(staff):
        raise PermissionDenied("Calendars are for clinicians and supervisors.")
    return staff


# --- The clinician's day and week ---------------------------------------------------
@require_http_methods(["GET"])
def today(request: HttpRequest) -> HttpResponse:
    """The day sheet, kept rendered while nothing it lists has changed
    (decisions/0068): the narrow query of its appointments, attendees and versions
    runs first; the sheet itself (and its audit rows, recorded again with a kept
    copy) only when rendered."""
    staff = _calendar_staff(request)
    scope = selectors.scope_for(staff, request.GET.get("scope", ""))
    day = _day(request, staff)
    context = {
        "kept_key": kept_pages.list_key(
            request,
            "day-sheet",
            # The day, scope and clocks shown, as worked out (the reader's site's day
            # when none is asked): an empty day looks like the next one to the proof,
            # and the site was read before the proof's directory version.
            day.isoformat(),
            scope,
            selectors.staff_time_zone(staff),
            request.META.get("QUERY_STRING", ""),
            proof=lambda: selectors.day_sheet_versions(
                staff=staff, day=day, scope=scope
            ),
        ),
        "sheet": when_shown(
            lambda: selectors.day_sheet(staff=staff, day=day, scope=scope)
        ),
    }
    return render(request, "scheduling/day_sheet.html", context)


@require_http_methods(["GET"])
def week(request: HttpRequest) -> HttpResponse:
    staff = _calendar_staff(request)
    scope = selectors.scope_for(staff, request.GET.get("scope", ""))
    calendar = selectors.week_calendar(
        staff=staff, day=_day(request, staff), scope=scope
    )
    context = {"week": calendar, "groups": selectors.facilitated_groups(staff)}
    return render(request, "scheduling/week_calendar.html", context)


# --- A patient's sessions -----------------------------------------------------------
@require_http_methods(["GET"])
def patient_sessions(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = _patient_access(request, public_id, "sessions")
    patient = patient_access.patient
    context = {
        "access": patient_access,
        "patient": patient,
        "attendees": selectors.patient_appointments(patient=patient),
        "now": timezone.now(),
    }
    return render(request, "scheduling/patient_sessions.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def appointment_book(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Book one session (linked to the patient's open course, if any)."""
    patient = _patient_access(request, public_id, "book a session").patient
    form = AppointmentForm(_posted(request), patient=patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appointment_book(
                by=_staff(request),
                patient=patient,
                course=selectors.open_course(patient),
                **{k: data[k] for k in ("clinician", "day", "at", "duration_minutes")},
                place=data["place"],
                video_link=data["video_link"],
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, "Session booked.")
            return redirect("scheduling:patient-sessions", public_id=patient.public_id)
    context = {"patient": patient, "form": form}
    return render(request, "scheduling/appointment_form.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def series_book(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Book the open course's contract: its regular series of sessions."""
    patient = _patient_access(
        request, public_id, "book the contract", clinical=True
    ).patient
    course = selectors.open_course(patient)
    defaults = services.contract_defaults(course) if course else None
    initial = (
        {
            "first_date": defaults.first_date,
            "sessions": defaults.sessions,
            "frequency": defaults.frequency,
        }
        if defaults
        else {}
    )
    form = SeriesForm(_posted(request), initial=initial, born=patient.date_of_birth)
    if request.method == "POST" and course is not None and form.is_valid():
        try:
            series = services.series_book(
                by=_staff(request), course=course, **form.cleaned_data
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, f"{series.sessions} sessions booked.")
            return redirect("scheduling:patient-sessions", public_id=patient.public_id)
    context = {"patient": patient, "course": course, "form": form, "defaults": defaults}
    return render(request, "scheduling/series_form.html", context)


def _patient_appointment(
    request: HttpRequest,
    public_id: UUID,
    appointment_id: UUID,
    detail: str,
    *,
    clinical: bool = False,
) -> tuple[access.PatientAccess, Appointment]:
    patient_access = _patient_access(request, public_id, detail, clinical=clinical)
    appointment = selectors.appointment_for_patient(
        patient=patient_access.patient, public_id=appointment_id
    )
    return patient_access, appointment


@require_http_methods(["GET", "POST"])
def appointment_move(
    request: HttpRequest, public_id: UUID, appointment_id: UUID
) -> HttpResponse:
    patient_access, appointment = _patient_appointment(
        request, public_id, appointment_id, "move a session"
    )
    if appointment.is_group:
        raise Http404("Group sessions move from the group's calendar.")
    patient = patient_access.patient
    form = MoveForm(_posted(request), born=patient.date_of_birth)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_move(
                by=_staff(request), appointment=appointment, **form.cleaned_data
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, "Session moved.")
            return redirect("scheduling:patient-sessions", public_id=patient.public_id)
    context = {
        "patient": patient,
        "appointment": appointment,
        "form": form,
        "moving": True,
    }
    return render(request, "scheduling/appointment_change.html", context)


@require_http_methods(["GET", "POST"])
def appointment_cancel(
    request: HttpRequest, public_id: UUID, appointment_id: UUID
) -> HttpResponse:
    patient_access, appointment = _patient_appointment(
        request, public_id, appointment_id, "cancel a session"
    )
    if appointment.is_group:
        raise Http404("Group sessions are cancelled from the group's calendar.")
    patient = patient_access.patient
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(
                by=_staff(request), appointment=appointment, **form.cleaned_data
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, "Session cancelled.")
            return redirect("scheduling:patient-sessions", public_id=patient.public_id)
    context = {
        "patient": patient,
        "appointment": appointment,
        "form": form,
        "moving": False,
    }
    return render(request, "scheduling/appointment_change.html", context)


@require_http_methods(["GET", "POST"])
def attendance_record(
    request: HttpRequest, public_id: UUID, appointment_id: UUID
) -> HttpResponse:
    patient_access, appointment = _patient_appointment(
        request, public_id, appointment_id, "attendance", clinical=True
    )
    if appointment.is_group:
        raise Http404(
            "A group session's attendance is recorded for every member at once."
        )
    patient = patient_access.patient
    attendee = selectors.attendee_for(patient=patient, appointment=appointment)
    form = AttendanceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                by=_staff(request),
                attendee=attendee,
                outcome=form.cleaned_data["attendance"],
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("scheduling:patient-sessions", public_id=patient.public_id)
    context = {
        "patient": patient,
        "appointment": appointment,
        "attendee": attendee,
        "form": form,
    }
    return render(request, "scheduling/attendance_form.html", context)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def patient_ics(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The patient's booked sessions as a .ics file: "Session", the time and place."""
    patient = access.patient_get_for_user(
        staff=_staff(request),
        public_id=public_id,
        action=Action.EXPORT,
        category="calendar",
    ).patient
    events = selectors.patient_events(patient=patient, host=request.get_host())
    body = ical.to_ics(events, name="Appointments")
    return _ics_response(body, "appointments.ics")


# --- Groups -------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@saved_once
def group_book(request: HttpRequest, group_id: UUID) -> HttpResponse:
    staff = _staff(request)
    group = selectors.group_for_staff(staff=staff, public_id=group_id)
    form = GroupSeriesForm(_posted(request), facilitators=group.facilitators.all())
    if request.method == "POST" and form.is_valid():
        try:
            series = services.group_series_book(
                by=staff, group=group, **form.cleaned_data
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, f"{series.sessions} group sessions booked.")
            return redirect("scheduling:week")
    return render(
        request, "scheduling/group_series_form.html", {"group": group, "form": form}
    )


@require_http_methods(["GET", "POST"])
def group_attendance(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    staff = _staff(request)
    appointment = selectors.group_appointment_for_staff(
        staff=staff, public_id=appointment_id
    )
    roll = services.group_roll(appointment)
    selectors.audit_group_roll(
        staff=staff, appointment=appointment, patients=[a.patient for a in roll]
    )
    form = GroupAttendanceForm(_posted(request), roll=roll)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_attendance_record(
                by=staff, appointment=appointment, outcomes=form.outcomes()
            )
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(request, "Attendance recorded for the group.")
            return redirect("scheduling:week")
    context = {"appointment": appointment, "form": form, "roll": roll}
    return render(request, "scheduling/group_attendance_form.html", context)


def _group_change(
    request: HttpRequest, appointment_id: UUID, *, moving: bool
) -> HttpResponse:
    staff = _staff(request)
    appointment = selectors.group_appointment_for_staff(
        staff=staff, public_id=appointment_id
    )
    form = (MoveForm if moving else CancelForm)(_posted(request))
    if request.method == "POST" and form.is_valid():
        change = services.appointment_move if moving else services.appointment_cancel
        try:
            change(by=staff, appointment=appointment, **form.cleaned_data)
        except services.Refused as error:
            form_refusal(form, error)
        else:
            messages.success(
                request,
                "Group session moved." if moving else "Group session cancelled.",
            )
            return redirect("scheduling:week")
    context = {"appointment": appointment, "form": form, "moving": moving}
    return render(request, "scheduling/appointment_change.html", context)


@require_http_methods(["GET", "POST"])
def group_move(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    return _group_change(request, appointment_id, moving=True)


@require_http_methods(["GET", "POST"])
def group_cancel(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    return _group_change(request, appointment_id, moving=False)


# --- The private calendar feed ------------------------------------------------------
@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """Make (or remake) the clinician's private feed address, or revoke it. The address
    is shown once, when made; only its digest is stored."""
    staff = _calendar_staff(request)
    token = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_revoke(staff=staff)
            messages.success(request, "The calendar address no longer works.")
            return redirect("scheduling:feed-settings")
        token = services.feed_create(staff=staff)
    feed = staff.calendar_feeds.filter(revoked_at__isnull=True).first()
    url = (
        request.build_absolute_uri(reverse("scheduling:feed", kwargs={"token": token}))
        if token
        else ""
    )
    return render(request, "scheduling/feed_settings.html", {"feed": feed, "url": url})


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The clinician's sessions for their calendar app. Authenticated by the token in
    the address; a revoked or unknown token is a 404. One audit row per fetch."""
    calendar_feed = services.feed_for_token(token)
    if calendar_feed is None:
        raise Http404("No such calendar.")
    staff = calendar_feed.staff
    events = selectors.feed_events(staff=staff, host=request.get_host())
    audit.record(
        actor=staff,
        action=Action.EXPORT,
        category="calendar_feed",
        detail=f"events={len(events)}",
    )
    body = ical.to_ics(events, name="Sessions")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
