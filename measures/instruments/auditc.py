"""AUDIT-C — the three consumption items of the AUDIT (self-report).

Sources (via ``shared/instruments``): Bush K et al., Arch Intern Med 1998;158:1789–95;
cut-offs ≥4 for men and ≥3 for women from the LOINC 75626-2 description (Bradley et al.
2003); LOINC panel 72109-2, total 75626-2; "available for use in the public domain"
(SAMHSA-HRSA sheet quoted by CamCOPS; HL7 US Core). Items are AUDIT items 1–3 and keep
the WHO licence attribution.

Because the cut-off depends on sex and the scorer takes answers only, caseness is
``True`` at 4+, ``False`` at 0–2 and ``None`` at exactly 3 (positive for women only);
the note says so. Missing answers: the WHO skip rule for the same three items applies
(item 1 "Never" → items 2–3 score 0); otherwise no total.
"""

from __future__ import annotations

from dataclasses import replace

from measures.instruments.audit import ITEMS as AUDIT_ITEMS
from measures.instruments.audit import WHO_LICENCE, effective_scores
from measures.instruments.base import (
    Answers,
    Cutoff,
    Instrument,
    Loinc,
    Respondent,
    Score,
    Selected,
)
from measures.instruments.scoring import build, unverified_missing_reason

MEN = Cutoff(4, "positive screen, men", "LOINC 75626-2; Bradley et al. 2003")
WOMEN = Cutoff(3, "positive screen, women", "LOINC 75626-2; Bradley et al. 2003")

ITEM1_ONLY = (
    "All points come from item 1 (items 2 and 3 are 0): drinking is probably within "
    "recommended limits (LOINC 75626-2)."
)
SEX_DEPENDENT = (
    "A total of 3 is a positive screen for women (3+) but not for men (4+): caseness "
    "depends on sex."
)


def _score(instrument: Instrument, selected: Selected) -> Score:
    scores = effective_scores(selected)
    missing = [
        item for item, s in zip(instrument.items, scores, strict=True) if s is None
    ]
    if missing:
        reason = unverified_missing_reason(instrument, missing)
        return build(instrument, selected, total=None, reason=reason, scores=scores)
    present = [s for s in scores if s is not None]
    total = sum(present)
    notes = []
    caseness: bool | None
    if total >= MEN.value:
        caseness = True
    elif total >= WOMEN.value:
        caseness = None
        notes.append(SEX_DEPENDENT)
    else:
        caseness = False
    if total > 0 and present[1] == 0 and present[2] == 0:
        notes.append(ITEM1_ONLY)
    result = build(instrument, selected, total=total, notes=notes, scores=scores)
    # build() knows a single cut-off; this screen has one per sex.
    return replace(result, caseness=caseness)


AUDITC = Instrument(
    id="auditc",
    name="AUDIT-Consumption (AUDIT-C)",
    short_name="AUDIT-C",
    version="WHO AUDIT items 1–3, standard drinks",
    respondent=Respondent.SELF_REPORT,
    recall_period="past year",
    instructions=None,
    items=AUDIT_ITEMS[:3],
    scoring="Sum of items 1–3 (0–12).",
    score_range=(0, 12),
    other_cutoffs=(MEN, WOMEN),
    loinc=Loinc(panel="72109-2", total="75626-2"),
    licence=WHO_LICENCE,
    missing_rule=(
        "Item 1 'Never' lets items 2–3 be left out (score 0, WHO skip rule); any other "
        "missing item: no total."
    ),
    missing_rule_verified=True,
    sources=(
        "Bush K et al. Arch Intern Med 1998;158:1789-95",
        "loinc.org/75626-2",
        "HL7 US Core Questionnaire-AUDIT-C",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score AUDIT-C option positions (AUDIT items 1–3)."""
    return AUDITC.score(answers)
