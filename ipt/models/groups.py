"""Group IPT: a group with its facilitators and members (each with their own course,
problem area and goals) and its sessions. Attendance and notes are per member: a group
session records one ``CourseSession`` for each member, and the note hangs off that."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Group(models.Model):
    """A therapy group run by a team: its facilitators join each member's care team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        max_length=80, help_text="No patient names: 'Tuesday evening group'."
    )
    program = models.ForeignKey(
        "ipt.Program", on_delete=models.PROTECT, related_name="groups"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+"
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="ipt_groups"
    )
    starts_on = models.DateField(default=timezone.localdate)
    max_members = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(2), MaxValueValidator(14)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A member of a group, through their own course (one group per course)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    course = models.OneToOneField(
        "ipt.Course", on_delete=models.CASCADE, related_name="group_membership"
    )
    joined_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "joined_on", "id"]

    def __str__(self) -> str:
        return f"Member of {self.group}"


class GroupSession(models.Model):
    """A meeting of the group. Its theme is written without names; what each member did
    is in their own session note."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    theme = models.CharField(max_length=200, blank=True, help_text="No names.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "number"], name="ipt_group_session_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"Group session {self.number}"
