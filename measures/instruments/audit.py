"""AUDIT — Alcohol Use Disorders Identification Test (WHO; self-report or interview).

Sources (via ``shared/instruments``): Babor TF et al., *AUDIT: Guidelines for Use in
Primary Care*, 2nd ed., WHO/MSD/MSB/01.6a, 2001 (items, scores, skip rule, zones, ≥8
cut-off); item text as carried by CamCOPS ``audit``; LOINC panel 72110-0, total 75624-7
and item codes from cdn.loinc.org/72110-0; answer codes for items 2–3 from LOINC
75626-2. Licence: © WHO 2001, "may be freely reviewed, abstracted, reproduced and
translated … but not for sale or for use in conjunction with commercial purposes"; LOINC
and US Core: "in the public domain". This is the WHO (drinks) version: UK versions word
item 3 in units, and scores from the two must not be mixed.

Items 9–10 score 0, 2 or 4. Skip rule (WHO): if item 1 is "Never", or items 2 and 3 are
both 0, the interviewer goes to items 9–10 and the skipped items score 0. Any other
missing answer: no total (no verified rule).
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
    Selected,
    Subscale,
    item_scores,
)
from measures.instruments.scoring import build, names, unverified_missing_reason

HOW_OFTEN = (
    Option("Never", 0),
    Option("Monthly or less", 1),
    Option("2 to 4 times a month", 2),
    Option("2 to 3 times a week", 3),
    Option("4 or more times a week", 4),
)
TYPICAL_DAY = (
    Option("1 or 2", 0, "LA15694-5"),
    Option("3 or 4", 1, "LA15695-2"),
    Option("5 or 6", 2, "LA18930-0"),
    Option("7, 8, or 9", 3, "LA18931-8"),
    Option("10 or more", 4, "LA18932-6"),
)
FREQUENCY = (
    Option("Never", 0, "LA6270-8"),
    Option("Less than monthly", 1, "LA18933-4"),
    Option("Monthly", 2, "LA18876-5"),
    Option("Weekly", 3, "LA18891-4"),
    Option("Daily or almost daily", 4, "LA18934-2"),
)
# Items 9 and 10 have three answers scored 0, 2 and 4 (WHO manual).
HARM = (
    Option("No", 0),
    Option("Yes, but not in the last year", 2),
    Option("Yes, during the last year", 4),
)

WHO_LICENCE = Licence(
    status="free to use; WHO copyright; not for sale",
    ship_text=True,
    attribution="Copyright (c) 2001 World Health Organization.",
    terms=(
        "May be freely reviewed, abstracted, reproduced and translated, in part or in "
        "whole but not for sale or for use in conjunction with commercial purposes "
        "(WHO/MSD/MSB/01.6a). If IPT Care is sold, obtain WHO's written confirmation."
    ),
    source="WHO AUDIT manual 2001; cdn.loinc.org/72110-0; HL7 US Core AUDIT-C",
)

_LAST_YEAR = "How often during the last year have you "
ITEMS = (
    Item(
        1,
        "Frequency",
        HOW_OFTEN,
        "How often do you have a drink containing alcohol?",
        "68518-0",
    ),
    Item(
        2,
        "Typical quantity",
        TYPICAL_DAY,
        "How many drinks containing alcohol do you have on a typical day when you are "
        "drinking?",
        "68519-8",
    ),
    Item(
        3,
        "Heavy episodes",
        FREQUENCY,
        "How often do you have six or more drinks on one occasion?",
        "68520-6",
    ),
    Item(
        4,
        "Unable to stop",
        FREQUENCY,
        _LAST_YEAR + "found that you were not able to stop drinking once you had "
        "started?",
        "97734-8",
    ),
    Item(
        5,
        "Failed expectations",
        FREQUENCY,
        _LAST_YEAR + "failed to do what was normally expected from you because of "
        "drinking?",
        "97735-5",
    ),
    Item(
        6,
        "Morning drinking",
        FREQUENCY,
        _LAST_YEAR + "needed a first drink in the morning to get yourself going after "
        "a heavy drinking session?",
        "97736-3",
    ),
    Item(
        7,
        "Guilt",
        FREQUENCY,
        _LAST_YEAR + "had a feeling of guilt or remorse after drinking?",
        "97737-1",
    ),
    Item(
        8,
        "Blackouts",
        FREQUENCY,
        _LAST_YEAR + "been unable to remember what happened the night before because "
        "you had been drinking?",
        "97738-9",
    ),
    Item(
        9,
        "Injury",
        HARM,
        "Have you or someone else been injured as a result of your drinking?",
        "97739-7",
    ),
    Item(
        10,
        "Others concerned",
        HARM,
        "Has a relative or friend or a doctor or another health worker been concerned "
        "about your drinking or suggested you cut down?",
        "97740-5",
    ),
)

POSSIBLE_DEPENDENCE = "possible_dependence"


def skipped_items(selected: Selected) -> frozenset[int]:
    """Items the WHO skip instruction lets the interviewer leave out."""
    scores = item_scores(selected)
    if scores[0] == 0:
        return frozenset(range(2, 9))
    if len(scores) >= 3 and scores[1] == 0 and scores[2] == 0:
        return frozenset(range(4, 9))
    return frozenset()


def effective_scores(selected: Selected) -> list[int | None]:
    """Item scores with skipped, unanswered items counted 0 (WHO skip rule)."""
    skipped = skipped_items(selected)
    return [
        0 if score is None and number in skipped else score
        for number, score in enumerate(item_scores(selected), start=1)
    ]


def _score(instrument: Instrument, selected: Selected) -> Score:
    scores = effective_scores(selected)
    missing = [
        item for item, s in zip(instrument.items, scores, strict=True) if s is None
    ]
    if missing:
        reason = unverified_missing_reason(instrument, missing)
        return build(instrument, selected, total=None, reason=reason, scores=scores)
    present = [s for s in scores if s is not None]
    notes = []
    skipped = [
        instrument.item(n)
        for n in sorted(skipped_items(selected))
        if selected[n - 1] is None
    ]
    if skipped:
        notes.append(f"Skipped by the WHO skip rule, scored 0: {names(skipped)}.")
    flags = []
    # WHO manual: a raised dependence sub-total (items 4–6) suggests dependence.
    if sum(present[3:6]) >= 4:
        flags.append(POSSIBLE_DEPENDENCE)
    return build(
        instrument,
        selected,
        total=sum(present),
        flags=flags,
        notes=notes,
        scores=scores,
    )


AUDIT = Instrument(
    id="audit",
    name="Alcohol Use Disorders Identification Test (AUDIT)",
    short_name="AUDIT",
    version="WHO 2001 (2nd edition), standard drinks",
    respondent=Respondent.SELF_REPORT,
    recall_period="past year (items 9–10: ever, and in the last year)",
    instructions=None,
    items=ITEMS,
    scoring=(
        "Sum of items 1–10 (0–40); items 9–10 score 0/2/4. Skip rule: item 1 'Never' "
        "skips items 2–8; items 2 and 3 both 0 skip items 4–8; skipped items score 0."
    ),
    score_range=(0, 40),
    subscales=(
        Subscale("consumption", (1, 2, 3)),
        Subscale("dependence", (4, 5, 6)),
        Subscale("harm", (7, 8, 9, 10)),
    ),
    bands=(
        Band("Zone I low risk", 0, 7),
        Band("Zone II hazardous", 8, 15),
        Band("Zone III harmful", 16, 19),
        Band("Zone IV possible dependence - specialist assessment", 20, 40),
    ),
    caseness=Cutoff(8, "hazardous or harmful drinking", "WHO 2001; LOINC 75624-7"),
    loinc=Loinc(panel="72110-0", total="75624-7", note="panel also holds 46098-0"),
    licence=WHO_LICENCE,
    missing_rule=(
        "WHO skip rule (skipped items score 0) is applied; any other missing item: "
        "no total."
    ),
    missing_rule_verified=True,
    sources=(
        "Babor TF et al. AUDIT, 2nd ed. WHO/MSD/MSB/01.6a, 2001",
        "cdn.loinc.org/72110-0",
        "CamCOPS audit",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score AUDIT option positions (items 9–10: 0 = No, 1 = not last year, 2 = last
    year, scoring 0, 2 and 4)."""
    return AUDIT.score(answers)
