"""UCLA-3 — Three-Item Loneliness Scale (Hughes et al. 2004; self-report).

Sources (via ``shared/instruments``): Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT,
Res Aging 2004;26:655–72 (items, options 1–3, sum 3–9, higher = lonelier); ONS,
*Measuring loneliness: guidance for use of the national indicators on surveys*
(recommended for any survey, private sector included). No licence terms were found;
the items derive from Russell's R-UCLA. ONS may word the lowest option "Hardly ever or
never" (unverified); Hughes's "Hardly ever" is used. No validated cut-off: the "6–9 =
lonely" convention is unverified, so no band or caseness is given. Missing items: no
total (no verified rule).
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
)
from measures.instruments.scoring import sum_scorer

HOW_OFTEN = (
    Option("Hardly ever", 1),
    Option("Some of the time", 2),
    Option("Often", 3),
)

ITEMS = (
    Item(
        1,
        "Lack companionship",
        HOW_OFTEN,
        "How often do you feel that you lack companionship?",
    ),
    Item(2, "Left out", HOW_OFTEN, "How often do you feel left out?"),
    Item(3, "Isolated", HOW_OFTEN, "How often do you feel isolated from others?"),
)

UCLA3 = Instrument(
    id="ucla3",
    name="Three-Item Loneliness Scale (UCLA-3)",
    short_name="UCLA-3",
    version="Hughes et al. 2004",
    respondent=Respondent.SELF_REPORT,
    recall_period=None,
    instructions=None,
    items=ITEMS,
    scoring="Sum of items 1–3 (3–9); higher is lonelier.",
    score_range=(3, 9),
    licence=Licence(
        status="no licence terms found; recommended by ONS for any survey",
        ship_text=True,
        attribution=(
            "Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. A short scale for measuring "
            "loneliness in large surveys. Res Aging 2004;26:655-72."
        ),
        terms="No fee or permission statement found (items derive from the R-UCLA).",
        source="ONS loneliness national indicators guidance",
    ),
    missing_rule="Any missing item: no total (no verified rule).",
    missing_rule_verified=False,
    sources=("Hughes ME et al. Res Aging 2004;26:655-72", "ONS loneliness guidance"),
    scorer=sum_scorer,
)


def score(answers: Answers) -> Score:
    """Score UCLA-3 option positions (0 = "Hardly ever" … 2 = "Often")."""
    return UCLA3.score(answers)
