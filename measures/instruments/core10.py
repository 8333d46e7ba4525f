"""CORE-10 — Clinical Outcomes in Routine Evaluation, 10 items (self-report).

Sources (via ``shared/instruments``): Barkham M et al., Couns Psychother Res 2013
(CORE-10); item text as carried by CamCOPS ``core10``; CORE System Trust, "What's in a
name (1): scoring CORE measures" (coresystemtrust.org.uk): the clinical score is the
item mean × 10, i.e. the sum when complete, and the CORE-10 may be pro-rated when ONE
item is missing (not more). Licence: CC BY-ND 4.0 — "any organisation is free to
reproduce CORE instruments in software … without payment of any licence fee"; the
wording must not be changed.

Items 2 and 3 are positively worded and reverse-scored: their options keep the printed
order ("Not at all" first) and score 4 → 0. Item 6 is the risk item. Cut-off, bands and
reliable change are unverified here (values of 11 and 6 are often quoted: check Barkham
et al. 2013), so none is set.
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
    missing_items,
    round_half_up,
)
from measures.instruments.scoring import build, names

_LABELS = (
    "Not at all",
    "Only occasionally",
    "Sometimes",
    "Often",
    "Most or all of the time",
)
FORWARD = tuple(Option(label, s) for s, label in enumerate(_LABELS))
REVERSED = tuple(Option(label, 4 - s) for s, label in enumerate(_LABELS))

_ITEMS = (
    ("Tense", "I have felt tense, anxious or nervous", False),
    (
        "Someone to turn to",
        "I have felt I have someone to turn to for support when needed",
        True,
    ),
    ("Able to cope", "I have felt able to cope when things go wrong", True),
    ("Talking too much", "Talking to people has felt too much for me", False),
    ("Panic", "I have felt panic or terror", False),
    ("Plans to end life", "I made plans to end my life", False),
    ("Sleep", "I have had difficulty getting to sleep or staying asleep", False),
    ("Despairing", "I have felt despairing or hopeless", False),
    ("Unhappy", "I have felt unhappy", False),
    ("Unwanted images", "Unwanted images or memories have been distressing me", False),
)

ITEMS = tuple(
    Item(
        number=n,
        label=label,
        text=text,
        options=REVERSED if reverse else FORWARD,
        reverse_keyed=reverse,
    )
    for n, (label, text, reverse) in enumerate(_ITEMS, start=1)
)

MAX_MISSING = 1


def _score(instrument: Instrument, selected: Selected) -> Score:
    missing = missing_items(instrument, selected)
    if len(missing) > MAX_MISSING:
        reason = (
            f"No total: {names(missing)} not answered; the CORE-10 may be pro-rated "
            f"with at most {MAX_MISSING} item missing (CORE System Trust)."
        )
        return build(instrument, selected, total=None, reason=reason)
    values = [s for s in item_scores(selected) if s is not None]
    if not missing:
        return build(instrument, selected, total=sum(values))
    # Clinical score = item mean x 10, to one decimal as CORE reports it.
    total = round_half_up(10 * sum(values) / len(values), 1)
    note = f"Pro-rated from {len(values)} items: {names(missing)} not answered."
    return build(instrument, selected, total=total, notes=[note])


CORE10 = Instrument(
    id="core10",
    name="CORE-10 (Clinical Outcomes in Routine Evaluation, 10 item)",
    short_name="CORE-10",
    version="CORE-10 (Barkham et al. 2013), English",
    respondent=Respondent.SELF_REPORT,
    recall_period="last week",
    instructions="Over the last week...",
    items=ITEMS,
    scoring=(
        "Sum of items 1–10 after reversing items 2 and 3 (0–40); with one item "
        "missing, 10 × mean of the 9 answered."
    ),
    score_range=(0, 40),
    critical_items=(
        CriticalItem(
            item=6,
            min_score=1,
            trigger="any answer other than 'Not at all', or no answer",
            action=(
                "Platform policy: risk alert to the responsible clinician. Left "
                "unanswered, the clinician is told the risk question was not "
                "answered and asks it (prorating never hides it)."
            ),
            fires_when_unanswered=True,
        ),
    ),
    licence=Licence(
        status="free: CC BY-ND 4.0",
        ship_text=True,
        attribution=(
            "CORE-10 © CORE System Trust, licensed under CC BY-ND 4.0 "
            "(coresystemtrust.org.uk). Do not alter the wording."
        ),
        terms=(
            "Any organisation is free to reproduce CORE instruments in software, as "
            "well as on paper, under CC BY-ND 4.0, without payment of any licence fee."
        ),
        source="CORE System Trust, quoted in CamCOPS core10",
    ),
    missing_rule="One missing item: pro-rate (10 × mean); two or more: no total.",
    missing_rule_verified=True,
    prorates=True,
    sources=(
        "Barkham M et al. Couns Psychother Res 2013",
        "coresystemtrust.org.uk: What's in a name (1): scoring CORE measures",
        "CamCOPS core10",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score CORE-10 option positions (0 = "Not at all" … 4 = "Most or all of the
    time", in printed order; items 2–3 score in reverse)."""
    return CORE10.score(answers)
