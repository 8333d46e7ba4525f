"""DAST-10 — Drug Abuse Screening Test, 10 items (Skinner; self-report). Scoring only.

Sources (via ``shared/instruments``): Skinner HA, Addict Behav 1982;7:363–71; scoring
(yes = 1, item 3 reversed) and range 0–10 as in CamCOPS ``dast``; bands from the NIDA
Common Data Element 3254089; cut-off ≥3 and LOINC panel 82666-9 / total 82667-7 from
LOINC 82667-7; item LOINC codes unverified.

Licence: © 1982 Harvey A. Skinner and CAMH: "You may reproduce this instrument for
non-commercial use (clinical, research, training purposes) as long as you credit the
author"; NIH FITBIR: "copyrighted form … To use this tool, please contact Dr. Harvey
Skinner". IPT Care does not ship the wording: items carry neutral labels and a clinic
with a licence (or a non-commercial deployment entitled to the grant) loads the wording
with ``licensed_text``.

Item 3 is reverse-keyed: "No" scores 1. Recall: past 12 months, drugs other than
alcohol and tobacco. Missing items: no total (no verified rule).
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Band,
    Cutoff,
    Instrument,
    Item,
    Licence,
    Loinc,
    Option,
    Respondent,
    Score,
)
from measures.instruments.scoring import sum_scorer

NO_YES = (Option("No", 0), Option("Yes", 1))
# Item 3 asks about being able to stop: "No" is the problem answer.
NO_YES_REVERSED = (Option("No", 1), Option("Yes", 0))
REVERSED_ITEMS = (3,)

ITEMS = tuple(
    Item(
        number=n,
        label=f"Item {n}",
        options=NO_YES_REVERSED if n in REVERSED_ITEMS else NO_YES,
        reverse_keyed=n in REVERSED_ITEMS,
    )
    for n in range(1, 11)
)

DAST10 = Instrument(
    id="dast10",
    name="Drug Abuse Screening Test, 10-item (DAST-10)",
    short_name="DAST-10",
    version="Skinner 1982, 10-item form (wording not shipped)",
    respondent=Respondent.SELF_REPORT,
    recall_period="past 12 months",
    instructions=None,
    items=ITEMS,
    scoring="Yes = 1, No = 0, except item 3 (No = 1); sum 0–10.",
    score_range=(0, 10),
    bands=(
        Band("no problems reported", 0, 0),
        Band("low", 1, 2),
        Band("moderate", 3, 5),
        Band("substantial", 6, 8),
        Band("severe", 9, 10),
    ),
    caseness=Cutoff(3, "possible drug-use problem", "LOINC 82667-7"),
    loinc=Loinc(panel="82666-9", total="82667-7", note="item codes unverified"),
    licence=Licence(
        status="permission needed for commercial use",
        ship_text=False,
        attribution=(
            "Copyright 1982 by Harvey A. Skinner, PhD, and the Centre for Addiction "
            "and Mental Health, Toronto, Canada."
        ),
        terms=(
            "'You may reproduce this instrument for non-commercial use (clinical, "
            "research, training purposes) as long as you credit the author.' "
            "Commercial use needs written permission."
        ),
        source="CamCOPS dast.rst; NIH FITBIR DAST10",
    ),
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=(
        "Skinner HA. Addict Behav 1982;7:363-71",
        "NIDA CDE 3254089",
        "loinc.org/82667-7",
    ),
    scorer=sum_scorer,
)


def score(answers: Answers) -> Score:
    """Score DAST-10 option positions (0 = No, 1 = Yes; item 3 reverse-scored)."""
    return DAST10.score(answers)
