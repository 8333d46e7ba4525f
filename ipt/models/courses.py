"""A course of IPT: its phase, its contract and extensions, and its sessions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ipt import phases
from ipt.choices import Attendance, Delivery, Frequency, Outcome, Phase


class Course(models.Model):
    """One patient's course of IPT on a program, from opening to its end.

    ``sessions_attended`` counts the attended sessions (``CourseSession`` rows with a
    number); ``sessions_planned`` is the contract's sessions plus extensions (the
    program's default until the contract is agreed). The database refuses a count past
    the plan, and a second open course for the same patient.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="ipt_courses"
    )
    program = models.ForeignKey(
        "ipt.Program", on_delete=models.PROTECT, related_name="courses"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ipt_courses"
    )
    phase = models.CharField(
        max_length=12, choices=Phase.choices, default=Phase.INITIAL
    )
    opened_on = models.DateField(default=timezone.localdate)
    initial_sessions = models.PositiveSmallIntegerField()
    termination_sessions = models.PositiveSmallIntegerField()
    sessions_planned = models.PositiveSmallIntegerField()
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    formulation = models.TextField(blank=True)
    formulation_agreed_on = models.DateField(null=True, blank=True)
    middle_began_on = models.DateField(null=True, blank=True)
    termination_began_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    gas_t_score = models.FloatField(
        "GAS T-score", null=True, blank=True, help_text="Computed when the course ends."
    )
    part2 = models.BooleanField(
        "42 CFR Part 2 record",
        default=False,
        help_text="Substance use disorder treatment: stamped from the team's Part 2 "
        "setting when the course opens, or set for this course in a mixed service.",
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=~Q(phase="ended"),
                name="ipt_course_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(sessions_attended__lte=F("sessions_planned")),
                name="ipt_course_not_past_its_plan",
            ),
            models.CheckConstraint(
                condition=(Q(phase="ended", ended_on__isnull=False) & ~Q(outcome=""))
                | (~Q(phase="ended") & Q(outcome="", ended_on__isnull=True)),
                name="ipt_course_outcome_when_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "phase"], name="ipt_course_patient_phase")
        ]

    def __str__(self) -> str:
        return f"{self.program} course opened {self.opened_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.ENDED

    @property
    def plan(self) -> phases.Plan:
        return phases.Plan(
            planned=self.sessions_planned,
            initial_sessions=self.initial_sessions,
            termination_sessions=self.termination_sessions,
        )

    @property
    def position_text(self) -> str:
        """'session 7 of 12, middle phase, 5 left'."""
        return phases.position_text(
            phase=phases.Phase(self.phase),
            attended=self.sessions_attended,
            planned=self.sessions_planned,
            outcome_words=self.get_outcome_display().lower() if self.outcome else "",
        )

    @property
    def short_status(self) -> str:
        """For lists: 'Middle, 7 of 12'."""
        if self.phase == Phase.ENDED:
            return f"Ended ({self.get_outcome_display().lower()})"
        label = self.get_phase_display().replace(" phase", "")
        return f"{label}, {self.sessions_attended} of {self.sessions_planned}"

    @property
    def initial_phase_overrun(self) -> bool:
        return phases.initial_phase_overrun(
            phase=phases.Phase(self.phase),
            attended=self.sessions_attended,
            plan=self.plan,
        )


class Contract(models.Model):
    """The treatment contract: sessions, frequency, start, missed-session policy. Locked
    once agreed; more sessions after that come by ``CourseExtension``."""

    course = models.OneToOneField(
        Course, on_delete=models.CASCADE, related_name="contract"
    )
    sessions_agreed = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2), MaxValueValidator(60)]
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    starts_on = models.DateField()
    missed_session_policy = models.TextField(
        help_text="What happens when a session is missed, as agreed with the patient."
    )
    agreed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course"]

    def __str__(self) -> str:
        return (
            f"{self.sessions_agreed} sessions, {self.get_frequency_display().lower()}"
        )

    @property
    def is_agreed(self) -> bool:
        return self.agreed_on is not None


class CourseExtension(models.Model):
    """Sessions added past the contract, with the reason (recorded, never edited)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="extensions"
    )
    sessions_added = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_added__gte=1), name="ipt_extension_adds_sessions"
            )
        ]

    def __str__(self) -> str:
        return f"+{self.sessions_added} sessions"


class CourseSession(models.Model):
    """A session of the course, as attendance records it.

    Attended sessions are numbered 1, 2, 3 … and carry the note; missed and cancelled
    ones have no number and do not use up the contract. The ``scheduling`` app records
    attendance through ``ipt.services.session_record``; a group session records one row
    per member.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    held_on = models.DateField()
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.ATTENDED
    )
    delivery = models.CharField(
        max_length=12, choices=Delivery.choices, default=Delivery.INDIVIDUAL
    )
    phase = models.CharField(max_length=12, choices=Phase.choices)
    group_session = models.ForeignKey(
        "ipt.GroupSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_sessions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"],
                condition=Q(number__isnull=False),
                name="ipt_session_number_once",
            ),
            models.CheckConstraint(
                condition=Q(attendance="attended", number__isnull=False)
                | (~Q(attendance="attended") & Q(number__isnull=True)),
                name="ipt_session_numbered_when_attended",
            ),
            models.UniqueConstraint(
                fields=["course", "group_session"],
                condition=Q(group_session__isnull=False),
                name="ipt_session_once_per_group_session",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"Session {self.number} ({self.held_on:%d %b %Y})"
        return f"{self.get_attendance_display()} ({self.held_on:%d %b %Y})"

    @property
    def attended(self) -> bool:
        return self.attendance == Attendance.ATTENDED
