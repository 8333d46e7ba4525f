"""Expected trajectories: how the service's own finished courses changed, session by
session, for each instrument and starting severity band. No patient data: counts and
fitted numbers only (``outcomes.calculations.ExpectedModel``)."""

from __future__ import annotations

from django.db import models

from outcomes.calculations import ExpectedModel


class ExpectedTrajectory(models.Model):
    """The fitted expected change for one instrument and starting band, refitted by a
    periodic job (``outcomes.tasks``). Used for not-on-track only when ``courses``
    reaches ``IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES``; the stated rule applies until
    then."""

    instrument_id = models.CharField(max_length=32)
    band = models.CharField(max_length=200)
    courses = models.PositiveIntegerField()
    slope = models.FloatField(help_text="Expected change per ln(1 + session).")
    lower = models.FloatField(help_text="Lower residual percentile (points).")
    upper = models.FloatField(help_text="Upper residual percentile (points).")
    percentile = models.PositiveSmallIntegerField(default=90)
    version = models.CharField(max_length=40)
    fitted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument_id", "band"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_id", "band"], name="expected_trajectory_once"
            )
        ]
        verbose_name_plural = "expected trajectories"

    def __str__(self) -> str:
        return f"{self.instrument_id} from {self.band} ({self.courses} courses)"

    def as_model(self) -> ExpectedModel:
        return ExpectedModel(
            instrument_id=self.instrument_id,
            band=self.band,
            courses=self.courses,
            slope=self.slope,
            lower=self.lower,
            upper=self.upper,
            percentile=self.percentile,
            version=self.version,
        )


class CourseOutcome(models.Model):
    """One course's figures as the service dashboard counts them, precomputed by the
    periodic job ``outcomes.tasks.service_outcomes_refresh`` so that the dashboard is a
    handful of aggregate queries over one narrow table whatever the size of the
    service. Never shown row by row and never addressed by a URL: only counts leave it.

    The outcome statuses are ``outcomes.calculations``' (through
    ``outcomes.service.course_figures``); the fidelity elements are
    ``supervision.fidelity``'s (``None``: not yet due)."""

    course = models.OneToOneField(
        "ipt.Course", on_delete=models.CASCADE, related_name="service_outcome"
    )
    clinician = models.ForeignKey(
        "accounts.Staff", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    site = models.ForeignKey(
        "accounts.Site", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    program = models.ForeignKey(
        "ipt.Program", on_delete=models.CASCADE, related_name="+"
    )
    problem_area = models.CharField(max_length=12, blank=True)
    referred_on = models.DateField(null=True)
    opened_on = models.DateField()
    first_session_on = models.DateField(null=True)
    waited_days = models.PositiveIntegerField(
        null=True, help_text="Referral to the first attended session."
    )
    ended_on = models.DateField(null=True)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    sessions_missed = models.PositiveSmallIntegerField(default=0)
    sessions_planned = models.PositiveSmallIntegerField(default=0)
    finished = models.BooleanField(
        default=False, help_text="Ended with at least two attended sessions (NHS)."
    )
    dropped_out = models.BooleanField(default=False)
    measure = models.CharField(max_length=12, blank=True)
    caseness = models.BooleanField(null=True)
    recovery = models.BooleanField(null=True)
    reliable_improvement = models.BooleanField(null=True)
    reliable_deterioration = models.BooleanField(null=True)
    reliable_recovery = models.BooleanField(null=True)
    baseline_severity = models.FloatField(null=True, help_text="PHQ-9 baseline.")
    follow_up_1_due = models.BooleanField(default=False)
    follow_up_1_returned = models.BooleanField(default=False)
    follow_up_3_due = models.BooleanField(default=False)
    follow_up_3_returned = models.BooleanField(default=False)
    follow_up_6_due = models.BooleanField(default=False)
    follow_up_6_returned = models.BooleanField(default=False)
    kept_inventory = models.BooleanField(null=True)
    kept_problem_area = models.BooleanField(null=True)
    kept_formulation = models.BooleanField(null=True)
    kept_contract = models.BooleanField(null=True)
    kept_areas = models.BooleanField(null=True)
    kept_measures = models.BooleanField(null=True)
    kept_termination = models.BooleanField(null=True)
    kept_relapse_plan = models.BooleanField(null=True)
    # Use outcome terms (recovery.calculations.use_outcome), for ended courses whose
    # patient reported use; all empty otherwise (docs/outcomes.md, "Use outcomes").
    use_recorded = models.BooleanField(default=False)
    use_abstinent_last_28 = models.BooleanField(
        null=True, help_text="Empty when the last 28 days are not known."
    )
    use_pda_start = models.FloatField(
        null=True,
        help_text="% days abstinent at the start (substances known at both ends).",
    )
    use_pda_end = models.FloatField(
        null=True, help_text="% days abstinent at the end (same substances)."
    )
    use_heavy_reduction = models.FloatField(
        null=True, help_text="Heavy-drinking days per 28 days, start minus end."
    )
    computed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course_id"]
        indexes = [
            models.Index(fields=["ended_on"], name="course_outcome_ended"),
            models.Index(fields=["opened_on"], name="course_outcome_opened"),
            models.Index(fields=["team", "ended_on"], name="course_outcome_team"),
        ]

    def __str__(self) -> str:
        return f"Service figures of course {self.course_id}"
