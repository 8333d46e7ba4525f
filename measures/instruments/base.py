"""The shapes every rating scale shares: instrument, item, option, band and score.

Everything here is a frozen dataclass so an instrument definition cannot change under a
running clinic, and a ``Score`` can be cached, compared and stored as it is. No Django:
this package is imported by management commands, the portal and the outcome statistics
alike, and is tested without a database (STYLE.md §3.1–3.3).

**Answers** are option *positions*: ``0`` is the first option of the item as
``Item.options`` lists them, ``None`` is a missing answer. Positions, not scores,
because two options of one item may score the same (HRSD item 16) or one may not score
at all (WSAS "not applicable"), and because reversed items (CORE-10 items 2–3) list
their options in the printed order while scoring them backwards. Yes/no items always
list "No" first. ``Instrument.score_values`` takes item scores instead, for tables
copied from a published scoring key.

Sources for each instrument are in its module docstring and in ``docs/instruments.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

Number = int | float
Answers = Sequence[int | None]
Selected = tuple["Option | None", ...]
"""The chosen option of each item (``None`` = missing), in item order."""


class Respondent(enum.StrEnum):
    SELF_REPORT = "self-report"
    CLINICIAN_RATED = "clinician-rated"


class Method(enum.StrEnum):
    SUM = "sum"
    MEAN = "mean"


class InvalidAnswers(ValueError):
    """Answers that do not fit the instrument; the message is for a clinician."""


@dataclass(frozen=True)
class Option:
    """One answer an item allows. ``score`` is ``None`` when it is recorded but not
    scored (HRSD item 16 "not assessed", WSAS work "not applicable")."""

    label: str
    score: int | None
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``text`` is ``None`` where the licence forbids shipping the
    wording; ``label`` is then neutral ("Item 3") and a licensed clinic supplies the
    wording (see ``licensed_text``)."""

    number: int
    label: str
    options: tuple[Option, ...]
    text: str | None = None
    loinc: str | None = None
    reverse_keyed: bool = False
    note: str | None = None

    @property
    def name(self) -> str:
        """How messages name the item: "item 9 (Self-harm thoughts)"."""
        if self.label == f"Item {self.number}":
            return f"item {self.number}"
        return f"item {self.number} ({self.label})"

    def describe_options(self) -> str:
        """Allowed positions with their labels, for error messages."""
        parts = [f"{pos} = {_short(opt.label)}" for pos, opt in enumerate(self.options)]
        return ", ".join(parts)

    def position_of(self, score: int | None) -> int:
        """The first position whose option scores ``score`` (``None``: unscored)."""
        for position, option in enumerate(self.options):
            if option.score == score:
                return position
        allowed = sorted({o.score for o in self.options if o.score is not None})
        raise InvalidAnswers(
            f"{self.name.capitalize()}: no option scores {score}; "
            f"item scores are {', '.join(map(str, allowed))}."
        )


@dataclass(frozen=True)
class Band:
    """A severity band. Bounds are inclusive unless marked otherwise, which matters
    only for instruments whose totals can be fractional (means, prorated totals)."""

    label: str
    min: Number
    max: Number
    min_inclusive: bool = True
    max_inclusive: bool = True

    def contains(self, value: Number) -> bool:
        above = value >= self.min if self.min_inclusive else value > self.min
        below = value <= self.max if self.max_inclusive else value < self.max
        return above and below


@dataclass(frozen=True)
class Subscale:
    name: str
    items: tuple[int, ...]
    method: Method = Method.SUM


@dataclass(frozen=True)
class Cutoff:
    """A total at or above ``value`` is positive."""

    value: Number
    label: str
    source: str


@dataclass(frozen=True)
class ReliableChange:
    """A change of at least ``points`` is reliable. ``sd`` and ``reliability`` are kept
    where known so a Jacobson–Truax threshold can be derived (see ``change``)."""

    points: Number | None
    source: str
    sd: float | None = None
    reliability: float | None = None


@dataclass(frozen=True)
class CriticalItem:
    """An answer that must reach a clinician whatever the total."""

    item: int
    min_score: int
    trigger: str
    action: str
    # A risk question left unanswered fires too: prorating must never hide it.
    fires_when_unanswered: bool = False


@dataclass(frozen=True)
class Loinc:
    panel: str | None = None
    total: str | None = None
    answer_list: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Licence:
    status: str
    ship_text: bool
    attribution: str
    terms: str
    source: str
    local_grant: str | None = None
    """Set by ``licensed_text`` from the clinic's file: its own licence reference."""


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration.

    ``total`` is ``None`` when it cannot be computed (missing answers under an
    unverified rule, or an instrument that is not summed); ``reason`` then says why.
    ``critical`` holds the 1-based numbers of items whose answer must reach a clinician.
    """

    instrument: str
    total: Number | None
    band: str | None
    caseness: bool | None
    critical: tuple[int, ...] = ()
    subscales: Mapping[str, Number | None] = field(default_factory=dict)
    reason: str | None = None
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    answered: int = 0

    def __post_init__(self) -> None:
        # A read-only view keeps the frozen promise for the one mutable-looking field.
        object.__setattr__(self, "subscales", MappingProxyType(dict(self.subscales)))

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data (the ``score`` command prints this)."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "caseness": self.caseness,
            "critical": list(self.critical),
            "subscales": dict(self.subscales),
            "reason": self.reason,
            "flags": list(self.flags),
            "notes": list(self.notes),
            "answered": self.answered,
        }


Scorer = Callable[["Instrument", Selected], Score]


@dataclass(frozen=True)
class Instrument:
    """Everything IPT Care knows about one rating scale, and how to score it."""

    id: str
    name: str
    short_name: str
    version: str
    respondent: Respondent
    recall_period: str | None
    instructions: str | None
    items: tuple[Item, ...]
    scoring: str
    score_range: tuple[Number, Number] | None
    licence: Licence
    missing_rule: str
    missing_rule_verified: bool
    scorer: Scorer = field(repr=False, compare=False)
    bands: tuple[Band, ...] = ()
    caseness: Cutoff | None = None
    other_cutoffs: tuple[Cutoff, ...] = ()
    reliable_change: ReliableChange | None = None
    critical_items: tuple[CriticalItem, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    loinc: Loinc = field(default_factory=Loinc)
    higher_is_worse: bool = True
    extra_items: tuple[Item, ...] = ()
    """Asked but never scored (PHQ-9's difficulty question)."""
    sources: tuple[str, ...] = ()
    prorates: bool = False
    """A total may stand for a form with items missing (PHQ-9, GAD-7, CORE-10): it is
    shown with "prorated from n of m items" wherever it appears."""

    def __post_init__(self) -> None:
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(self.items) + 1)):
            raise ValueError(f"{self.id}: items must be numbered 1..n, got {numbers}")
        restricted = not self.licence.ship_text and self.licence.local_grant is None
        if restricted and any(item.text for item in self.items):
            raise ValueError(f"{self.id}: licence forbids shipping item text")

    def item(self, number: int) -> Item:
        return self.items[number - 1]

    def select(self, answers: Answers) -> Selected:
        """Check answers against the items; raise ``InvalidAnswers`` naming the item."""
        if isinstance(answers, str | bytes):
            raise InvalidAnswers("Answers must be a list of option positions.")
        if len(answers) != len(self.items):
            raise InvalidAnswers(
                f"The {self.short_name} has {len(self.items)} items; "
                f"got {len(answers)} answers."
            )
        chosen: list[Option | None] = []
        for item, answer in zip(self.items, answers, strict=True):
            if answer is None:
                chosen.append(None)
                continue
            # bool is an int subclass; True is not an answer position.
            if not isinstance(answer, int) or isinstance(answer, bool):
                raise InvalidAnswers(
                    f"{self.short_name} {item.name}: {answer!r} is not an option "
                    f"position. Allowed: {item.describe_options()}, or no answer."
                )
            if not 0 <= answer < len(item.options):
                raise InvalidAnswers(
                    f"{self.short_name} {item.name}: {answer} is not one of the "
                    f"options. Allowed: {item.describe_options()}, or no answer."
                )
            chosen.append(item.options[answer])
        return tuple(chosen)

    def score(self, answers: Answers) -> Score:
        """Score option positions (``None`` = missing)."""
        return self.scorer(self, self.select(answers))

    def score_values(self, values: Sequence[int | None]) -> Score:
        """Score item scores as a published key states them (first matching option)."""
        if len(values) != len(self.items):
            raise InvalidAnswers(
                f"The {self.short_name} has {len(self.items)} items; "
                f"got {len(values)} answers."
            )
        positions = [
            None if value is None else item.position_of(value)
            for item, value in zip(self.items, values, strict=True)
        ]
        return self.score(positions)

    def band_for(self, total: Number | None) -> str | None:
        if total is None:
            return None
        for band in self.bands:
            if band.contains(total):
                return band.label
        return None

    def caseness_for(self, total: Number | None) -> bool | None:
        if total is None or self.caseness is None:
            return None
        return total >= self.caseness.value

    def critical_for(self, selected: Selected) -> tuple[int, ...]:
        fired = []
        for rule in self.critical_items:
            option = selected[rule.item - 1]
            score = None if option is None else option.score
            if (score is not None and score >= rule.min_score) or (
                option is None and rule.fires_when_unanswered
            ):
                fired.append(rule.item)
        return tuple(sorted(set(fired)))

    def subscale_scores(self, scores: Sequence[int | None]) -> dict[str, Number | None]:
        """Each subscale from effective item scores; ``None`` if any of its items is."""
        result: dict[str, Number | None] = {}
        for subscale in self.subscales:
            values = [scores[n - 1] for n in subscale.items]
            if any(v is None for v in values):
                result[subscale.name] = None
                continue
            present = [v for v in values if v is not None]
            if subscale.method is Method.MEAN:
                result[subscale.name] = round_half_up(sum(present) / len(present), 2)
            else:
                result[subscale.name] = sum(present)
        return result


def item_scores(selected: Selected) -> list[int | None]:
    """Scores of the chosen options; ``None`` for missing or unscored answers."""
    return [None if option is None else option.score for option in selected]


def missing_items(instrument: Instrument, selected: Selected) -> list[Item]:
    pairs = zip(instrument.items, selected, strict=True)
    return [item for item, option in pairs if option is None]


def round_half_up(value: float, places: int) -> float:
    """Round as on paper (0.125 → 0.13), not as ``round`` does (banker's: 0.12)."""
    exponent = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_UP))


def _short(label: str, limit: int = 48) -> str:
    """Long anchors (HRSD) are cut so an error message stays readable."""
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
