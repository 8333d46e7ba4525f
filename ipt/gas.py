"""Goal Attainment Scaling (GAS): levels and the summary T-score. No Django imports.

Each goal is described at five levels, −2 (much less than expected) to +2 (much more
than expected), 0 being the expected outcome; the patient's attainment is rated on that
scale during the course. At the end the ratings of all goals are summarised in one
T-score (Kiresuk & Sherman 1968):

    T = 50 + 10 · Σ wᵢxᵢ / √((1 − ρ) · Σ wᵢ² + ρ · (Σ wᵢ)²)

where xᵢ is goal i's level, wᵢ its weight and ρ the assumed correlation between goals'
scores, conventionally 0.3. T is 50 when every goal is met as expected, with a standard
deviation of 10. See docs/ipt.md for the source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

RHO = 0.3
LEVELS = (-2, -1, 0, 1, 2)
LEVEL_WORDS = {
    -2: "much less than expected",
    -1: "somewhat less than expected",
    0: "the expected level",
    1: "somewhat more than expected",
    2: "much more than expected",
}


class InvalidRatings(ValueError):
    """The ratings cannot be summarised (none, or a level outside −2..+2)."""


def t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, *, rho: float = RHO
) -> float:
    """The Kiresuk–Sherman T-score of the goals' levels (equal weights by default)."""
    if not levels:
        raise InvalidRatings("There are no rated goals to summarise.")
    if any(level not in LEVELS for level in levels):
        raise InvalidRatings("Each level is between −2 and +2.")
    if weights is None:
        weights = [1.0] * len(levels)
    if len(weights) != len(levels):
        raise InvalidRatings("Give one weight for each goal.")
    if any(weight <= 0 for weight in weights):
        raise InvalidRatings("Weights are positive.")
    if not 0 <= rho < 1:
        raise InvalidRatings("ρ is between 0 and 1.")
    weighted = sum(w * x for w, x in zip(weights, levels, strict=True))
    spread = (1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2
    return 50 + 10 * weighted / math.sqrt(spread)
