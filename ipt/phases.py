"""The rules of a course's phases, as plain functions (no Django imports).

A course moves initial → middle → termination → ended (docs/ipt.md):

- initial → middle is the clinician's step, and needs a chosen problem area (a dispute
  with its stage), a formulation the patient agreed to and an agreed contract with 1–3
  goals for each chosen area (``middle_phase_blockers``);
- middle → termination happens by itself when a session held falls in the contract's
  last 2–3 sessions (``phase_after_session``);
- no session is held past the contract: an extension with a reason comes first
  (``may_hold_session``); an extension agreed in termination returns the course to the
  middle phase until the new last sessions (``phase_after_extension``);
- any open course may end: completed (from termination only), dropped out, stepped up or
  transferred (``end_blockers``). Ended is final.

The services in ``ipt.services`` gather the facts, ask these functions and refuse with
the reasons they give; the database adds what it can check cheaply (constraints).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    INITIAL = "initial"
    MIDDLE = "middle"
    TERMINATION = "termination"
    ENDED = "ended"


class Outcome(StrEnum):
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    STEPPED_UP = "stepped_up"
    TRANSFERRED = "transferred"


PHASE_WORDS = {
    Phase.INITIAL: "initial phase",
    Phase.MIDDLE: "middle phase",
    Phase.TERMINATION: "termination phase",
    Phase.ENDED: "ended",
}
AREA_WORDS = {
    "grief": "grief",
    "disputes": "interpersonal dispute",
    "transitions": "role transition",
    "deficits": "interpersonal deficits",
}
MAX_AREAS = 2
MAX_GOALS_PER_AREA = 3


@dataclass(frozen=True)
class Plan:
    """How many sessions a course has, and where its phases fall.

    ``planned`` is the contract's sessions plus any extensions (before the contract is
    agreed, the program's default); ``initial_sessions`` and ``termination_sessions``
    are the program's phase boundaries, copied onto the course when it opens.
    """

    planned: int
    initial_sessions: int
    termination_sessions: int

    @property
    def termination_starts_at(self) -> int:
        """The number of the first session of the termination phase."""
        return max(1, self.planned - self.termination_sessions + 1)

    @property
    def boundaries(self) -> dict[Phase, tuple[int, int]]:
        """First and last session number of each phase (middle may be empty)."""
        initial_last = min(self.initial_sessions, self.planned)
        termination_first = max(initial_last + 1, self.termination_starts_at)
        return {
            Phase.INITIAL: (1, initial_last),
            Phase.MIDDLE: (initial_last + 1, termination_first - 1),
            Phase.TERMINATION: (termination_first, self.planned),
        }

    def describe(self) -> str:
        """'sessions 1–3 initial · 4–9 middle · 10–12 termination'."""
        parts = []
        for phase, (first, last) in self.boundaries.items():
            if last < first:
                continue
            span = f"{first}" if first == last else f"{first}–{last}"
            parts.append(f"{span} {phase.value}")
        return "sessions " + " · ".join(parts)


def may_hold_session(*, phase: Phase, attended: int, planned: int) -> str | None:
    """Why another attended session may not be recorded, or None when it may."""
    if phase == Phase.ENDED:
        return "The course has ended: no further sessions are recorded on it."
    if attended >= planned:
        return (
            f"All {planned} sessions of the contract are used: record an extension "
            "with a reason before holding another session."
        )
    return None


def phase_after_session(*, phase: Phase, attended: int, plan: Plan) -> Phase:
    """The phase once session number ``attended`` has been held.

    Termination starts by itself when the session falls in the contract's last
    ``termination_sessions``; an initial phase running long stays initial (the
    clinician still has to agree the problem area and the contract).
    """
    if phase == Phase.MIDDLE and attended >= plan.termination_starts_at:
        return Phase.TERMINATION
    return phase


def phase_after_middle_begins(*, attended: int, plan: Plan) -> Phase:
    """Starting the middle phase late may land straight in termination."""
    return phase_after_session(phase=Phase.MIDDLE, attended=attended, plan=plan)


def phase_after_extension(*, phase: Phase, attended: int, plan: Plan) -> Phase:
    """An extension agreed in termination returns the course to the middle phase when the
    sessions held are no longer in the (new) last sessions."""
    if phase == Phase.TERMINATION and attended < plan.termination_starts_at:
        return Phase.MIDDLE
    return phase


def extension_blockers(*, phase: Phase, sessions_added: int, reason: str) -> list[str]:
    blockers = []
    if phase not in {Phase.MIDDLE, Phase.TERMINATION}:
        blockers.append(
            "Extensions are for a course in its middle or termination phase; "
            "before that, change the contract itself."
        )
    if sessions_added < 1:
        blockers.append("Add at least one session.")
    if len(reason.strip()) < 10:
        blockers.append("Give the reason for the extension in a sentence.")
    return blockers


def middle_phase_blockers(
    *,
    phase: Phase,
    areas: Sequence[tuple[str, str]],
    formulation: str,
    formulation_agreed: bool,
    contract_agreed: bool,
    goals_per_area: Mapping[str, int],
) -> list[str]:
    """What still stands between an initial phase and the middle phase, in words.

    ``areas`` are the chosen (area, dispute stage) pairs; ``goals_per_area`` counts the
    goals of each chosen area.
    """
    if phase != Phase.INITIAL:
        return [f"The course is in its {PHASE_WORDS[phase]}, not the initial phase."]
    blockers = []
    if not areas:
        blockers.append("Choose the problem area (one, at most two).")
    if len(areas) > MAX_AREAS:
        blockers.append("Choose at most two problem areas.")
    for area, stage in areas:
        if area == "disputes" and not stage:
            blockers.append("Record the stage of the dispute.")
    if not formulation.strip():
        blockers.append("Write the interpersonal formulation.")
    elif not formulation_agreed:
        blockers.append("Record the patient's agreement to the formulation.")
    if not contract_agreed:
        blockers.append("Agree the treatment contract with the patient.")
    for area, _stage in areas:
        count = goals_per_area.get(area, 0)
        if not 1 <= count <= MAX_GOALS_PER_AREA:
            blockers.append(f"Set 1–3 goals for {AREA_WORDS.get(area, area)}.")
    return blockers


def contract_blockers(
    *,
    phase: Phase,
    areas: Sequence[str],
    goals_per_area: Mapping[str, int],
    sessions_agreed: int,
    minimum_sessions: int,
) -> list[str]:
    """What stands between a draft contract and an agreed one."""
    blockers = []
    if phase != Phase.INITIAL:
        blockers.append("The contract is agreed in the initial phase.")
    if not areas:
        blockers.append("Choose the problem area before agreeing the contract.")
    for area in areas:
        count = goals_per_area.get(area, 0)
        if not 1 <= count <= MAX_GOALS_PER_AREA:
            blockers.append(f"Set 1–3 goals for {AREA_WORDS.get(area, area)}.")
    if sessions_agreed < minimum_sessions:
        blockers.append(
            f"Agree at least {minimum_sessions} sessions (the initial and termination "
            "phases need them)."
        )
    return blockers


def end_blockers(
    *,
    phase: Phase,
    outcome: Outcome,
    reason: str,
    review_written: bool,
    relapse_plan_complete: bool,
) -> list[str]:
    """Why a course may not end this way now, in words."""
    if phase == Phase.ENDED:
        return ["The course has already ended."]
    blockers = []
    if outcome == Outcome.COMPLETED:
        if phase != Phase.TERMINATION:
            blockers.append(
                "A course is completed from its termination phase; "
                "otherwise record it as dropped out, stepped up or transferred."
            )
        if not review_written:
            blockers.append("Write the progress review.")
        if not relapse_plan_complete:
            blockers.append("Complete the relapse-prevention plan.")
    elif len(reason.strip()) < 10:
        blockers.append("Say in a sentence why the course ends this way.")
    return blockers


def position_text(
    *, phase: Phase, attended: int, planned: int, outcome_words: str = ""
) -> str:
    """The line every course page shows: 'session 7 of 12, middle phase, 5 left'."""
    if phase == Phase.ENDED:
        words = f" ({outcome_words})" if outcome_words else ""
        return f"ended{words} after {attended} of {planned} sessions"
    if attended == 0:
        return f"no session held yet, {PHASE_WORDS[phase]}, {planned} planned"
    left = planned - attended
    left_words = "none left" if left <= 0 else f"{left} left"
    return f"session {attended} of {planned}, {PHASE_WORDS[phase]}, {left_words}"


def initial_phase_overrun(*, phase: Phase, attended: int, plan: Plan) -> bool:
    """True when the initial phase has run past the program's initial sessions."""
    return phase == Phase.INITIAL and attended > plan.initial_sessions
