"""Staff accounts, the sites and teams they work in, and recorded break-the-glass access."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from accounts.choices import CLINICAL_ROLES, Role


class Site(models.Model):
    """A place the program runs: its own address, time zone and teams."""

    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A clinical team at a site; its supervisors see its patients.

    ``part2_program`` marks the team as a 42 CFR Part 2 program (an identified unit
    that holds itself out as treating substance use disorders): every course it opens
    is stamped Part 2 (``ipt.Course.part2``), and its patients' records are Part 2
    (``disclosures.rules``; docs/decisions/0022).
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    part2_program = models.BooleanField(
        "42 CFR Part 2 program",
        default=False,
        help_text="The team provides substance use disorder treatment: its records "
        "leave it only under a Part 2 consent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="team_unique_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site.name})"


class Staff(AbstractUser):
    """A person who signs in to work: one account each, never shared (HIPAA unique ID)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    professional_title = models.CharField(max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "staff member"
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's admin site is the administrators' tool and theirs alone: the flags
        # it checks follow the role, so they cannot drift from it.
        self.is_staff = self.is_superuser = self.role == Role.ADMINISTRATOR
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_intake(self) -> bool:
        return self.role == Role.INTAKE

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class BreakGlassAccess(models.Model):
    """Emergency access to a record outside one's care team: reason given, time-limited,
    audited, and listed for the patient's team supervisors to review."""

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="break_glass_accesses",
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["staff", "patient", "expires_at"])]
        verbose_name_plural = "break-the-glass accesses"

    def __str__(self) -> str:
        return f"Break-the-glass by {self.staff} at {self.granted_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
