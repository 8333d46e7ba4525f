"""The termination phase: the progress review with its decision, and the
relapse-prevention plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ipt.choices import TerminationDecision


class TerminationReview(models.Model):
    """The review of progress against goals and scores, and the decision that follows
    (end, extend with a reason, maintenance, step up)."""

    course = models.OneToOneField(
        "ipt.Course", on_delete=models.CASCADE, related_name="termination_review"
    )
    progress_summary = models.TextField(
        help_text="Progress against the goals and the scores, in the clinician's words."
    )
    decision = models.CharField(
        max_length=12, choices=TerminationDecision.choices, blank=True
    )
    decision_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course"]

    def __str__(self) -> str:
        return "Termination review"


class RelapsePreventionPlan(models.Model):
    """What the patient watches for after the course and what they will do."""

    course = models.OneToOneField(
        "ipt.Course", on_delete=models.CASCADE, related_name="relapse_plan"
    )
    warning_signs = models.TextField(blank=True)
    interpersonal_triggers = models.TextField(blank=True)
    other_triggers = models.TextField("other triggers", blank=True)
    coping_steps = models.TextField(blank=True)
    people_to_contact = models.TextField(blank=True)
    crisis_plan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course"]

    def __str__(self) -> str:
        return "Relapse-prevention plan"

    @property
    def missing(self) -> list[str]:
        """The parts still empty that a complete plan needs."""
        missing = []
        if not self.warning_signs.strip():
            missing.append("warning signs")
        if not (self.interpersonal_triggers.strip() or self.other_triggers.strip()):
            missing.append("triggers")
        if not self.coping_steps.strip():
            missing.append("coping steps")
        if not self.people_to_contact.strip():
            missing.append("people to contact")
        if not self.crisis_plan.strip():
            missing.append("crisis plan")
        return missing

    @property
    def is_complete(self) -> bool:
        return not self.missing
