"""The termination page: progress review (first and latest scores, the goals' ratings,
the GAS T-score so far), relapse-prevention plan and the decision that follows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from ipt import selectors, services
from ipt.forms import DecisionForm, RelapsePlanForm, ReviewForm
from ipt.models import Course, RelapsePreventionPlan, TerminationReview
from ipt.views._common import course_for, staff_of, to_course
from iptcare.lib.forms import form_refusal


def _context(course: Course, **forms: Any) -> dict[str, Any]:
    review = TerminationReview.objects.filter(course=course).first()
    plan = RelapsePreventionPlan.objects.filter(course=course).first()
    detail = selectors.course_detail(course)
    return {
        "course": course,
        "patient": course.patient,
        "detail": detail,
        "scores": selectors.course_score_changes(course),
        "gas_so_far": services.gas_t_score(course),
        "review": review,
        "plan": plan,
        "review_form": forms.get("review_form")
        or ReviewForm(
            initial={"progress_summary": review.progress_summary if review else ""}
        ),
        "plan_form": forms.get("plan_form") or RelapsePlanForm(instance=plan),
        "decision_form": forms.get("decision_form") or DecisionForm(course=course),
        "unsigned": selectors.sessions_without_signed_note(course),
    }


@require_http_methods(["GET", "POST"])
def termination(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    course = course_for(request, public_id, course_id, "termination").course
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.termination_review_save(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Progress review saved.")
            return to_course(course, "ipt:termination")
    forms = {"review_form": form} if request.method == "POST" else {}
    return render(request, "ipt/termination.html", _context(course, **forms))


@require_POST
def relapse_plan(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "relapse-prevention plan").course
    form = RelapsePlanForm(request.POST)
    if form.is_valid():
        try:
            services.relapse_plan_save(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Relapse-prevention plan saved.")
            return to_course(course, "ipt:termination")
    return render(request, "ipt/termination.html", _context(course, plan_form=form))


@require_POST
def termination_decide(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "termination decision").course
    form = DecisionForm(request.POST, course=course)
    if form.is_valid():
        try:
            following = services.termination_decide(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Decision recorded.")
            return to_course(following)
    return render(request, "ipt/termination.html", _context(course, decision_form=form))
