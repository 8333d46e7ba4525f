"""GAD-7 — Generalized Anxiety Disorder 7-item scale (anxiety severity, self-report).

Sources (via ``shared/instruments``): Spitzer RL et al., Arch Intern Med
2006;166:1092–7 (items, bands, screening cut-off ≥10); NHS Talking Therapies Manual
(caseness ≥8, reliable change 4); LOINC item codes from the MII PRO IG. Licence: Pfizer,
as the PHQ. The lowest option is "Not at all", not "Not at all sure" (Zorowitz et al.,
Lancet Psychiatry 2021;8:180).

Missing answers: one or two prorated from the mean of the answered items, more give no
total (NHS Data Dictionary; shared/instruments/VERIFICATION.md §2).
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Band,
    Cutoff,
    Instrument,
    Item,
    Loinc,
    ReliableChange,
    Respondent,
    Score,
)
from measures.instruments.phq9 import FREQUENCY, PFIZER_LICENCE
from measures.instruments.scoring import prorated_sum_scorer

_ITEMS = (
    (1, "Nervous", "Feeling nervous, anxious, or on edge", "69725-0"),
    (
        2,
        "Uncontrollable worry",
        "Not being able to stop or control worrying",
        "68509-9",
    ),
    (3, "Worrying too much", "Worrying too much about different things", "69733-4"),
    (4, "Trouble relaxing", "Trouble relaxing", "69734-2"),
    (5, "Restless", "Being so restless that it is hard to sit still", "69735-9"),
    (6, "Irritable", "Becoming easily annoyed or irritable", "69689-8"),
    (7, "Afraid", "Feeling afraid, as if something awful might happen", "69736-7"),
)

ITEMS = tuple(
    Item(number=n, label=label, text=text, loinc=loinc, options=FREQUENCY)
    for n, label, text, loinc in _ITEMS
)

INSTRUCTIONS = (
    "Over the last 2 weeks, how often have you been bothered by the following problems?"
)

GAD7 = Instrument(
    id="gad7",
    name="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    short_name="GAD-7",
    version="English (US), Pfizer PHQ Screeners form",
    respondent=Respondent.SELF_REPORT,
    recall_period="last 2 weeks",
    instructions=INSTRUCTIONS,
    items=ITEMS,
    scoring="Sum of items 1–7 (0–21).",
    score_range=(0, 21),
    bands=(
        Band("minimal", 0, 4),
        Band("mild", 5, 9),
        Band("moderate", 10, 14),
        Band("severe", 15, 21),
    ),
    caseness=Cutoff(
        8, "NHS Talking Therapies caseness", "NHS Talking Therapies Manual"
    ),
    other_cutoffs=(
        Cutoff(
            10, "screening cut-off for generalised anxiety disorder", "Spitzer 2006"
        ),
    ),
    reliable_change=ReliableChange(
        4, "NHS Talking Therapies Manual (derivation SD and reliability unverified)"
    ),
    loinc=Loinc(panel="69737-5", total="70274-6", answer_list="LL358-3"),
    licence=PFIZER_LICENCE,
    missing_rule=(
        "One or two items missing: each replaced by the mean of the answered items "
        "(total = mean × 7, rounded); three or more: no total (NHS Data Dictionary)."
    ),
    missing_rule_verified=True,
    sources=(
        "Spitzer RL et al. Arch Intern Med 2006;166:1092-7",
        "NHS Talking Therapies Manual",
        "MII PRO IG mii-qst-pro-gad-7",
    ),
    scorer=prorated_sum_scorer,
    prorates=True,
)


def score(answers: Answers) -> Score:
    """Score GAD-7 option positions (0 = "Not at all" … 3 = "Nearly every day")."""
    return GAD7.score(answers)
