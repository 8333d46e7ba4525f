"""MSPSS — Multidimensional Scale of Perceived Social Support (self-report).

Sources (via ``shared/instruments``): Zimet GD, Dahlem NW, Zimet SG, Farley GK, J Pers
Assess 1988;52:30–41; the author's scoring sheet (2016): subscale and total MEANS, no
reversed items, and the suggested bands 1–2.9 low, 3–5 moderate, 5.1–7 high (the author
notes there are no norms). Licence: free; the author distributes items and scoring
(COMPAR-EU: "Licence needed: No"); exact permission wording not seen, so cite Zimet
et al. 1988.

The bands are given to one decimal and leave gaps (2.9–3.0, 5.0–5.1) that a mean of 12
items can fall into (35/12 = 2.92, 61/12 = 5.08); they are read here as applying to the
mean rounded to one decimal: low below 2.95, high from 5.05. Higher means more support.
No cut-off or reliable-change value is published. Missing items: no total (no verified
rule); a subscale whose four items are all answered is still reported.
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Band,
    Instrument,
    Item,
    Licence,
    Method,
    Option,
    Respondent,
    Score,
    Subscale,
)
from measures.instruments.scoring import score_complete_mean

AGREEMENT = (
    Option("Very Strongly Disagree", 1),
    Option("Strongly Disagree", 2),
    Option("Mildly Disagree", 3),
    Option("Neutral", 4),
    Option("Mildly Agree", 5),
    Option("Strongly Agree", 6),
    Option("Very Strongly Agree", 7),
)

_ITEMS = (
    (
        "Special person around",
        "There is a special person who is around when I am in need.",
    ),
    (
        "Special person shares",
        "There is a special person with whom I can share my joys and sorrows.",
    ),
    ("Family tries", "My family really tries to help me."),
    ("Family support", "I get the emotional help and support I need from my family."),
    (
        "Special person comforts",
        "I have a special person who is a real source of comfort to me.",
    ),
    ("Friends try", "My friends really try to help me."),
    ("Count on friends", "I can count on my friends when things go wrong."),
    ("Talk to family", "I can talk about my problems with my family."),
    ("Friends share", "I have friends with whom I can share my joys and sorrows."),
    (
        "Special person cares",
        "There is a special person in my life who cares about my feelings.",
    ),
    ("Family helps decide", "My family is willing to help me make decisions."),
    ("Talk to friends", "I can talk about my problems with my friends."),
)

ITEMS = tuple(
    Item(number=n, label=label, text=text, options=AGREEMENT)
    for n, (label, text) in enumerate(_ITEMS, start=1)
)


MSPSS = Instrument(
    id="mspss",
    name="Multidimensional Scale of Perceived Social Support (MSPSS)",
    short_name="MSPSS",
    version="Zimet et al. 1988, author's 12-item form",
    respondent=Respondent.SELF_REPORT,
    recall_period=None,
    instructions=(
        "We are interested in how you feel about the following statements. Read each "
        "statement carefully. Indicate how you feel about each statement."
    ),
    items=ITEMS,
    scoring="Mean of the 12 items (1–7); subscale means of 4 items each.",
    score_range=(1, 7),
    subscales=(
        Subscale("significant_other", (1, 2, 5, 10), Method.MEAN),
        Subscale("family", (3, 4, 8, 11), Method.MEAN),
        Subscale("friends", (6, 7, 9, 12), Method.MEAN),
    ),
    bands=(
        Band("low", 1, 2.95, max_inclusive=False),
        Band("moderate", 2.95, 5.05, max_inclusive=False),
        Band("high", 5.05, 7),
    ),
    higher_is_worse=False,
    licence=Licence(
        status="free to use (author-distributed)",
        ship_text=True,
        attribution=(
            "Zimet GD, Dahlem NW, Zimet SG, Farley GK. The Multidimensional Scale of "
            "Perceived Social Support. J Pers Assess 1988;52:30-41."
        ),
        terms=(
            "Author distributes items and scoring; COMPAR-EU lists 'Licence needed: "
            "No'."
        ),
        source="Zimet scoring sheet (2016); COMPAR-EU",
    ),
    missing_rule=(
        "Any missing item: no total (no verified rule); complete subscales kept."
    ),
    missing_rule_verified=False,
    sources=("Zimet GD et al. J Pers Assess 1988;52:30-41", "Zimet scoring sheet 2016"),
    scorer=score_complete_mean,
)


def score(answers: Answers) -> Score:
    """Score MSPSS option positions (0 = "Very Strongly Disagree", scoring 1, … 6 =
    "Very Strongly Agree", scoring 7)."""
    return MSPSS.score(answers)
