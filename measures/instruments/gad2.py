"""GAD-2 — items 1–2 of the GAD-7 (anxiety screen, self-report).

Sources (via ``shared/instruments``): Kroenke K et al., Ann Intern Med 2007;146:317–25
(screen positive ≥3 → give the full GAD-7; sensitivity 86 %, specificity 83 % for GAD).
LOINC item codes as GAD-7 items 1–2; panel and total codes unverified, so not set. Same
Pfizer licence. A screen, not an outcome measure.
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
from measures.instruments.gad7 import INSTRUCTIONS
from measures.instruments.gad7 import ITEMS as GAD7_ITEMS
from measures.instruments.phq9 import PFIZER_LICENCE
from measures.instruments.scoring import sum_scorer

GAD2 = Instrument(
    id="gad2",
    name="Generalized Anxiety Disorder 2-item (GAD-2)",
    short_name="GAD-2",
    version="English (US), items 1–2 of the Pfizer GAD-7 form",
    respondent=Respondent.SELF_REPORT,
    recall_period="last 2 weeks",
    instructions=INSTRUCTIONS,
    items=GAD7_ITEMS[:2],
    scoring="Sum of items 1–2 (0–6).",
    score_range=(0, 6),
    caseness=Cutoff(3, "screen positive: give the full GAD-7", "Kroenke et al. 2007"),
    loinc=Loinc(answer_list="LL358-3", note="panel and total codes unverified"),
    licence=PFIZER_LICENCE,
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=("Kroenke K et al. Ann Intern Med 2007;146:317-25",),
    scorer=sum_scorer,
)


def score(answers: Answers) -> Score:
    """Score GAD-2 option positions (0 = "Not at all" … 3 = "Nearly every day")."""
    return GAD2.score(answers)
