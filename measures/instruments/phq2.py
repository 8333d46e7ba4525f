"""PHQ-2 — items 1–2 of the PHQ-9 (depression screen, self-report).

Sources (via ``shared/instruments``): Kroenke, Spitzer & Williams, Med Care
2003;41:1284–92 (screen positive ≥3 → give the full PHQ-9); LOINC panel 55757-9 and
total 55758-7 (awell-score, LOINC registration tests). Same Pfizer licence as the
PHQ-9. Bands and reliable change: none verified. A screen, not an outcome measure.
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Cutoff,
    Instrument,
    Loinc,
    Respondent,
    Score,
)
from measures.instruments.phq9 import ITEMS as PHQ9_ITEMS
from measures.instruments.phq9 import PFIZER_LICENCE
from measures.instruments.scoring import sum_scorer

PHQ2 = Instrument(
    id="phq2",
    name="Patient Health Questionnaire-2 (PHQ-2)",
    short_name="PHQ-2",
    version="English (US), items 1–2 of the Pfizer PHQ-9 form",
    respondent=Respondent.SELF_REPORT,
    recall_period="last 2 weeks",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?"
    ),
    items=PHQ9_ITEMS[:2],
    scoring="Sum of items 1–2 (0–6).",
    score_range=(0, 6),
    caseness=Cutoff(
        3, "screen positive: give the full PHQ-9", "Kroenke, Spitzer & Williams 2003"
    ),
    loinc=Loinc(panel="55757-9", total="55758-7", answer_list="LL358-3"),
    licence=PFIZER_LICENCE,
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=("Kroenke K, Spitzer RL, Williams JB. Med Care 2003;41:1284-92",),
    scorer=sum_scorer,
)


def score(answers: Answers) -> Score:
    """Score PHQ-2 option positions (0 = "Not at all" … 3 = "Nearly every day")."""
    return PHQ2.score(answers)
