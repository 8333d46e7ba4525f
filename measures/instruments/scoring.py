"""Scoring rules more than one instrument uses: sum or mean of a complete form, and the
assembly of a ``Score`` from a total.

A scorer that needs more (AUDIT's skip rule, CORE-10's prorating, WSAS's imputation,
screens that are not summed) builds on these in its own module.
"""

from __future__ import annotations

from collections.abc import Sequence

from measures.instruments.base import (
    Instrument,
    Item,
    Number,
    Score,
    Selected,
    item_scores,
    missing_items,
    round_half_up,
)


def build(
    instrument: Instrument,
    selected: Selected,
    *,
    total: Number | None,
    reason: str | None = None,
    flags: Sequence[str] = (),
    notes: Sequence[str] = (),
    scores: Sequence[int | None] | None = None,
) -> Score:
    """A ``Score`` with band, caseness, critical items and subscales filled in.

    ``scores`` are the effective item scores when a rule changed them (skipped AUDIT
    items count 0); by default the scores of the chosen options.
    """
    effective = item_scores(selected) if scores is None else list(scores)
    return Score(
        instrument=instrument.id,
        total=total,
        band=instrument.band_for(total),
        caseness=instrument.caseness_for(total),
        critical=instrument.critical_for(selected),
        subscales=instrument.subscale_scores(effective),
        reason=reason,
        flags=tuple(flags),
        notes=tuple(notes),
        answered=sum(option is not None for option in selected),
    )


def names(items: Sequence[Item]) -> str:
    """ "item 3 (Sleep), item 7 (Concentration)"."""
    return ", ".join(item.name for item in items)


def unverified_missing_reason(instrument: Instrument, missing: Sequence[Item]) -> str:
    return (
        f"No total: {names(missing)} not answered, and no verified rule for missing "
        f"{instrument.short_name} answers is on record, so the total is not estimated."
    )


def score_complete_sum(
    instrument: Instrument,
    selected: Selected,
    *,
    flags: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> Score:
    """Sum of item scores; no total unless every item is answered."""
    missing = missing_items(instrument, selected)
    if missing:
        reason = unverified_missing_reason(instrument, missing)
        return build(instrument, selected, total=None, reason=reason, notes=notes)
    total = sum(s for s in item_scores(selected) if s is not None)
    return build(instrument, selected, total=total, flags=flags, notes=notes)


def score_complete_mean(
    instrument: Instrument,
    selected: Selected,
    *,
    notes: Sequence[str] = (),
) -> Score:
    """Mean of item scores to 2 decimals; no total unless every item is answered."""
    missing = missing_items(instrument, selected)
    if missing:
        reason = unverified_missing_reason(instrument, missing)
        return build(instrument, selected, total=None, reason=reason, notes=notes)
    values = [s for s in item_scores(selected) if s is not None]
    total = round_half_up(sum(values) / len(values), 2)
    return build(instrument, selected, total=total, notes=notes)


def sum_scorer(instrument: Instrument, selected: Selected) -> Score:
    """The whole scorer of a plain summed instrument (GAD-7, PHQ-2, UCLA-3 …)."""
    return score_complete_sum(instrument, selected)


# NHS Data Dictionary, PHQ-9 and GAD-7 (shared/instruments/VERIFICATION.md §2): "If one
# or two values are missing from the score, then they can be substituted with the
# average score of the non-missing items. Questionnaires with more than two missing
# values should be disregarded."
NHS_MAX_MISSING = 2
NHS_PRORATING_SOURCE = "NHS Data Dictionary"


def prorated_note(answered: int, items: int) -> str:
    """The words shown wherever a prorated total appears."""
    return f"prorated from {answered} of {items} items"


def score_prorated_sum(
    instrument: Instrument,
    selected: Selected,
    *,
    max_missing: int = NHS_MAX_MISSING,
    flags: Sequence[str] = (),
) -> Score:
    """Sum of item scores; with 1 to ``max_missing`` items unanswered, the mean of the
    answered items stands in for each (total = mean × items, rounded half up to a whole
    number, so bands and cut-offs read as for a complete form); with more, no total.
    A critical item left unanswered still reaches the clinician (``critical_for``)."""
    missing = missing_items(instrument, selected)
    if not missing:
        return score_complete_sum(instrument, selected, flags=flags)
    if len(missing) > max_missing:
        reason = (
            f"No total: {names(missing)} not answered; the {instrument.short_name} is "
            f"prorated with at most {max_missing} items missing "
            f"({NHS_PRORATING_SOURCE})."
        )
        return build(instrument, selected, total=None, reason=reason)
    values = [s for s in item_scores(selected) if s is not None]
    items = len(instrument.items)
    total = round_half_up(items * sum(values) / len(values), 0)
    note = (
        f"Total {prorated_note(len(values), items)} ({names(missing)} not answered): "
        f"the mean of the answered items stands in for each ({NHS_PRORATING_SOURCE})."
    )
    return build(instrument, selected, total=int(total), notes=[note])


def prorated_sum_scorer(instrument: Instrument, selected: Selected) -> Score:
    """The whole scorer of the GAD-7: ``score_prorated_sum`` with the NHS rule."""
    return score_prorated_sum(instrument, selected)
