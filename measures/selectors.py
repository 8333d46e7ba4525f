"""Reads of administrations and risk events. Callers have already got the patient
through ``accounts.access`` (which wrote the audit row for the page); everything here is
fetched *through* that patient, so a foreign id is a 404."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from measures.instruments.change import Direction, reliable_change
from measures.models import Administration, RiskEvent, format_number, instrument_for

if TYPE_CHECKING:
    from patients.models import Patient

PATIENT_PAGE_ROWS = 30
PATIENT_PAGE_RISK_EVENTS = 20


@dataclass(frozen=True)
class Change:
    """A score against the first scored administration of the same instrument."""

    points: float
    reliable: bool
    direction: str  # "better", "worse" or "same"

    @property
    def points_display(self) -> str:
        """Signed: "−6", "+2", "0"."""
        text = format_number(self.points)
        return f"+{text}" if self.points > 0 else text

    @property
    def reliable_label(self) -> str:
        if not self.reliable or self.direction == "same":
            return ""
        return (
            "reliable improvement"
            if self.direction == "better"
            else "reliable deterioration"
        )


@dataclass(frozen=True)
class AdministrationRow:
    administration: Administration
    change: Change | None
    is_first: bool


@dataclass(frozen=True)
class PatientMeasures:
    """What the patient page shows of the patient's measures."""

    rows: list[AdministrationRow]
    more: bool
    open_risk_events: list[RiskEvent] = field(default_factory=list)


def change_between(
    instrument_id: str, first: float | None, later: float | None
) -> Change | None:
    """The change from ``first`` to ``later`` and whether it is reliable by the
    instrument's threshold (``measures.instruments.change``)."""
    if first is None or later is None:
        return None
    points = round(later - first, 2)
    instrument = instrument_for(instrument_id)
    higher_is_worse = instrument.higher_is_worse if instrument else True
    if points == 0:
        direction = "same"
    else:
        direction = "worse" if (points > 0) == higher_is_worse else "better"
    reliable = instrument is not None and reliable_change(
        instrument, first, later
    ).direction in {
        Direction.IMPROVED,
        Direction.DETERIORATED,
    }
    return Change(points=points, reliable=reliable, direction=direction)


def _current(patient: Patient) -> QuerySet[Administration]:
    return Administration.objects.filter(patient=patient, superseded_at__isnull=True)


def patient_measures(*, patient: Patient) -> PatientMeasures:
    """The patient's current administrations, newest first, each with its change since
    the first scored administration of the same instrument, and the open risk events.
    Two queries, whatever the number of administrations."""
    first = (
        _current(patient)
        .filter(instrument_id=OuterRef("instrument_id"), total__isnull=False)
        .order_by("administered_at", "id")
    )
    administrations = list(
        _current(patient)
        .annotate(
            first_total=Subquery(first.values("total")[:1]),
            first_id=Subquery(first.values("id")[:1]),
        )
        .select_related("entered_by")
        .order_by("-administered_at", "-id")[: PATIENT_PAGE_ROWS + 1]
    )
    rows = [
        AdministrationRow(
            administration=a,
            change=change_between(a.instrument_id, a.first_total, a.total),
            is_first=a.first_id == a.pk,
        )
        for a in administrations[:PATIENT_PAGE_ROWS]
    ]
    events = list(
        RiskEvent.objects.filter(patient=patient, acknowledged_at__isnull=True)
        .select_related("administration")
        .order_by("-created_at", "-id")[:PATIENT_PAGE_RISK_EVENTS]
    )
    return PatientMeasures(
        rows=rows,
        more=len(administrations) > PATIENT_PAGE_ROWS,
        open_risk_events=events,
    )


def administration_for_patient(
    *, patient: Patient, public_id: uuid.UUID
) -> Administration:
    """One administration of this patient (any version); 404 for anyone else's."""
    return get_object_or_404(
        Administration.objects.select_related("entered_by", "supersedes"),
        public_id=public_id,
        patient=patient,
    )


def administration_history(administration: Administration) -> list[Administration]:
    """Every version of this administration, the first first."""
    return list(
        Administration.objects.filter(
            series=administration.series, patient=administration.patient
        )
        .select_related("entered_by")
        .order_by("revision")
    )


def administration_risk_events(administration: Administration) -> list[RiskEvent]:
    """The risk events of this administration and of the versions it corrects."""
    return list(
        RiskEvent.objects.filter(
            administration__series=administration.series,
            administration__revision__lte=administration.revision,
        ).order_by("item_number", "created_at")
    )
