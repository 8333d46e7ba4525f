"""What a session note ticks: each phase's tasks, each problem area's strategies and the
techniques of IPT (DESIGN §1). Plain data, no Django imports.

Codes are stored in notes as ``"<group>:<code>"`` (``"disputes:role_play"``), so the
labels may be reworded without touching stored notes; a code is never reused for a
different meaning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Choice = tuple[str, str]

INITIAL_TASKS: tuple[Choice, ...] = (
    ("symptoms", "Reviewed symptoms and rated their severity"),
    ("sick_role", "Named the diagnosis and gave the sick role"),
    ("inventory", "Worked on the interpersonal inventory"),
    ("timeline", "Worked on the timeline of events, symptoms and substance use"),
    ("problem_area", "Discussed the problem area"),
    ("formulation", "Shared the interpersonal formulation"),
    ("contract", "Agreed the treatment contract and goals"),
)

AREA_STRATEGIES: dict[str, tuple[Choice, ...]] = {
    "grief": (
        ("mourning", "Facilitated mourning"),
        ("affect", "Encouraged the expression of feelings about the loss"),
        (
            "reconstruct",
            "Reconstructed the relationship with the deceased, good and bad",
        ),
        ("reengage", "Rebuilt interests and relationships"),
    ),
    "disputes": (
        ("name_dispute", "Named the dispute and its stage"),
        ("expectations", "Explored the non-reciprocal expectations"),
        ("communication", "Analysed the communication in an argument"),
        ("options", "Weighed the options"),
        ("role_play", "Rehearsed with role play"),
        ("renegotiate", "Worked on renegotiating, or ending, the relationship"),
    ),
    "transitions": (
        ("mourn_old", "Mourned the old role"),
        ("weigh_old", "Weighed the old role honestly, good and bad"),
        ("new_role", "Explored the chances of the new role"),
        ("skills", "Built the skills the new role needs"),
        ("support", "Built support for the new role"),
        ("recovery", "Worked on life in recovery (for entering recovery)"),
    ),
    "deficits": (
        ("isolation", "Reviewed isolation and past relationships"),
        ("patterns", "Looked for repeating patterns in relationships"),
        ("new_relationships", "Worked on forming new relationships"),
        ("therapeutic", "Used the therapeutic relationship as practice"),
        ("social_skills", "Practised social skills"),
    ),
}

TERMINATION_TASKS: tuple[Choice, ...] = (
    ("review", "Reviewed progress against the goals and the scores"),
    ("feelings", "Discussed feelings about ending"),
    ("warning_signs", "Named the warning signs of relapse"),
    ("relapse_plan", "Worked on the relapse-prevention plan"),
    ("next_steps", "Discussed what follows: end, extend, maintenance or step up"),
)

TECHNIQUES: tuple[Choice, ...] = (
    ("exploration", "Exploration"),
    ("affect", "Encouragement of affect"),
    ("clarification", "Clarification"),
    ("communication_analysis", "Communication analysis"),
    ("decision_analysis", "Decision analysis"),
    ("role_play", "Role play"),
    ("therapeutic_relationship", "Use of the therapeutic relationship"),
    ("homework", "Homework"),
)

DISPUTE_STAGES: dict[str, str] = {
    "renegotiation": "Both still talk about the disagreement and try to change it",
    "impasse": "Talking has stopped; resentment without attempts to resolve it",
    "dissolution": "One or both are ending the relationship",
}

AREA_TITLES = {
    "grief": "Grief",
    "disputes": "Interpersonal dispute",
    "transitions": "Role transition",
    "deficits": "Interpersonal deficits",
}


@dataclass(frozen=True)
class Checklist:
    """One group of tick boxes in a note: a title and its (stored code, label) pairs."""

    key: str
    title: str
    choices: tuple[Choice, ...]

    def stored(self) -> list[Choice]:
        return [(f"{self.key}:{code}", label) for code, label in self.choices]


def checklists_for(phase: str, areas: Sequence[str]) -> list[Checklist]:
    """The note's checklists: the initial tasks, or the chosen areas' strategies (and in
    termination the termination tasks first)."""
    if phase == "initial":
        return [Checklist("initial", "Initial-phase tasks", INITIAL_TASKS)]
    checklists = []
    if phase == "termination":
        checklists.append(
            Checklist("termination", "Termination tasks", TERMINATION_TASKS)
        )
    for area in areas:
        if area in AREA_STRATEGIES:
            checklists.append(
                Checklist(
                    area, f"{AREA_TITLES[area]}: strategies", AREA_STRATEGIES[area]
                )
            )
    return checklists


def all_codes() -> frozenset[str]:
    """Every checklist code a note may hold."""
    codes = {f"initial:{code}" for code, _ in INITIAL_TASKS}
    codes |= {f"termination:{code}" for code, _ in TERMINATION_TASKS}
    for area, choices in AREA_STRATEGIES.items():
        codes |= {f"{area}:{code}" for code, _ in choices}
    return frozenset(codes)


def labels_for(codes: Iterable[str]) -> list[str]:
    """The labels of stored codes, for showing a signed note (unknown codes as is)."""
    known: dict[str, str] = {}
    for checklist in [
        Checklist("initial", "", INITIAL_TASKS),
        Checklist("termination", "", TERMINATION_TASKS),
        *(Checklist(area, "", choices) for area, choices in AREA_STRATEGIES.items()),
    ]:
        known.update(checklist.stored())
    technique_labels = dict(TECHNIQUES)
    return [known.get(code, technique_labels.get(code, code)) for code in codes]
