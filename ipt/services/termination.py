"""The termination phase: the progress review, the relapse-prevention plan and the
decision that follows (end, extend with a reason, maintenance, step up)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.choices import Action
from ipt.choices import Outcome, Phase, TerminationDecision
from ipt.models import Course, Program, RelapsePreventionPlan, TerminationReview
from ipt.services._common import (
    Refused,
    fields_detail,
    locked,
    record,
    require_phase,
)
from ipt.services.courses import course_end, course_extend, course_open

if TYPE_CHECKING:
    from accounts.models import Staff

PLAN_FIELDS = (
    "warning_signs",
    "interpersonal_triggers",
    "other_triggers",
    "coping_steps",
    "people_to_contact",
    "crisis_plan",
)
MAINTENANCE_CODE = "maintenance"


@transaction.atomic
def termination_review_save(
    *, course: Course, by: Staff, progress_summary: str
) -> TerminationReview:
    course = locked(course)
    require_phase(course, Phase.TERMINATION, doing="The progress review")
    progress_summary = progress_summary.strip()
    if not progress_summary:
        raise Refused("Write the progress review.")
    review, created = TerminationReview.objects.get_or_create(
        course=course, defaults={"progress_summary": progress_summary}
    )
    if not created:
        review.progress_summary = progress_summary
        review.save(update_fields=["progress_summary", "updated_at"])
    record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="ipt_termination_review",
        course=course,
        detail="fields: progress_summary",
    )
    return review


@transaction.atomic
def relapse_plan_save(
    *, course: Course, by: Staff, **fields: Any
) -> RelapsePreventionPlan:
    """Write the relapse-prevention plan (begun in the middle phase or in termination)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Not plan fields: {sorted(unknown)}")
    course = locked(course)
    require_phase(
        course, Phase.MIDDLE, Phase.TERMINATION, doing="The relapse-prevention plan"
    )
    plan = RelapsePreventionPlan.objects.filter(course=course).first()
    created = plan is None
    plan = plan or RelapsePreventionPlan(course=course)
    changed = [name for name, value in fields.items() if getattr(plan, name) != value]
    for name, value in fields.items():
        setattr(plan, name, value.strip())
    plan.full_clean()
    plan.save()
    record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="ipt_relapse_plan",
        course=course,
        detail=fields_detail(changed),
    )
    return plan


@transaction.atomic
def termination_decide(
    *,
    course: Course,
    by: Staff,
    decision: TerminationDecision,
    reason: str = "",
    sessions_added: int | None = None,
    keep_appointments: Iterable[object] = (),
) -> Course:
    """Act on the review's decision and record it. End and maintenance complete the
    course (maintenance then opens a monthly maintenance course with the same
    clinician); extend adds sessions with the reason; step up ends the course as
    stepped up. Returns the course the patient goes on with (the new one for
    maintenance)."""
    course = locked(course)
    require_phase(course, Phase.TERMINATION, doing="The termination decision")
    review = TerminationReview.objects.filter(course=course).first()
    if review is None or not review.progress_summary.strip():
        raise Refused("Write the progress review before deciding.")
    reason = reason.strip()
    following = course
    if decision == TerminationDecision.END:
        course_end(
            course=course,
            by=by,
            outcome=Outcome.COMPLETED,
            reason=reason,
            keep_appointments=keep_appointments,
        )
    elif decision == TerminationDecision.EXTEND:
        if not sessions_added:
            raise Refused("Say how many sessions the extension adds.")
        course_extend(
            course=course, by=by, sessions_added=sessions_added, reason=reason
        )
    elif decision == TerminationDecision.MAINTENANCE:
        maintenance = Program.objects.filter(
            code=MAINTENANCE_CODE, is_active=True
        ).first()
        if maintenance is None:
            raise Refused("No maintenance program is offered.")
        course_end(
            course=course,
            by=by,
            outcome=Outcome.COMPLETED,
            reason=reason,
            keep_appointments=keep_appointments,
        )
        following = course_open(
            patient=course.patient,
            program=maintenance,
            clinician=course.clinician,
            by=by,
        )
    elif decision == TerminationDecision.STEP_UP:
        course_end(
            course=course,
            by=by,
            outcome=Outcome.STEPPED_UP,
            reason=reason,
            keep_appointments=keep_appointments,
        )
    else:  # pragma: no cover - the form offers the four decisions only
        raise Refused("Choose a decision.")
    review.decision = decision
    review.decision_reason = reason
    review.decided_on = timezone.localdate()
    review.decided_by = by
    review.save(
        update_fields=[
            "decision",
            "decision_reason",
            "decided_on",
            "decided_by",
            "updated_at",
        ]
    )
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_termination_review",
        course=course,
        detail=f"decision={decision}",
    )
    return following
