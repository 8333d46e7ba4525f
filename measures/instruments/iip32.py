"""IIP-32 — Inventory of Interpersonal Problems, 32 items. Scoring only; no wording.

Sources: Barkham M, Hardy GE, Startup M, Br J Clin Psychol 1996;35:21–35 (the
32-item short form: 0–4 ratings, eight subscales of four items); ``shared/instruments``
for the licence. Licence: proprietary (Mind Garden), priced per administration; "No
part … may be reproduced … without written permission" (IIP manual © 2003 Horowitz,
Alden, Wiggins, Pincus). ``shared/instruments`` advises not to build it in; only the
arithmetic is here, for a clinic that holds the licence and loads its wording with
``licensed_text``.

PROVISIONAL: the total as the mean of the 32 ratings is the IIP convention but was not
checked against the licensed manual, and the item-to-subscale key is in that manual,
so no subscale is computed. Every score says so in its notes. Missing items: no total.
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Instrument,
    Item,
    Licence,
    Option,
    Respondent,
    Score,
    Selected,
)
from measures.instruments.scoring import score_complete_mean

RATINGS = tuple(Option(str(s), s) for s in range(5))
ITEMS = tuple(Item(number=n, label=f"Item {n}", options=RATINGS) for n in range(1, 33))

PROVISIONAL = (
    "Provisional: the IIP-32 total (mean of 32 ratings) is not checked against the "
    "licensed manual, and subscales need the manual's key."
)


def _score(instrument: Instrument, selected: Selected) -> Score:
    return score_complete_mean(instrument, selected, notes=[PROVISIONAL])


IIP32 = Instrument(
    id="iip32",
    name="Inventory of Interpersonal Problems, 32-item (IIP-32)",
    short_name="IIP-32",
    version="Barkham, Hardy & Startup 1996 (wording not shipped)",
    respondent=Respondent.SELF_REPORT,
    recall_period=None,
    instructions=None,
    items=ITEMS,
    scoring="PROVISIONAL: mean of the 32 ratings (0–4); subscales need the manual.",
    score_range=(0, 4),
    licence=Licence(
        status="proprietary (Mind Garden); licence per administration",
        ship_text=False,
        attribution=(
            "Inventory of Interpersonal Problems © Horowitz, Alden, Wiggins & Pincus; "
            "published by Mind Garden, Inc."
        ),
        terms="No part may be reproduced without written permission (IIP manual 2003).",
        source="mindgarden.com/products/iip.htm",
    ),
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=("Barkham M, Hardy GE, Startup M. Br J Clin Psychol 1996;35:21-35",),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score IIP-32 option positions (0–4 = the rating)."""
    return IIP32.score(answers)
