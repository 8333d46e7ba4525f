"""Reliable change between two scores of one instrument.

Two sources of a threshold, in this order:

1. the instrument's own published threshold (``Instrument.reliable_change.points``),
   e.g. NHS Talking Therapies' 6 points for the PHQ-9 and 4 for the GAD-7: a change of
   at least that many points is reliable;
2. otherwise Jacobson & Truax (J Consult Clin Psychol 1991;59:12–19), when an SD of the
   pre-treatment sample and a reliability are known (passed in from the service's own
   data, or stored on the instrument): SE = s₁·√(1 − rₓₓ), S_diff = √(2·SE²),
   RCI = (post − pre) / S_diff, reliable when |RCI| > 1.96.

The RCI is reported whenever SD and reliability are known, even if the published
threshold decided. Direction follows ``Instrument.higher_is_worse`` (MSPSS: more
support is better). Pure Python; called per course by ``outcomes``, never per session.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from measures.instruments.base import Instrument, Number, Score

Z_95 = 1.96


class Direction(enum.StrEnum):
    IMPROVED = "reliable improvement"
    DETERIORATED = "reliable deterioration"
    NO_RELIABLE_CHANGE = "no reliable change"


@dataclass(frozen=True)
class Change:
    instrument: str
    before: Number | None
    after: Number | None
    difference: Number | None
    """after − before."""
    threshold: float | None
    threshold_source: str | None
    rci: float | None
    direction: Direction | None
    reason: str | None = None


def jacobson_truax_threshold(sd: float, reliability: float) -> float:
    """Smallest change (points) that is reliable at p < .05: 1.96 · S_diff."""
    return Z_95 * _s_diff(sd, reliability)


def jacobson_truax_index(
    before: Number, after: Number, sd: float, reliability: float
) -> float:
    """RCI = (after − before) / S_diff."""
    return (after - before) / _s_diff(sd, reliability)


def _s_diff(sd: float, reliability: float) -> float:
    if sd <= 0:
        raise ValueError("The SD must be positive.")
    if not 0 <= reliability < 1:
        raise ValueError("Reliability must be at least 0 and below 1.")
    standard_error = sd * math.sqrt(1 - reliability)
    return math.sqrt(2 * standard_error**2)


def reliable_change(
    instrument: Instrument,
    before: Score | Number | None,
    after: Score | Number | None,
    *,
    sd: float | None = None,
    reliability: float | None = None,
) -> Change:
    """Classify the change from ``before`` to ``after`` (scores or totals).

    ``sd`` and ``reliability`` override what the instrument stores; pass the service's
    own pre-treatment SD where the instrument has no published threshold.
    """
    pre, post = _total(instrument, before), _total(instrument, after)
    stored = instrument.reliable_change
    sd = sd if sd is not None else (stored.sd if stored else None)
    if reliability is None and stored is not None:
        reliability = stored.reliability

    if pre is None or post is None:
        return Change(
            instrument=instrument.id,
            before=pre,
            after=post,
            difference=None,
            threshold=None,
            threshold_source=None,
            rci=None,
            direction=None,
            reason="Reliable change needs both totals; one is missing.",
        )

    difference = _tidy(post - pre)
    rci = None
    if sd is not None and reliability is not None:
        rci = round(jacobson_truax_index(pre, post, sd, reliability), 3)

    threshold: float | None = None
    source: str | None = None
    if stored is not None and stored.points is not None:
        threshold, source = float(stored.points), stored.source
        reliable = abs(difference) >= threshold
    elif rci is not None and sd is not None and reliability is not None:
        threshold = round(jacobson_truax_threshold(sd, reliability), 3)
        source = f"Jacobson-Truax (SD {sd}, reliability {reliability})"
        reliable = abs(rci) > Z_95
    else:
        return Change(
            instrument=instrument.id,
            before=pre,
            after=post,
            difference=difference,
            threshold=None,
            threshold_source=None,
            rci=None,
            direction=None,
            reason=(
                f"The {instrument.short_name} has no verified reliable-change "
                "threshold; pass the service's SD and reliability."
            ),
        )

    direction = Direction.NO_RELIABLE_CHANGE
    if reliable and difference != 0:
        worse = (difference > 0) == instrument.higher_is_worse
        direction = Direction.DETERIORATED if worse else Direction.IMPROVED
    return Change(
        instrument=instrument.id,
        before=pre,
        after=post,
        difference=difference,
        threshold=threshold,
        threshold_source=source,
        rci=rci,
        direction=direction,
    )


def _total(instrument: Instrument, value: Score | Number | None) -> Number | None:
    if isinstance(value, Score):
        if value.instrument != instrument.id:
            raise ValueError(
                f"A {value.instrument} score cannot be compared on {instrument.id}."
            )
        return value.total
    return value


def _tidy(value: Number) -> Number:
    # Fractional totals (means, pro-rated) subtract to 0.30000000000000004.
    return round(value, 6) if isinstance(value, float) else value
