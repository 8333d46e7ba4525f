"""Building answers for tests: item scores that add up to a chosen total."""

from __future__ import annotations

from functools import cache

from measures.instruments.base import Instrument


def values_for_total(instrument: Instrument, total: int) -> list[int]:
    """Item scores, filled from item 1 with the highest score that still lets the
    remaining items reach ``total`` exactly (AUDIT items 9–10 allow only 0, 2, 4)."""
    choices = [
        sorted({o.score for o in item.options if o.score is not None}, reverse=True)
        for item in instrument.items
    ]

    @cache
    def reachable(start: int, remaining: int) -> bool:
        if start == len(choices):
            return remaining == 0
        return any(reachable(start + 1, remaining - s) for s in choices[start])

    if not reachable(0, total):
        raise ValueError(f"{instrument.id}: no answers total {total}")
    values = []
    remaining = total
    for index, scores in enumerate(choices):
        chosen = next(s for s in scores if reachable(index + 1, remaining - s))
        values.append(chosen)
        remaining -= chosen
    return values


def lowest(instrument: Instrument) -> list[int]:
    """The lowest-scoring position of every item."""
    return [
        min(
            (p for p, o in enumerate(item.options) if o.score is not None),
            key=lambda p, item=item: item.options[p].score or 0,
        )
        for item in instrument.items
    ]


def highest(instrument: Instrument) -> list[int]:
    """The highest-scoring position of every item."""
    return [
        max(
            (p for p, o in enumerate(item.options) if o.score is not None),
            key=lambda p, item=item: item.options[p].score or 0,
        )
        for item in instrument.items
    ]
