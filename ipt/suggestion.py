"""Which of IPT's four problem areas the timeline and the inventory point to, with the
reasons in words. A pure function over plain data: no Django imports.

The rules (DESIGN §1, docs/ipt.md):

1. The *onset* is the start of the current symptom episode (the latest to begin). An
   event is *linked* to it when it falls in the year before onset or the month after.
   Without a recorded episode, events of the past year are linked.
2. A death linked to onset points to **grief** (first), whatever else happened.
3. Otherwise linked conflicts point to **interpersonal disputes**, as does a close
   relationship (closeness 4–5) that is difficult with expectations not met; linked
   life changes, losses other than a death and the end of a period of substance use
   ("entering recovery") point to **role transitions**. Event evidence ranks above
   inventory evidence, then nearness to onset.
4. **Interpersonal deficits** only when no event explains the onset (no linked death,
   conflict or transition, no dispute in the inventory) and the inventory is thin
   (at most one close relationship that is not difficult) or isolation is recorded.

At most two areas are suggested; the clinician decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Area(StrEnum):
    GRIEF = "grief"
    DISPUTES = "disputes"
    TRANSITIONS = "transitions"
    DEFICITS = "deficits"


class EventKind(StrEnum):
    LOSS = "loss"
    CONFLICT = "conflict"
    LIFE_CHANGE = "life_change"
    ISOLATION = "isolation"
    OTHER = "other"


AREA_WORDS = {
    Area.GRIEF: "grief",
    Area.DISPUTES: "interpersonal dispute",
    Area.TRANSITIONS: "role transition",
    Area.DEFICITS: "interpersonal deficits",
}
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
LINK_BEFORE_DAYS = 365
LINK_AFTER_DAYS = 31
CLOSE = 4  # closeness 4 or 5 of 5
MAX_SUGGESTIONS = 2


@dataclass(frozen=True)
class LifeEvent:
    title: str
    kind: str
    on: date
    someone_died: bool = False


@dataclass(frozen=True)
class Period:
    """A symptom episode or a period of substance use; ``ended`` None while ongoing."""

    title: str
    started: date
    ended: date | None = None


@dataclass(frozen=True)
class Person:
    name: str
    closeness: int
    quality: str  # "good", "mixed" or "difficult"
    expectations_met: str = "unknown"  # "yes", "partly", "no" or "unknown"
    deceased: bool = False


@dataclass(frozen=True)
class Suggestion:
    area: Area
    reason: str


@dataclass(frozen=True)
class _Evidence:
    area: Area
    reason: str
    from_event: bool
    distance_days: int

    @property
    def rank(self) -> tuple[int, int]:
        return (0 if self.from_event else 1, self.distance_days)


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _months(days: int) -> int:
    return round(abs(days) / 30.44)


def _when_words(on: date, onset: date | None, today: date) -> str:
    """'2 months before the episode began', 'just after the episode began', '3 months
    ago'."""
    if onset is None:
        months = _months((today - on).days)
        if months == 0:
            return "this past month"
        return f"{months} month{'s' if months != 1 else ''} ago"
    days = (onset - on).days
    months = _months(days)
    if months == 0:
        return "just before the episode began" if days >= 0 else "just after it began"
    plural = "s" if months != 1 else ""
    if days > 0:
        return f"{months} month{plural} before the episode began"
    return f"{months} month{plural} after the episode began"


def _onset(episodes: Sequence[Period]) -> date | None:
    if not episodes:
        return None
    return max(episode.started for episode in episodes)


def _linked(on: date, onset: date | None, today: date) -> bool:
    anchor = onset or today
    days = (anchor - on).days
    after = LINK_AFTER_DAYS if onset is not None else 0
    return -after <= days <= LINK_BEFORE_DAYS


def _event_evidence(
    events: Sequence[LifeEvent],
    substance_use: Sequence[Period],
    onset: date | None,
    today: date,
) -> list[_Evidence]:
    anchor = onset or today
    evidence = []
    for event in events:
        if not _linked(event.on, onset, today):
            continue
        when = f"{event.title} ({month_year(event.on)}), {_when_words(event.on, onset, today)}"
        distance = abs((anchor - event.on).days)
        if event.kind == EventKind.LOSS and event.someone_died:
            area, extra = Area.GRIEF, ""
        elif event.kind == EventKind.LOSS:
            area, extra = Area.TRANSITIONS, ": a loss other than a death"
        elif event.kind == EventKind.CONFLICT:
            area, extra = Area.DISPUTES, ""
        elif event.kind == EventKind.LIFE_CHANGE:
            area, extra = Area.TRANSITIONS, ""
        else:
            continue
        reason = f"{when}{extra} → {AREA_WORDS[area]}"
        evidence.append(_Evidence(area, reason, True, distance))
    for period in substance_use:
        if period.ended is None or not _linked(period.ended, onset, today):
            continue
        reason = (
            f"{period.title} stopped ({month_year(period.ended)}), "
            f"{_when_words(period.ended, onset, today)}: entering recovery "
            f"→ {AREA_WORDS[Area.TRANSITIONS]}"
        )
        distance = abs((anchor - period.ended).days)
        evidence.append(_Evidence(Area.TRANSITIONS, reason, True, distance))
    return evidence


def _dispute_in_inventory(people: Sequence[Person]) -> list[_Evidence]:
    evidence = []
    for person in people:
        if (
            not person.deceased
            and person.closeness >= CLOSE
            and person.quality == "difficult"
            and person.expectations_met in {"no", "partly"}
        ):
            met = "not met" if person.expectations_met == "no" else "only partly met"
            reason = (
                f"{person.name}: close (closeness {person.closeness} of 5), the "
                f"relationship difficult and expectations {met} → "
                f"{AREA_WORDS[Area.DISPUTES]}"
            )
            # Closer relationships first.
            evidence.append(
                _Evidence(Area.DISPUTES, reason, False, 5 - person.closeness)
            )
    return evidence


def _deficits(
    events: Sequence[LifeEvent],
    people: Sequence[Person],
    onset: date | None,
    today: date,
) -> Suggestion | None:
    isolation = [
        event
        for event in events
        if event.kind == EventKind.ISOLATION and _linked(event.on, onset, today)
    ]
    if not people and not isolation:
        return None  # the inventory has not been taken: nothing to go on
    close = [
        person
        for person in people
        if person.closeness >= CLOSE
        and not person.deceased
        and person.quality != "difficult"
    ]
    thin = len(close) <= 1
    if not thin and not isolation:
        return None
    period = "the year before the episode began" if onset else "the past year"
    parts = [f"no death, dispute or life change in {period}"]
    if thin:
        count = "no one" if not close else "only 1 person"
        parts.append(f"{count} close (closeness 4–5) in the inventory")
    if isolation:
        latest = max(isolation, key=lambda event: event.on)
        parts.append(f"{latest.title} ({month_year(latest.on)})")
    return Suggestion(
        Area.DEFICITS, "; ".join(parts) + f" → {AREA_WORDS[Area.DEFICITS]}"
    )


def suggest(
    *,
    events: Sequence[LifeEvent],
    episodes: Sequence[Period],
    substance_use: Sequence[Period],
    people: Sequence[Person],
    today: date,
) -> list[Suggestion]:
    """One or two problem areas with their reasons, most likely first; none when the
    timeline and the inventory say too little."""
    onset = _onset(episodes)
    evidence = _event_evidence(events, substance_use, onset, today)
    evidence += _dispute_in_inventory(people)

    best: dict[Area, _Evidence] = {}
    for item in sorted(evidence, key=lambda item: item.rank):
        best.setdefault(item.area, item)

    suggestions: list[Suggestion] = []
    grief = best.pop(Area.GRIEF, None)
    if grief is not None:
        suggestions.append(Suggestion(grief.area, grief.reason))
        # A second area beside grief only on the strength of an event of its own.
        others = sorted(
            (item for item in best.values() if item.from_event), key=lambda i: i.rank
        )
    else:
        others = sorted(best.values(), key=lambda item: item.rank)
    for item in others:
        if len(suggestions) == MAX_SUGGESTIONS:
            break
        suggestions.append(Suggestion(item.area, item.reason))
    if suggestions:
        return suggestions
    deficits = _deficits(events, people, onset, today)
    return [deficits] if deficits else []
