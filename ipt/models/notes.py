"""Session notes: drafts save, a signed note is locked, corrections are addenda.

The lock is kept three times over: the services refuse, the model refuses to save or
delete a note that was signed when it was loaded, and the database refuses to update a
signed row (a trigger, migration ``0003_lock_signed_notes``).
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from ipt import strategies
from ipt.choices import NoteStatus, Phase, RiskLevel


class NoteLocked(Exception):
    """A signed note (or an addendum) cannot be changed: add an addendum instead."""


class SessionNoteQuerySet(models.QuerySet["SessionNote"]):
    def signed(self) -> SessionNoteQuerySet:
        return self.filter(status=NoteStatus.SIGNED)


class SessionNote(models.Model):
    """The note of an attended session. Its structure follows the phase (copied from
    the session) and the course's problem areas: the checklist holds the initial or
    termination tasks and the areas' strategies ticked (``ipt.strategies`` codes)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        "ipt.CourseSession", on_delete=models.CASCADE, related_name="note"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    phase = models.CharField(max_length=12, choices=Phase.choices)
    status = models.CharField(
        max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT
    )
    mood = models.PositiveSmallIntegerField(
        "mood this week (0 worst – 10 best)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    cravings = models.PositiveSmallIntegerField(
        "cravings this week (0 none – 10 strongest)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    week_events = models.TextField("the week's interpersonal events", blank=True)
    since_last_time = models.TextField(
        "since last time: mood and cravings against the week's events", blank=True
    )
    checklist = models.JSONField(default=list, blank=True)
    techniques = models.JSONField(default=list, blank=True)
    homework_reviewed = models.TextField(blank=True)
    homework_set = models.TextField(blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_notes = models.TextField("risk review", blank=True)
    plan = models.TextField(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionNoteQuerySet.as_manager()

    class Meta:
        ordering = ["session__held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="signed") & Q(signed_at__isnull=False))
                | (Q(status="draft") & Q(signed_at__isnull=True)),
                name="ipt_note_signed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__lte=10),
                name="ipt_note_mood_0_10",
            ),
            models.CheckConstraint(
                condition=Q(cravings__isnull=True) | Q(cravings__lte=10),
                name="ipt_note_cravings_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Note ({self.get_status_display().lower()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_signed_when_loaded", False):
            raise NoteLocked("This note is signed: add an addendum instead.")
        super().save(*args, **kwargs)
        self._signed_when_loaded = self.status == NoteStatus.SIGNED

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status == NoteStatus.SIGNED or getattr(
            self, "_signed_when_loaded", False
        ):
            raise NoteLocked(
                "A signed note is part of the record and is never deleted."
            )
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> SessionNote:
        note = super().from_db(db, field_names, values)
        note._signed_when_loaded = note.status == NoteStatus.SIGNED
        return note

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def checklist_labels(self) -> list[str]:
        return strategies.labels_for(self.checklist)

    @property
    def technique_labels(self) -> list[str]:
        return strategies.labels_for(self.techniques)


class NoteAddendum(models.Model):
    """A correction or addition to a signed note: written once, never changed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(
        SessionNote, on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "note addenda"

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%d %b %Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise NoteLocked("An addendum cannot be changed: add another.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise NoteLocked("An addendum is part of the record and is never deleted.")
