"""Supervision on other apps' pages, each with one include line there: the advice and
the structural fidelity on a course page, the actions due in an inbox."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ipt.selectors import CourseDetail
from supervision import facts, fidelity, selectors

register = template.Library()


@register.inclusion_tag("supervision/_course_supervision.html")
def course_supervision(detail: CourseDetail) -> dict[str, Any]:
    """For a course page that has already checked access to the patient (and audited
    the read): the supervision advice and the course's structural fidelity, from what
    the page loaded (two queries more)."""
    return {
        "advice": selectors.course_advice(detail.course),
        "fidelity": fidelity.course_fidelity(facts.from_course_page(detail)),
        "course": detail.course,
        "sessions": detail.attended,
    }


@register.inclusion_tag("supervision/_actions_due.html", takes_context=True)
def supervision_actions_due(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    staff = request.user
    actions = (
        selectors.actions_due(staff=staff)
        if getattr(staff, "is_authenticated", False)
        else []
    )
    return {
        "actions": actions,
        "today": timezone.localdate(),
        "next": request.path,
        "csrf_token": context.get("csrf_token"),
    }
