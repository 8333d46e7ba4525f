"""Supervision notes (a case discussion, its advice and its actions) and session
fidelity ratings against a checklist kept as data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ipt.choices import ProblemArea


class SupervisionNote(models.Model):
    """A supervisor's case discussion with one clinician: when, which patients, the
    advice for each (``CaseDiscussion``) and the actions agreed (``SupervisionAction``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervision_notes",
    )
    held_on = models.DateField("date of supervision")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on:%d %b %Y}"


class CaseDiscussion(models.Model):
    """One patient discussed in supervision, with the advice the clinician sees on the
    patient's course page."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(
        SupervisionNote, on_delete=models.CASCADE, related_name="cases"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "ipt.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervision_cases",
    )
    advice = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-note__held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "patient"], name="supervision_case_once_per_note"
            )
        ]

    def __str__(self) -> str:
        return "Case discussed in supervision"


class SupervisionAction(models.Model):
    """Something agreed in supervision, due by a date: it appears in the clinician's
    and the supervisor's inboxes from a week before it falls due until it is done."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(
        SupervisionNote, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="supervision_action_done_by_someone",
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="supervision_action_due")]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%d %b %Y}"


class Checklist(models.Model):
    """A session-level fidelity checklist, kept as data (Django's admin edits it).

    IPT Care ships an IPT adherence checklist derived from the phase tasks and the
    problem areas' strategies of ``shared/DESIGN.md``; a service holding a licence for
    a published adherence scale loads that scale's items as another checklist."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    source = models.TextField(help_text="Where the items come from, and their licence.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One thing the therapist does in a session; shown for sessions of its phase and,
    when it names one, for courses working that problem area."""

    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    phase = models.CharField(
        max_length=12,
        blank=True,
        choices=[
            ("initial", "Initial phase"),
            ("middle", "Middle phase"),
            ("termination", "Termination phase"),
        ],
        help_text="Blank: every phase.",
    )
    problem_area = models.CharField(
        max_length=12,
        blank=True,
        choices=ProblemArea.choices,
        help_text="Blank: every problem area.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["checklist", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "position"], name="checklist_item_position_once"
            )
        ]

    def __str__(self) -> str:
        return self.text


class RaterRole(models.TextChoices):
    SELF = "self", "Clinician's self-rating"
    SUPERVISOR = "supervisor", "Supervisor's rating"


class ItemScore(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly"
    NOT_DONE = "not_done", "Not done"
    NOT_APPLICABLE = "na", "Not applicable"


class SessionRating(models.Model):
    """A rating of one session on one checklist, by the clinician (self) or a
    supervisor (for instance from a recording): at most one of each per session."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "ipt.CourseSession", on_delete=models.CASCADE, related_name="fidelity_ratings"
    )
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="ratings"
    )
    role = models.CharField(max_length=12, choices=RaterRole.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(
        default=dict, help_text="Item id (as text) → done, partly, not_done or na."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "checklist", "role"],
                name="session_rating_once_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of a session"
