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
