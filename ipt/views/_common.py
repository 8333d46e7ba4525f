"""What the IPT views share: the signed-in staff member, the course fetched through
the patient, HTMX partials and refusals shown to the user."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from audit.choices import Action
from ipt import selectors
from ipt.services import Refused

if TYPE_CHECKING:
    from accounts.models import Staff
    from ipt.models import Course


def staff_of(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def course_for(
    request: HttpRequest,
    public_id: uuid.UUID,
    course_id: uuid.UUID,
    detail: str = "",
    *,
    kept: bool = False,
) -> selectors.CourseAccess:
    """The course through the patient: 404 without clinical access or for a course of
    another patient. A GET is audited as a view, anything else as a change.

    ``kept``: for a kept page, whose GET reads the course only if the page is
    rendered (``course_get_for_user``'s ``when_shown``)."""
    return selectors.course_get_for_user(
        staff=staff_of(request),
        patient_id=public_id,
        course_id=course_id,
        action=Action.VIEW if request.method == "GET" else Action.UPDATE,
        detail=detail,
        when_shown=kept and request.method == "GET",
    )


def course_kept_for(
    request: HttpRequest, public_id: uuid.UUID, course_id: uuid.UUID, detail: str = ""
) -> selectors.CourseAccess:
    """``course_for`` for a kept page."""
    return course_for(request, public_id, course_id, detail, kept=True)


def is_partial(request: HttpRequest) -> bool:
    return bool(request.htmx and not request.htmx.boosted)  # type: ignore[attr-defined]


def show_refusal(request: HttpRequest, refusal: Refused) -> None:
    for reason in refusal.reasons:
        messages.error(request, reason)


def to_course(course: Course, view: str = "ipt:course-detail") -> HttpResponse:
    return redirect(
        view, public_id=course.patient.public_id, course_id=course.public_id
    )
