"""The initial phase's tools: the interpersonal inventory, the timeline, the chosen
problem areas and the goals of the contract with their ratings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ipt.choices import (
    ContactFrequency,
    DatePrecision,
    DisputeStage,
    EventKind,
    ExpectationsMet,
    ProblemArea,
    Quality,
    Relationship,
    TimelineCategory,
)
from ipt.gas import LEVEL_WORDS


class InventoryPerson(models.Model):
    """One important person in the patient's life, as the interpersonal inventory
    records them (closeness 5 = closest)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "ipt.Course", on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField(
        "name or role",
        max_length=80,
        help_text="A first name or a role: 'Mum', 'my boss'.",
    )
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    contact_frequency = models.CharField(
        "how often in contact", max_length=10, choices=ContactFrequency.choices
    )
    closeness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="5 = closest, 1 = least close.",
    )
    quality = models.CharField(
        "quality of the relationship", max_length=10, choices=Quality.choices
    )
    satisfying = models.TextField("what is satisfying", blank=True)
    unsatisfying = models.TextField("what is unsatisfying", blank=True)
    expectations = models.TextField("mutual expectations", blank=True)
    expectations_met = models.CharField(
        "are the expectations met",
        max_length=8,
        choices=ExpectationsMet.choices,
        default=ExpectationsMet.UNKNOWN,
    )
    desired_change = models.TextField("what the patient would change", blank=True)
    supports_recovery = models.BooleanField(default=False)
    uses_with_patient = models.BooleanField("uses with the patient", default=False)
    is_trigger = models.BooleanField("is a trigger", default=False)
    deceased = models.BooleanField("has died", default=False)
    # The patient may add people in the portal; the clinician reviews them.
    added_by_patient = models.BooleanField(default=False)
    patient_reviewed_at = models.DateTimeField(
        "reviewed with the patient", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-closeness", "name", "id"]
        verbose_name = "person in the inventory"
        verbose_name_plural = "people in the inventory"
        constraints = [
            models.CheckConstraint(
                condition=Q(closeness__gte=1, closeness__lte=5),
                name="ipt_person_closeness_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def awaits_review(self) -> bool:
        """Added or changed by the patient in the portal and not yet reviewed."""
        return self.added_by_patient and self.patient_reviewed_at is None

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.supports_recovery:
            flags.append("supports recovery")
        if self.uses_with_patient:
            flags.append("uses with the patient")
        if self.is_trigger:
            flags.append("trigger")
        return flags


class TimelineEntry(models.Model):
    """A dated (or approximately dated) life event, symptom episode or period of
    substance use. Episodes and periods have an end, or none while ongoing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "ipt.Course", on_delete=models.CASCADE, related_name="timeline"
    )
    category = models.CharField(max_length=14, choices=TimelineCategory.choices)
    kind = models.CharField(max_length=12, choices=EventKind.choices, blank=True)
    title = models.CharField(
        max_length=120, help_text="A few words: 'Mother died', 'Depressive episode'."
    )
    started_on = models.DateField("date")
    ended_on = models.DateField("ended", null=True, blank=True)
    precision = models.CharField(
        "how exact the date is",
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.MONTH,
    )
    someone_died = models.BooleanField(
        "a death", default=False, help_text="Someone significant died."
    )
    person = models.ForeignKey(
        InventoryPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="Who it concerns, if they are in the inventory.",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name_plural = "timeline entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(category="life_event") & ~Q(kind="") & Q(ended_on__isnull=True)
                )
                | (~Q(category="life_event") & Q(kind="")),
                name="ipt_timeline_kind_for_events_only",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="ipt_timeline_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(someone_died=False) | Q(kind="loss"),
                name="ipt_timeline_death_is_a_loss",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.category == TimelineCategory.LIFE_EVENT:
            if not self.kind:
                errors["kind"] = "Say what kind of event it was."
            if self.ended_on:
                errors["ended_on"] = "A life event has one date."
        elif self.kind:
            errors["kind"] = "Only life events have a kind."
        if self.someone_died and self.kind != EventKind.LOSS:
            errors["someone_died"] = "A death is recorded as a death or loss."
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "It ended before it started."
        if errors:
            raise ValidationError(errors)

    @property
    def approximate(self) -> bool:
        return self.precision != DatePrecision.DAY

    @property
    def when(self) -> str:
        """The date as exactly as it is known."""
        day = self.started_on
        if self.precision == DatePrecision.DAY:
            text = f"{day:%-d %B %Y}"
        elif self.precision == DatePrecision.MONTH:
            text = f"{day:%B %Y}"
        elif self.precision == DatePrecision.YEAR:
            text = f"{day:%Y}"
        else:
            text = f"about {day:%B %Y}"
        if self.category != TimelineCategory.LIFE_EVENT:
            text += f" to {self.ended_on:%B %Y}" if self.ended_on else ", ongoing"
        return text


class CourseProblemArea(models.Model):
    """A problem area the clinician chose for the course (one, at most two: rank 1 or 2),
    with the stage of the dispute for disputes."""

    course = models.ForeignKey(
        "ipt.Course", on_delete=models.CASCADE, related_name="problem_areas"
    )
    area = models.CharField(max_length=12, choices=ProblemArea.choices)
    rank = models.PositiveSmallIntegerField()
    dispute_stage = models.CharField(
        max_length=14, choices=DisputeStage.choices, blank=True
    )
    was_suggested = models.BooleanField(
        default=False, help_text="The suggestion named this area when it was chosen."
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["course", "area"], name="ipt_area_once"),
            # Ranks 1 and 2 only, each once: at most two areas, in the database too.
            models.UniqueConstraint(
                fields=["course", "rank"], name="ipt_area_rank_once"
            ),
            models.CheckConstraint(
                condition=Q(rank__in=[1, 2]), name="ipt_area_at_most_two"
            ),
            models.CheckConstraint(
                condition=(Q(area="disputes") & ~Q(dispute_stage=""))
                | (~Q(area="disputes") & Q(dispute_stage="")),
                name="ipt_area_dispute_has_stage",
            ),
        ]

    def __str__(self) -> str:
        if self.dispute_stage:
            return f"{self.get_area_display()} ({self.get_dispute_stage_display().lower()})"
        return self.get_area_display()


class Goal(models.Model):
    """A goal of the contract for one of the chosen problem areas (by its value, so the
    areas may be re-chosen while the contract is a draft), with its Goal Attainment
    Scaling levels −2..+2 described in words (0 = the expected outcome)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "ipt.Course", on_delete=models.CASCADE, related_name="goals"
    )
    area = models.CharField("problem area", max_length=12, choices=ProblemArea.choices)
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    level_minus_2 = models.CharField("−2: much less than expected", max_length=200)
    level_minus_1 = models.CharField("−1: somewhat less than expected", max_length=200)
    level_0 = models.CharField("0: the expected outcome", max_length=200)
    level_plus_1 = models.CharField("+1: somewhat more than expected", max_length=200)
    level_plus_2 = models.CharField("+2: much more than expected", max_length=200)
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "area", "position"]
        constraints = [
            # Positions 1–3, each once per area: at most three goals, in the database.
            models.UniqueConstraint(
                fields=["course", "area", "position"], name="ipt_goal_position_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=3),
                name="ipt_goal_at_most_three_per_area",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def levels(self) -> list[tuple[int, str, str]]:
        """(level, what it means, what it looks like for this goal), −2 to +2."""
        described = [
            self.level_minus_2,
            self.level_minus_1,
            self.level_0,
            self.level_plus_1,
            self.level_plus_2,
        ]
        return [
            (level, LEVEL_WORDS[level], text)
            for level, text in zip(range(-2, 3), described, strict=True)
        ]

    def describe(self, level: int) -> str:
        return {lvl: text for lvl, _words, text in self.levels}.get(level, "")


class GoalRating(models.Model):
    """The goal's attainment on its GAS scale at a point in the course."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    level = models.SmallIntegerField(
        validators=[MinValueValidator(-2), MaxValueValidator(2)]
    )
    rated_on = models.DateField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rated_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=-2, level__lte=2), name="ipt_rating_gas_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level:+d} on {self.rated_on:%d %b %Y}"
