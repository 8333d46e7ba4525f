"""WSAS — Work and Social Adjustment Scale (Marks; self-report). Scoring only.

Sources (via ``shared/instruments``): Mundt JC, Marks IM, Shear MK, Greist JM, Br J
Psychiatry 2002;180:461–4 (five items rated 0–8, sum 0–40; test–retest r = 0.73;
bands: below 10 subclinical, 10–20 significant impairment with less severe symptoms,
above 20 moderately severe or worse, as quoted from the paper); NHS Data Dictionary,
Work and Social Adjustment Scale (missing answers, verified): if the work item is "not
applicable" or one value is missing, substitute the mean of the other items; with more
than one missing, disregard the questionnaire.

Licence: "The scale has been published by the authors and widely distributed, though
Dr. Marks retains copyright" (mhscales.com); CamCOPS ships it without text. IPT Care
ships no wording: neutral labels, option labels are the bare ratings, and a licensed
clinic loads the wording with ``licensed_text``. Item 1 is the work item (it alone may
be "not applicable"); item 5 concerns close relationships, the one most directly about
IPT's interpersonal domain. No cut-off or reliable-change value is verified.
"""

from __future__ import annotations

from measures.instruments.base import (
    Answers,
    Band,
    Instrument,
    Item,
    Licence,
    Option,
    ReliableChange,
    Respondent,
    Score,
    Selected,
    item_scores,
    round_half_up,
)
from measures.instruments.scoring import build, names

RATINGS = tuple(Option(str(s), s) for s in range(9))
NOT_APPLICABLE = Option("Not applicable", None)
WORK_ITEM = 1

ITEMS = tuple(
    Item(
        number=n,
        label=f"Item {n}",
        options=(*RATINGS, NOT_APPLICABLE) if n == WORK_ITEM else RATINGS,
        note=(
            "Work item: 'Not applicable' if retired or not working for reasons "
            "unrelated to the problem."
            if n == WORK_ITEM
            else None
        ),
    )
    for n in range(1, 6)
)


def _score(instrument: Instrument, selected: Selected) -> Score:
    scores = item_scores(selected)
    # "Not applicable" (work) and an unanswered item are treated alike (NHS DD).
    gaps = [item for item, s in zip(instrument.items, scores, strict=True) if s is None]
    if len(gaps) > 1:
        reason = (
            f"No total: {names(gaps)} not answered or not applicable; the WSAS is "
            "disregarded with more than one missing value (NHS Data Dictionary)."
        )
        return build(instrument, selected, total=None, reason=reason)
    values = [s for s in scores if s is not None]
    if not gaps:
        return build(instrument, selected, total=sum(values))
    imputed = sum(values) / len(values)
    total = round_half_up(sum(values) + imputed, 2)
    note = (
        f"{names(gaps)[0].upper()}{names(gaps)[1:]} replaced by the mean of the other "
        f"items ({imputed:.2f}), as the NHS Data Dictionary directs."
    )
    return build(instrument, selected, total=total, notes=[note])


WSAS = Instrument(
    id="wsas",
    name="Work and Social Adjustment Scale (WSAS)",
    short_name="WSAS",
    version="Marks 1986 / Mundt et al. 2002, 5 items (wording not shipped)",
    respondent=Respondent.SELF_REPORT,
    recall_period=None,
    instructions=None,
    items=ITEMS,
    scoring=(
        "Sum of items 1–5 (0–40). One missing or 'not applicable' item is replaced by "
        "the mean of the others; more than one: no total."
    ),
    score_range=(0, 40),
    bands=(
        Band("subclinical", 0, 10, max_inclusive=False),
        Band("significant functional impairment, less severe symptoms", 10, 20),
        Band("moderately severe or worse psychopathology", 20, 40, min_inclusive=False),
    ),
    reliable_change=ReliableChange(
        None,
        "none published; Jacobson-Truax with the service's own SD and Mundt 2002 "
        "test-retest r = 0.73",
        reliability=0.73,
    ),
    licence=Licence(
        status="permission needed: copyright retained by Isaac M. Marks",
        ship_text=False,
        attribution=(
            "Work and Social Adjustment Scale, Marks IM; Mundt JC et al. Br J "
            "Psychiatry 2002;180:461-4."
        ),
        terms=(
            "'The scale has been published by the authors and widely distributed, "
            "though Dr. Marks retains copyright.'"
        ),
        source="mhscales.com/wsas; CamCOPS wsas.rst",
    ),
    missing_rule=(
        "NHS Data Dictionary: one missing or not-applicable item is replaced by the "
        "mean of the others; more than one: disregard."
    ),
    missing_rule_verified=True,
    sources=(
        "Mundt JC et al. Br J Psychiatry 2002;180:461-4",
        "NHS Data Dictionary: Work and Social Adjustment Scale",
        "mhscales.com/wsas",
    ),
    scorer=_score,
)


def score(answers: Answers) -> Score:
    """Score WSAS option positions (0–8 = the rating; item 1 also 9 = not
    applicable)."""
    return WSAS.score(answers)
