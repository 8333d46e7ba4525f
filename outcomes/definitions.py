"""The thresholds each instrument's outcome statistics turn on, and their sources.

Pure Python like ``outcomes.calculations``: it reads the instrument definitions in
``measures.instruments`` (no Django either) and adds what only outcome statistics need
— response and remission — with a ``verified`` mark that follows
``shared/instruments/instruments.md``. A threshold not in ``VERIFIED`` is provisional:
used, shown with a "provisional" label and a note, and never the basis of an alert.
"""

from __future__ import annotations

from functools import cache

from measures.instruments import REGISTRY
from measures.instruments.base import Instrument
from outcomes.calculations import Band, InstrumentRules, Threshold

# (instrument, what) pairs shared/instruments marks verified. The NHS Talking Therapies
# values are quoted from the manual; the SD and reliability behind the reliable-change
# values are not (shared/instruments §2.1, §2.2), which the docs say.
VERIFIED: frozenset[tuple[str, str]] = frozenset(
    {
        ("phq9", "caseness"),
        ("phq9", "reliable_change"),
        ("gad7", "caseness"),
        ("gad7", "reliable_change"),
    }
)

RESPONSE_SOURCE = (
    "≥ 50 % reduction from baseline: a widely used convention (PHQ-9, HRSD-17); "
    "primary texts not re-checked (shared/instruments §3.2)"
)
RESPONSE_ANALOGY = (
    "≥ 50 % reduction applied by analogy with the PHQ-9: shared/instruments gives no "
    "response convention for the GAD-7"
)

RESPONSE: dict[str, Threshold] = {
    "phq9": Threshold(0.5, RESPONSE_SOURCE, verified=False, label="≥ 50 %"),
    "hrsd17": Threshold(
        0.5,
        "≥ 50 % reduction (Frank et al. 1991), unverified (shared/instruments §2.11)",
        verified=False,
        label="≥ 50 %",
    ),
    "gad7": Threshold(0.5, RESPONSE_ANALOGY, verified=False, label="≥ 50 %"),
}

REMISSION: dict[str, Threshold] = {
    "phq9": Threshold(
        4,
        "PHQ-9 < 5: a widely used convention; primary text not re-checked "
        "(shared/instruments §3.2)",
        verified=False,
        label="< 5",
    ),
    "hrsd17": Threshold(
        7,
        "HRSD-17 ≤ 7 (Frank et al. 1991), unverified (shared/instruments §2.11, §3.2)",
        verified=False,
        label="≤ 7",
    ),
}

# Outcome statistics are about symptom and functioning scales; screeners (PHQ-2,
# GAD-2, TAPS-1, ASQ) and the unsummed C-SSRS have no course outcome.
NOT_OUTCOME_MEASURES = frozenset({"phq2", "gad2", "taps1", "asq", "cssrs", "iip32"})


@cache
def rules_for(instrument_id: str) -> InstrumentRules | None:
    """The outcome rules of an instrument, or ``None`` for one without a summed score
    or not meant to measure change."""
    instrument = REGISTRY.get(instrument_id)
    if instrument is None or instrument.id in NOT_OUTCOME_MEASURES:
        return None
    if instrument.score_range is None:
        return None
    return _rules(instrument)


def _rules(instrument: Instrument) -> InstrumentRules:
    low, high = instrument.score_range or (0, None)
    caseness = None
    if instrument.caseness is not None:
        caseness = Threshold(
            float(instrument.caseness.value),
            instrument.caseness.source,
            verified=(instrument.id, "caseness") in VERIFIED,
            label=f"≥ {instrument.caseness.value}",
        )
    reliable = None
    stored = instrument.reliable_change
    if stored is not None and stored.points is not None:
        reliable = Threshold(
            float(stored.points),
            stored.source,
            verified=(instrument.id, "reliable_change") in VERIFIED,
            label=f"{stored.points} points",
        )
    return InstrumentRules(
        instrument_id=instrument.id,
        name=instrument.short_name,
        score_min=float(low),
        score_max=None if high is None else float(high),
        higher_is_worse=instrument.higher_is_worse,
        bands=tuple(
            Band(band.label, float(band.min), float(band.max))
            for band in instrument.bands
        ),
        caseness=caseness,
        reliable_change=reliable,
        response=RESPONSE.get(instrument.id),
        remission=REMISSION.get(instrument.id),
    )


def outcome_instruments() -> list[str]:
    """Every instrument with outcome rules, in the registry's order."""
    return [i for i in REGISTRY if rules_for(i) is not None]


def alerting_instruments() -> list[str]:
    """Instruments whose not-on-track status may raise an alert (verified threshold)."""
    return [i for i in outcome_instruments() if (r := rules_for(i)) and r.alerting]
