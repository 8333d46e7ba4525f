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

# (instrument, what) pairs verified (P or S) by shared/instruments/VERIFICATION.md, the
# later word on instruments.md; docs/outcomes.md cites each source. What is not here
# (U) stays provisional and raises no alert.
VERIFIED: frozenset[tuple[str, str]] = frozenset(
    {
        ("phq9", "caseness"),  # ≥ 10, NHS Data Dictionary (P, §3)
        ("phq9", "reliable_change"),  # 6, NCT05134103, KCL code (S, §3)
        ("phq9", "response"),  # ≥ 50 %, ICSI; NQF 1885 (S, §1)
        ("phq9", "remission"),  # < 5, CMS159v9 (P, §1)
        ("gad7", "caseness"),  # ≥ 8, NHS Data Dictionary (P, §3)
        ("gad7", "reliable_change"),  # 4, as the PHQ-9's 6 (S, §3)
        ("hrsd17", "response"),  # ≥ 50 %, Riedel et al. 2010 (S, §4)
        ("hrsd17", "remission"),  # ≤ 7, Frank 1991 via Zimmerman (S, §4)
        ("pcl5", "caseness"),  # 31–33, Bovin et al. 2016 (P, §9)
        ("audit", "caseness"),  # ≥ 8, WHO 2001 via Khadjesari 2017 (S, §7)
        ("dast10", "caseness"),  # ≥ 3 "moderate", NIDA CDE (P, §8)
    }
)

RESPONSE_SOURCE = (
    "≥ 50 % reduction from baseline: ICSI depression guideline; NQF 1885 "
    "(VERIFICATION.md §1, S)"
)
RESPONSE_ANALOGY = (
    "≥ 50 % reduction applied by analogy with the PHQ-9: shared/instruments gives no "
    "response convention for the GAD-7"
)

RESPONSE: dict[str, Threshold] = {
    "phq9": Threshold(
        0.5, RESPONSE_SOURCE, verified=("phq9", "response") in VERIFIED, label="≥ 50 %"
    ),
    "hrsd17": Threshold(
        0.5,
        "≥ 50 % reduction: convention confirmed by Riedel et al. 2010 "
        "(VERIFICATION.md §4, S)",
        verified=("hrsd17", "response") in VERIFIED,
        label="≥ 50 %",
    ),
    "gad7": Threshold(0.5, RESPONSE_ANALOGY, verified=False, label="≥ 50 %"),
}

REMISSION: dict[str, Threshold] = {
    "phq9": Threshold(
        4,
        "PHQ-9 < 5: CMS159v9 eCQM specification (VERIFICATION.md §1, P)",
        verified=("phq9", "remission") in VERIFIED,
        label="< 5",
    ),
    "hrsd17": Threshold(
        7,
        "HRSD-17 ≤ 7: Frank et al. 1991 consensus, quoted by Zimmerman et al. "
        "(VERIFICATION.md §4, S)",
        verified=("hrsd17", "remission") in VERIFIED,
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
