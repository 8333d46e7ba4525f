"""Program templates: the kinds of course the service offers, as data administrators
edit in the admin site (no patient data here)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ipt.choices import Delivery, Frequency, MeasureTiming
from ipt.phases import Plan
from ipt.schedule import MeasureRule, due_at, due_before_session, parse_sessions
from ipt.validators import validate_instrument_id, validate_session_list


class Program(models.Model):
    """A course template: IPT-16, IPT-12, brief IPT-8, group IPT, maintenance.

    The phase boundaries (``initial_sessions``, ``termination_sessions``) are copied onto
    each course when it opens, so editing a program changes the courses opened after,
    never those running.
    """

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    delivery = models.CharField(
        max_length=12, choices=Delivery.choices, default=Delivery.INDIVIDUAL
    )
    sessions = models.PositiveSmallIntegerField(
        "sessions in all",
        validators=[MinValueValidator(3), MaxValueValidator(60)],
        help_text="The default number of sessions a contract agrees.",
    )
    group_sessions = models.PositiveSmallIntegerField(
        default=0,
        help_text="Of those, how many are group sessions (group IPT); the rest are "
        "individual and come first.",
    )
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    initial_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="The initial phase: sessions 1 to this number.",
    )
    termination_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="The termination phase: this many last sessions of the contract.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive programs are not offered for new courses."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_active", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group_sessions__lt=F("sessions")),
                name="ipt_program_some_individual_sessions",
            ),
            models.CheckConstraint(
                condition=Q(
                    sessions__gte=F("initial_sessions") + F("termination_sessions")
                ),
                name="ipt_program_room_for_phases",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.sessions is not None and self.group_sessions is not None:
            if self.group_sessions >= self.sessions:
                errors["group_sessions"] = "Leave at least one individual session."
            if self.delivery == Delivery.GROUP and not self.group_sessions:
                errors["group_sessions"] = "A group program has group sessions."
        if (
            self.sessions is not None
            and self.initial_sessions is not None
            and self.termination_sessions is not None
            and self.sessions < self.initial_sessions + self.termination_sessions
        ):
            errors["sessions"] = (
                "Too few sessions for the initial and termination phases."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_group(self) -> bool:
        return self.delivery == Delivery.GROUP

    @property
    def minimum_sessions(self) -> int:
        return int(self.initial_sessions) + int(self.termination_sessions)

    def plan(self, planned: int | None = None) -> Plan:
        return Plan(
            planned=planned or self.sessions,
            initial_sessions=self.initial_sessions,
            termination_sessions=self.termination_sessions,
        )

    def measure_rules(self) -> list[MeasureRule]:
        """The schedule as pure rules (prefetch ``measures`` to avoid a query)."""
        return [measure.rule() for measure in self.measures.all()]

    def instruments_before_session(self, session: int) -> list[str]:
        return due_before_session(self.measure_rules(), session)

    def instruments_at(self, timing: MeasureTiming) -> list[str]:
        return due_at(self.measure_rules(), timing)


class ProgramMeasure(models.Model):
    """One line of a program's measure schedule: an instrument and when it is given."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="measures"
    )
    instrument = models.CharField(
        max_length=30,
        validators=[validate_instrument_id],
        help_text="The instrument's id, such as phq9, gad7, auditc, hrsd17.",
    )
    timing = models.CharField(max_length=16, choices=MeasureTiming.choices)
    sessions = models.CharField(
        "before sessions",
        max_length=120,
        blank=True,
        validators=[validate_session_list],
        help_text="Before sessions: the session numbers (1, 4, 8); empty for every "
        "session.",
    )
    months_after_end = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Follow-up: months after the last session."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "timing", "months_after_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(timing="follow_up", months_after_end__isnull=False)
                | (~Q(timing="follow_up") & Q(months_after_end__isnull=True)),
                name="ipt_measure_follow_up_has_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.get_timing_display().lower()}"

    def clean(self) -> None:
        if self.timing == MeasureTiming.FOLLOW_UP and not self.months_after_end:
            raise ValidationError({"months_after_end": "Say how many months after."})
        if self.timing != MeasureTiming.FOLLOW_UP and self.months_after_end:
            raise ValidationError(
                {"months_after_end": "Months are for follow-up measures only."}
            )
        if self.timing != MeasureTiming.BEFORE_SESSION and self.sessions:
            raise ValidationError(
                {"sessions": "Session numbers are for measures before sessions only."}
            )

    def rule(self) -> MeasureRule:
        return MeasureRule(
            instrument=self.instrument,
            timing=self.timing,
            sessions=parse_sessions(self.sessions)
            if self.timing == MeasureTiming.BEFORE_SESSION
            else None,
            months_after_end=self.months_after_end,
        )
