"""ASQ — Ask Suicide-Screening Questions (NIMH; asked by a clinician or self-report).
IPT Care's suicide-risk screen.

Sources: NIMH ASQ Toolkit (nimh.nih.gov, "Ask Suicide-Screening Questions (ASQ)
Toolkit"): four yes/no questions, a positive screen is "yes" to any of 1–4 *or a
refusal to answer*; question 5 (acuity) is asked only then — "yes" is an acute positive
(imminent risk: STAT safety / full mental health evaluation), "no" a non-acute positive
(potential risk: brief suicide safety assessment). Validation: Horowitz LM et al., Arch
Pediatr Adolesc Med 2012;166:1170–6 (youth, emergency departments); Horowitz LM et al.,
Psychosomatics 2020;61:713–22 (adult medical inpatients: sensitivity 100 %,
specificity 89 %). Licence: a free NIMH resource; NIMH publications are "in the public
domain and may be reproduced or copied without permission" (citation of NIMH
appreciated; do not alter the content). No term restricts electronic use.

Not summed: the result is the screen category. Every "yes" (and every unanswered
question 1–4, which the ASQ counts as a refusal) is a critical item, because a positive
ASQ always needs a clinician the same day.
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    CriticalItem,
    Instrument,
    Item,
    Licence,
    Option,
    Respondent,
    Score,
    Selected,
    item_scores,
)

NO_YES = (Option("No", 0), Option("Yes", 1))

ITEMS = (
    Item(
        1,
        "Wished dead",
        NO_YES,
        "In the past few weeks, have you wished you were dead?",
    ),
    Item(
        2,
        "Better off dead",
        NO_YES,
        "In the past few weeks, have you felt that you or your family would be better "
        "off if you were dead?",
    ),
    Item(
        3,
        "Thoughts of killing self",
        NO_YES,
        "In the past week, have you been having thoughts about killing yourself?",
    ),
    Item(
        4,
        "Past attempt",
        NO_YES,
        "Have you ever tried to kill yourself?",
        note="If yes: How? When? (record in the clinical note)",
    ),
    Item(
        5,
        "Thoughts right now",
        NO_YES,
        "Are you having thoughts of killing yourself right now?",
        note="Acuity question: ask only if the answer to any of questions 1–4 is yes "
        "(or was refused).",
    ),
)

NEGATIVE = "negative screen"
NON_ACUTE = "non-acute positive: potential risk, brief suicide safety assessment"
ACUTE = "acute positive: imminent risk, STAT safety and full mental health evaluation"
ACUITY_UNKNOWN = "positive screen: acuity not assessed (ask question 5)"

REFUSED = "Question(s) {items} not answered: the ASQ counts a refusal as a positive."


def _score(instrument: Instrument, selected: Selected) -> Score:
    scores = item_scores(selected)
    screen = scores[:4]
    refused = [n for n, s in enumerate(screen, start=1) if s is None]
    positive = [n for n, s in enumerate(screen, start=1) if s == 1]
    critical = sorted({*positive, *refused, *([5] if scores[4] == 1 else [])})
    notes = [REFUSED.format(items=", ".join(map(str, refused)))] if refused else []
    if scores[4] == 1:
        # "Right now" thoughts are imminent risk even if 1–4 were answered no.
        band, caseness = ACUTE, True
    elif positive or refused:
        band = NON_ACUTE if scores[4] == 0 else ACUITY_UNKNOWN
        caseness = True
    else:
        band, caseness = NEGATIVE, False
    return Score(
        instrument=instrument.id,
        total=None,
        band=band,
        caseness=caseness,
        critical=tuple(critical),
        reason="The ASQ is not summed: the result is the screen category.",
        notes=tuple(notes),
        answered=sum(option is not None for option in selected),
    )


ASQ = Instrument(
    id="asq",
    name="Ask Suicide-Screening Questions (ASQ)",
    short_name="ASQ",
    version="NIMH ASQ Toolkit (youth and adult versions share the questions)",
    respondent=Respondent.SELF_REPORT,
    recall_period="past few weeks (1–2), past week (3), ever (4), right now (5)",
    instructions=(
        "Ask the patient. If the patient answers yes to any of questions 1–4, or "
        "refuses to answer, ask question 5."
    ),
    items=ITEMS,
    scoring=(
        "Not summed. Yes to any of 1–4, or a refusal, is a positive screen; question 5 "
        "then separates acute (yes) from non-acute (no) positives."
    ),
    score_range=None,
    critical_items=tuple(
        CriticalItem(
            item=n,
            min_score=1,
            trigger="yes (items 1–4: also an unanswered question, counted as refused)",
            action=(
                "Platform policy: same-day clinician review and brief suicide safety "
                "assessment; item 5 yes is an emergency (imminent risk)."
            ),
        )
        for n in range(1, 6)
    ),
    licence=Licence(
        status="public domain (NIMH); free resource",
        ship_text=True,
        attribution=(
            "Ask Suicide-Screening Questions (ASQ), National Institute of Mental "
            "Health (NIMH) ASQ Toolkit."
        ),
        terms=(
            "NIMH publications are in the public domain and may be reproduced or "
            "copied without permission; citation of NIMH is appreciated; do not alter "
            "NIMH content."
        ),
        source="nimh.nih.gov ASQ Toolkit; NIMH website copyright policy",
    ),
    missing_rule=(
        "Published: an unanswered (refused) question 1–4 counts as positive. Question "
        "5 missing in a positive screen: acuity not assessed."
    ),
    missing_rule_verified=True,
    sources=(
        "NIMH ASQ Toolkit, nimh.nih.gov",
        "Horowitz LM et al. Arch Pediatr Adolesc Med 2012;166:1170-6",
        "Horowitz LM et al. Psychosomatics 2020;61:713-22",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score ASQ option positions (0 = No, 1 = Yes; ``None`` = not answered)."""
    return ASQ.score(answers)
