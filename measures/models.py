"""Administrations of rating scales and the risk events their answers raise.

The instruments themselves are data in ``measures.instruments`` (pure Python, no
database); a row here names one by ``instrument_id`` and keeps the version it was
scored with, so a later change to a definition never rewrites a stored score.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

from measures.choices import RiskKind, Source
from measures.instruments import REGISTRY

if TYPE_CHECKING:
    from measures.instruments.base import CriticalItem, Instrument, Item, Option


def instrument_for(instrument_id: str) -> Instrument | None:
    """The definition behind an id, or ``None`` for an id no longer shipped."""
    return REGISTRY.get(instrument_id)


def format_number(value: float) -> str:
    """12.0 → "12", 4.25 → "4.25", -6.0 → "−6" (a true minus sign)."""
    text = f"{round(value, 2):g}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class AnswerRow:
    """One item of a stored administration, as the detail page shows it."""

    item: Item
    position: int | None
    option: Option | None
    critical: bool


@dataclass(frozen=True)
class CriticalAnswer:
    """A critical item that fired, with the rule that made it critical."""

    item: Item
    option: Option | None
    rule: CriticalItem
    kind: RiskKind


def prorated_note_for(
    instrument_id: str, answers: Sequence[int | None], total: float | None
) -> str:
    """ "prorated from 8 of 9 items" for a total that stands for missing answers (the
    PHQ-9, GAD-7 and CORE-10 rules), or "": one wording wherever a total is shown, in
    the reader's language (the patient portal is also in Spanish). The English is the
    scorer's own ``scoring.prorated_note``; a test keeps the two the same."""
    instrument = REGISTRY.get(instrument_id)
    if instrument is None or not instrument.prorates or total is None:
        return ""
    items = len(instrument.items)
    answered = sum(a is not None for a in list(answers)[:items])
    if answered >= items:
        return ""
    return gettext("prorated from %(answered)d of %(items)d items") % {
        "answered": answered,
        "items": items,
    }


class Administration(models.Model):
    """One completed rating scale: the answers as option positions and the score the
    pure scorer computed from them when it was recorded.

    Never edited in place. A correction is a new row that ``supersedes`` this one, in the
    same ``series`` with the next ``revision``; this row then gets ``superseded_at``.
    ``patient`` is empty only for an intake screening done before the person had a
    record; the intake app sets it when the record is made.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="administrations",
        db_index=False,  # the (patient, instrument, date) index serves it
    )
    instrument_id = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=300)
    answers = models.JSONField(default=list)
    """Option positions in item order (0 = the first option listed); ``null`` = missing."""
    extra_answers = models.JSONField(default=list, blank=True)
    """Positions for items asked but never scored (PHQ-9's difficulty question)."""
    total = models.FloatField(null=True, blank=True)
    """A sum, or a mean for MSPSS; empty when the scorer could not compute one."""
    band = models.CharField(max_length=200, blank=True)
    caseness = models.BooleanField(null=True, blank=True)
    critical_items = models.JSONField(default=list, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    incomplete_reason = models.TextField(blank=True)
    administered_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations_entered",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    series = models.UUIDField(default=uuid.uuid4, editable=False)
    """Shared by an administration and all its corrections."""
    revision = models.PositiveSmallIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        db_index=False,  # the partial unique constraint below serves it
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-administered_at", "-id"]
        indexes = [
            models.Index(
                fields=["patient", "instrument_id", "administered_at"],
                name="administration_patient_instr",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(supersedes__isnull=False),
                name="administration_corrected_once",
            ),
            models.UniqueConstraint(
                fields=["series", "revision"], name="administration_revision_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.administered_at:%Y-%m-%d} r{self.revision}"

    @property
    def instrument(self) -> Instrument | None:
        return instrument_for(self.instrument_id)

    @property
    def instrument_name(self) -> str:
        instrument = self.instrument
        return instrument.short_name if instrument else self.instrument_id

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_critical(self) -> bool:
        return bool(self.critical_items)

    @property
    def has_suicide_risk(self) -> bool:
        return any(
            risk_kind_for(self.instrument_id, n) == RiskKind.SUICIDE_RISK
            for n in self.critical_items
        )

    @property
    def total_display(self) -> str:
        """The total as a clinician writes it: 12, 4.25 (a mean), never 12.0; with
        "(prorated from 8 of 9 items)" when answers were missing, wherever it shows."""
        if self.total is None:
            return ""
        note = self.prorated_note
        return (
            f"{format_number(self.total)} ({note})"
            if note
            else format_number(self.total)
        )

    @property
    def prorated_note(self) -> str:
        """ "prorated from 8 of 9 items", or "" for a complete form."""
        return prorated_note_for(self.instrument_id, self.answers, self.total)

    @property
    def unanswered_risk_items(self) -> list[int]:
        """Risk questions left unanswered (PHQ-9 item 9, CORE-10 item 6): the page
        says "risk question not answered" and an alert asks for it."""
        instrument = self.instrument
        if instrument is None:
            return []
        return [
            rule.item
            for rule in instrument.critical_items
            if rule.fires_when_unanswered
            and rule.item <= len(self.answers)
            and self.answers[rule.item - 1] is None
        ]

    def answer_rows(self, instrument: Instrument | None = None) -> list[AnswerRow]:
        """Each item with the option chosen (scored items only). ``instrument`` may be
        the definition with a licensed clinic's wording; by default the shipped one."""
        instrument = instrument or self.instrument
        if instrument is None:
            return []
        fired = set(self.critical_items)
        rows = []
        for item, position in zip(instrument.items, self.answers, strict=False):
            option = None if position is None else item.options[position]
            rows.append(AnswerRow(item, position, option, item.number in fired))
        return rows

    def critical_answers(self) -> list[CriticalAnswer]:
        """The critical items that fired, with their trigger and the action they call for."""
        instrument = self.instrument
        if instrument is None:
            return []
        rules = {rule.item: rule for rule in instrument.critical_items}
        answers = []
        for number in self.critical_items:
            rule = rules.get(number)
            if rule is None:
                continue
            item = instrument.item(number)
            position = self.answers[number - 1]
            option = None if position is None else item.options[position]
            answers.append(
                CriticalAnswer(
                    item, option, rule, risk_kind_for(self.instrument_id, number)
                )
            )
        return answers


# Critical items signal suicide risk unless listed here (the instrument definitions
# say what fires, not what it means for the alerts inbox).
RISK_KINDS: dict[tuple[str, int], RiskKind] = {
    ("pcl5", 16): RiskKind.RISK_TAKING,
}


def risk_kind_for(instrument_id: str, item_number: int) -> RiskKind:
    return RISK_KINDS.get((instrument_id, item_number), RiskKind.SUICIDE_RISK)


class RiskEvent(models.Model):
    """A critical answer, recorded the moment its administration is saved.

    The alerts app builds the inbox, acknowledgement and escalation on these rows;
    until it does, they are listed open on the patient page.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="risk_events",
        db_index=False,  # the (patient, acknowledged_at) index serves it
    )
    administration = models.ForeignKey(
        Administration,
        on_delete=models.CASCADE,
        related_name="risk_events",
        db_index=False,  # the (administration, item_number) constraint serves it
    )
    kind = models.CharField(max_length=20, choices=RiskKind.choices)
    instrument_id = models.CharField(max_length=32)
    item_number = models.PositiveSmallIntegerField()
    answer_position = models.PositiveSmallIntegerField(null=True, blank=True)
    """The option chosen; empty where a refusal is itself critical (ASQ items 1–4)."""
    answer_score = models.SmallIntegerField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["patient", "acknowledged_at"], name="risk_event_patient_open"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "item_number"],
                name="risk_event_once_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.instrument_id} item {self.item_number}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def item(self) -> Item | None:
        instrument = instrument_for(self.instrument_id)
        if instrument is None or not 0 < self.item_number <= len(instrument.items):
            return None
        return instrument.item(self.item_number)
