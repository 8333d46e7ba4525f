"""C-SSRS Screener — Columbia-Suicide Severity Rating Scale, screen version. Scoring
only; no wording.

Sources (via ``shared/instruments``): Posner K et al., Am J Psychiatry
2011;168:1266–77; structure from cssrs.columbia.edu: six yes/no questions, ideation in
the past month (1 wish to be dead, 2 non-specific active thoughts; if 2 is yes, 3
method, 4 intent, 5 plan with intent) and behaviour (6, lifetime, with a follow-up:
within the past 3 months). The follow-up is item 7 here so every answer has a slot.

Licence: © Research Foundation for Mental Hygiene; Clario (eResearch Technology) holds
an exclusive licence for electronic implementations (fee-based sublicence and
certification). IPT Care ships no wording and no electronic form; a clinic with the
licence loads the wording with ``licensed_text``.

Not summed. Columbia's low/moderate/high triage was recorded from general knowledge
and must be checked on the licensed form, so no risk level is computed. Critical items
follow ``shared/instruments`` (platform policy): yes to 4 or 5, or to 6 when the
behaviour was within 3 months — or when its timing is unknown, since an unanswered
follow-up cannot rule out recent behaviour.
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
BEHAVIOUR, RECENT = 6, 7

ITEMS = (
    *(Item(number=n, label=f"Item {n}", options=NO_YES) for n in range(1, 7)),
    Item(
        number=RECENT,
        label="Item 6, past 3 months",
        options=NO_YES,
        note="Follow-up to item 6: asked only if item 6 is yes.",
    ),
)

IDEATION = "ideation_reported"
BEHAVIOUR_REPORTED = "behaviour_reported"
REASON = (
    "The C-SSRS screener is not summed, and its risk triage is not verified here "
    "(check it on the licensed form); see the critical items."
)


def _score(instrument: Instrument, selected: Selected) -> Score:
    scores = item_scores(selected)
    critical = [n for n in (4, 5) if scores[n - 1] == 1]
    if scores[BEHAVIOUR - 1] == 1 and scores[RECENT - 1] != 0:
        critical.append(BEHAVIOUR)
    flags = []
    if any(s == 1 for s in scores[:5]):
        flags.append(IDEATION)
    if scores[BEHAVIOUR - 1] == 1:
        flags.append(BEHAVIOUR_REPORTED)
    return Score(
        instrument=instrument.id,
        total=None,
        band=None,
        caseness=None,
        critical=tuple(critical),
        reason=REASON,
        flags=tuple(flags),
        answered=sum(option is not None for option in selected),
    )


CSSRS = Instrument(
    id="cssrs",
    name="Columbia-Suicide Severity Rating Scale, Screener (C-SSRS)",
    short_name="C-SSRS Screener",
    version="Screen version (wording not shipped)",
    respondent=Respondent.CLINICIAN_RATED,
    recall_period="ideation: past month; behaviour: lifetime and past 3 months",
    instructions=None,
    items=ITEMS,
    scoring="Not summed; the pattern of yes answers decides the response.",
    score_range=None,
    critical_items=(
        CriticalItem(
            4,
            1,
            "yes",
            "Platform policy: immediate clinician notification and safety procedures.",
        ),
        CriticalItem(
            5,
            1,
            "yes",
            "Platform policy: immediate clinician notification and safety procedures.",
        ),
        CriticalItem(
            6,
            1,
            "yes, and item 7 (past 3 months) yes or unanswered",
            "Platform policy: immediate clinician notification and safety procedures.",
        ),
    ),
    licence=Licence(
        status="licence needed for electronic implementation",
        ship_text=False,
        attribution="C-SSRS © Research Foundation for Mental Hygiene, Inc.",
        terms=(
            "Clario (eResearch Technology) holds an exclusive licence for electronic "
            "implementations: fee-based sublicence and certification of each "
            "implementation."
        ),
        source="clario.com C-SSRS licensing; cssrs.columbia.edu",
    ),
    missing_rule=(
        "Not summed; unanswered items never fire (item 7: see critical items)."
    ),
    missing_rule_verified=False,
    sources=("Posner K et al. Am J Psychiatry 2011;168:1266-77", "cssrs.columbia.edu"),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score C-SSRS screener positions (0 = No, 1 = Yes) for items 1–6 and item 7
    (item 6 within the past 3 months)."""
    return CSSRS.score(answers)
