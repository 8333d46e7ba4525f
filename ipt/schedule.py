"""A program's measure schedule, as plain functions (no Django imports).

Each rule names an instrument (``"phq9"``) and when it is given: at intake, before
sessions (every session, or the listed session numbers), at the end, or at follow-up
(months after the end). ``measures`` and ``scheduling`` ask these functions what is due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class InvalidSessionList(ValueError):
    """The session list is not 'every session' or comma-separated session numbers."""


@dataclass(frozen=True)
class MeasureRule:
    instrument: str
    timing: str  # "intake", "before_session", "end" or "follow_up"
    sessions: frozenset[int] | None = None  # before_session: None means every session
    months_after_end: int | None = None  # follow_up


def parse_sessions(text: str) -> frozenset[int] | None:
    """'' → every session (None); '1, 4, 8' → {1, 4, 8}."""
    text = text.strip()
    if not text:
        return None
    numbers = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise InvalidSessionList("List session numbers such as 1, 4, 8.")
        numbers.add(int(part))
    if not numbers:
        raise InvalidSessionList("List session numbers such as 1, 4, 8.")
    return frozenset(numbers)


def due_before_session(rules: Iterable[MeasureRule], session: int) -> list[str]:
    """The instruments to give before session ``session``, each once, in rule order."""
    due: list[str] = []
    for rule in rules:
        if rule.timing != "before_session":
            continue
        wanted = rule.sessions is None or session in rule.sessions
        if wanted and rule.instrument not in due:
            due.append(rule.instrument)
    return due


def due_at(rules: Iterable[MeasureRule], timing: str) -> list[str]:
    """The instruments given at intake, at the end, or at any follow-up."""
    due: list[str] = []
    for rule in rules:
        if rule.timing == timing and rule.instrument not in due:
            due.append(rule.instrument)
    return due


def follow_up_months(rules: Iterable[MeasureRule]) -> list[int]:
    return sorted(
        {
            rule.months_after_end
            for rule in rules
            if rule.timing == "follow_up" and rule.months_after_end
        }
    )
