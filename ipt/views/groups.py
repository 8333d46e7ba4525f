"""Group IPT: the groups a clinician runs or supervises, a group's members (each with
their own course) and its sessions with each member's attendance."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.choices import CLINICAL_ROLES
from audit.choices import Action
from ipt import selectors, services
from ipt.forms import GroupForm, GroupMemberForm, GroupSessionForm
from ipt.views._common import staff_of
from iptcare.lib.forms import form_refusal
from iptcare.lib.submissions import saved_once
from scheduling import services as scheduling


def _clinical_staff_only(request: HttpRequest) -> None:
    if staff_of(request).role not in CLINICAL_ROLES:
        raise Http404("Groups are for clinicians.")


@require_http_methods(["GET"])
def group_list(request: HttpRequest) -> HttpResponse:
    _clinical_staff_only(request)
    groups = selectors.groups_for_user(staff_of(request))
    return render(request, "ipt/group_list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@saved_once
def group_create(request: HttpRequest) -> HttpResponse:
    _clinical_staff_only(request)
    staff = staff_of(request)
    form = GroupForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=staff, **form.cleaned_data)
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Group created.")
            return redirect("ipt:group-detail", group_id=group.public_id)
    return render(request, "ipt/group_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@saved_once
def group_detail(request: HttpRequest, group_id: UUID) -> HttpResponse:
    """The group: members and sessions; adding a member."""
    staff = staff_of(request)
    action = Action.VIEW if request.method == "GET" else Action.UPDATE
    found = selectors.group_get_for_user(staff=staff, public_id=group_id, action=action)
    candidates = selectors.group_candidates(staff=staff, group=found.group)
    form = GroupMemberForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_add(
                group=found.group, course=form.cleaned_data["course"], by=staff
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Member added.")
            return redirect("ipt:group-detail", group_id=found.group.public_id)
    context = {
        "group": found.group,
        "members": found.members,
        "sessions": selectors.group_sessions(found.group),
        "form": form,
        "facilitators": list(found.group.facilitators.all()),
    }
    return render(request, "ipt/group_detail.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def group_session_record(request: HttpRequest, group_id: UUID) -> HttpResponse:
    staff = staff_of(request)
    action = Action.VIEW if request.method == "GET" else Action.UPDATE
    found = selectors.group_get_for_user(staff=staff, public_id=group_id, action=action)
    members = [member for member in found.members if member.course.is_open]
    form = GroupSessionForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = scheduling.unplanned_group_session_record(
                by=staff,
                group=found.group,
                day=data["held_on"],
                at=data["at"],
                duration_minutes=data["duration_minutes"],
                outcomes=form.outcomes(),
                theme=data["theme"],
            )
        except scheduling.Refused as refusal:
            form_refusal(form, refusal)
        else:
            number = appointment.attendees.values_list(
                "course_session__group_session__number", flat=True
            ).first()
            messages.success(request, f"Recorded group session {number}.")
            return redirect("ipt:group-detail", group_id=found.group.public_id)
    return render(
        request, "ipt/group_session_form.html", {"group": found.group, "form": form}
    )
