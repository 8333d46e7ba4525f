"""The clinician's side of the portal: sending a sign-in link (or showing one as a QR
code for a clinic tablet), setting and reviewing homework, and the session
preparation page with the diary's week. Patients come through ``accounts.access``
like every staff page; courses through ``ipt`` views' ``course_for``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.qr import qr_svg_data_uri
from audit import services as audit
from audit.choices import Action
from ipt.models import InventoryPerson
from ipt.views._common import course_for, course_kept_for, is_partial, staff_of
from iptcare.lib import kept_pages
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.submissions import saved_once
from portal.choices import HomeworkStatus, LinkChannel
from portal.forms import HomeworkSetForm
from portal.models import Homework, PortalLink
from portal.services import diary as diary_services
from portal.services import homework as homework_services
from portal.services import links


@require_http_methods(["GET", "POST"])
def portal_access(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    staff = staff_of(request)
    patient_access = access.patient_get_for_user(
        staff=staff,
        public_id=public_id,
        category="portal_link",
        action=Action.VIEW if request.method == "GET" else Action.UPDATE,
    )
    access.require_clinical(patient_access)
    patient = patient_access.patient
    qr = ""
    expires_at = None
    if request.method == "POST":
        channel = request.POST.get("channel", "")
        if channel == LinkChannel.TABLET:
            issued = links.link_issue(patient=patient, channel=channel, by=staff)
            qr = qr_svg_data_uri(issued.url)
            expires_at = issued.link.expires_at
        elif channel in (LinkChannel.EMAIL, LinkChannel.SMS):
            try:
                links.link_send(patient=patient, channel=channel, by=staff)
            except links.LinkRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    "The sign-in link is on its way by "
                    + ("e-mail." if channel == LinkChannel.EMAIL else "text."),
                )
            return redirect("portal:staff-access", public_id=patient.public_id)
        else:
            messages.error(request, "Choose how to send the link.")
            return redirect("portal:staff-access", public_id=patient.public_id)
    recent = list(
        PortalLink.objects.filter(patient=patient).select_related("issued_by")[:10]
    )
    context = {
        "patient": patient,
        "qr": qr,
        "expires_at": expires_at,
        "recent": recent,
        "now": timezone.now(),
        "may_email": bool(patient.email),
        "may_text": bool(patient.phone and patient.may_text),
        "link_hours": settings.IPTCARE_PORTAL_LINK_HOURS,
        "tablet_minutes": settings.IPTCARE_PORTAL_TABLET_LINK_MINUTES,
    }
    return render(request, "portal/staff/access.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def homework(
    request: HttpRequest, public_id: uuid.UUID, course_id: uuid.UUID
) -> HttpResponse:
    found = course_for(request, public_id, course_id, detail="homework")
    course = found.course
    areas = list(course.problem_areas.values_list("area", flat=True))
    form = HomeworkSetForm(
        request.POST if request.method == "POST" else None,
        problem_areas=areas,
        born=course.patient.date_of_birth,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                homework_services.homework_set(
                    course=course,
                    by=staff_of(request),
                    template=form.cleaned_data["template"],
                    title=form.cleaned_data["title"],
                    instructions=form.cleaned_data["instructions"],
                    due_on=form.cleaned_data["due_on"],
                )
            except homework_services.HomeworkRefused as refusal:
                for field, errors in refusal.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                status = 400
            else:
                messages.success(
                    request, "Homework set; the patient sees it in the portal."
                )
                return redirect(
                    "portal:staff-homework",
                    public_id=found.patient.public_id,
                    course_id=course.public_id,
                )
        else:
            status = 400
    items = [
        {
            "homework": item,
            "title": homework_services.title_of(item),
            "questions": homework_services.questions_for(item),
        }
        for item in Homework.objects.filter(course=course).select_related("set_by")
    ]
    context = {
        "patient": found.patient,
        "course": course,
        "form": form,
        "items": items,
    }
    return render(request, "portal/staff/homework.html", context, status=status)


@require_POST
def homework_reviewed(
    request: HttpRequest,
    public_id: uuid.UUID,
    course_id: uuid.UUID,
    homework_id: uuid.UUID,
) -> HttpResponse:
    found = course_for(request, public_id, course_id, detail="homework reviewed")
    item = Homework.objects.filter(course=found.course, public_id=homework_id).first()
    if item is None:
        raise Http404("No such homework.")
    homework_services.homework_review(homework=item, by=staff_of(request))
    messages.success(request, "Marked as talked about in session.")
    target = request.POST.get("next", "")
    if target.startswith("/patients/") and "//" not in target:
        return redirect(target)
    return redirect(
        "portal:staff-homework",
        public_id=found.patient.public_id,
        course_id=found.course.public_id,
    )


@require_POST
def person_reviewed(
    request: HttpRequest,
    public_id: uuid.UUID,
    course_id: uuid.UUID,
    person_id: uuid.UUID,
) -> HttpResponse:
    found = course_for(request, public_id, course_id, detail="inventory reviewed")
    person = InventoryPerson.objects.filter(
        course=found.course, public_id=person_id, added_by_patient=True
    ).first()
    if person is None:
        raise Http404("No such person.")
    if person.patient_reviewed_at is None:
        person.patient_reviewed_at = timezone.now()
        person.save(update_fields=["patient_reviewed_at", "updated_at"])
        audit.record(
            actor=staff_of(request),
            action=Action.UPDATE,
            category="inventory",
            patient=found.patient,
            object_id=str(person.public_id),
            detail="patient's entry reviewed",
        )
    messages.success(request, f"{person.name}: reviewed.")
    return redirect(
        "ipt:inventory",
        public_id=found.patient.public_id,
        course_id=found.course.public_id,
    )


@require_http_methods(["GET"])
def session_prep(
    request: HttpRequest, public_id: uuid.UUID, course_id: uuid.UUID
) -> HttpResponse:
    """Before the session: the diary's week (mood and cravings against the
    interpersonal moments), homework to talk about, people the patient added."""
    found = course_kept_for(request, public_id, course_id, detail="session preparation")
    course = found.course
    week = when_shown(lambda: diary_services.diary_week(found.patient))
    context = {
        "patient": found.patient,
        "course": course,
        "kept_key": kept_pages.page_key(
            request, found.access, "session-preparation", course_id
        ),
        "week": week,
        "picture": when_shown(
            lambda: (
                diary_services.diary_week_picture(week)
                if any(row.entry for row in week)
                else ""
            )
        ),
        "homework": when_shown(
            lambda: [
                {
                    "homework": item,
                    "title": homework_services.title_of(item),
                    "questions": homework_services.questions_for(item),
                }
                for item in Homework.objects.filter(course=course)
                .exclude(status=HomeworkStatus.REVIEWED)
                .select_related("set_by")
            ]
        ),
        "people_to_review": when_shown(
            lambda: list(
                InventoryPerson.objects.filter(
                    course=course,
                    added_by_patient=True,
                    patient_reviewed_at__isnull=True,
                )
            )
        ),
        "partial": is_partial(request),
    }
    template = (
        "portal/staff/_session_prep.html"
        if context["partial"]
        else "portal/staff/session_prep.html"
    )
    return render(request, template, context)
