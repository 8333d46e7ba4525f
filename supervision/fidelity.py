"""IPT's structure, kept or not, for one course: a plain function over plain facts
(no Django; the service's refresh job and the course page gather the facts).

The elements follow the phases in ``shared/DESIGN.md`` §1 (docs/supervision.md,
"Structural fidelity"). Each is **kept**, **not kept**, or **not yet due** (``None``)
— a course in its second session has not broken the session-4 rule — and says why in
words that name no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MAX_PROBLEM_AREAS = 2
# A session "had its measures" when an outcome score falls in the week up to its day.
MEASURE_WINDOW_DAYS = 7
MEASURES_ON_SCHEDULE_SHARE = 0.8

ELEMENTS: tuple[tuple[str, str], ...] = (
    ("inventory", "Interpersonal inventory by the end of the initial phase"),
    ("problem_area", "Problem area chosen by the end of the initial phase"),
    ("formulation", "Formulation agreed with the patient"),
    ("contract", "Treatment contract agreed"),
    ("areas", "At most two problem areas"),
    ("measures", "Measures given on schedule"),
    ("termination", "Termination begun on time"),
    ("relapse_plan", "Relapse-prevention plan written"),
)
LABELS = dict(ELEMENTS)


@dataclass(frozen=True)
class CourseFacts:
    """What the record already knows about a course's structure."""

    initial_sessions: int
    termination_sessions: int
    planned: int
    phase: str  # initial, middle, termination, ended
    outcome: str  # "" while open; completed, dropped_out, …
    attended: tuple[date, ...]  # the attended sessions' days, in order
    inventory_first_on: date | None
    problem_area_first_on: date | None
    problem_areas: int
    formulation_agreed_on: date | None
    contract_agreed_on: date | None
    termination_began_on: date | None
    relapse_plan_written: bool
    score_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    kept: bool | None
    reason: str


@dataclass(frozen=True)
class Fidelity:
    elements: tuple[Element, ...]

    @property
    def due(self) -> int:
        return sum(1 for e in self.elements if e.kept is not None)

    @property
    def kept(self) -> int:
        return sum(1 for e in self.elements if e.kept)

    def get(self, key: str) -> Element:
        return next(e for e in self.elements if e.key == key)


def _by_end_of_initial(
    key: str, done_on: date | None, facts: CourseFacts, what: str
) -> Element:
    deadline_session = facts.initial_sessions + 1
    label = LABELS[key]
    if len(facts.attended) >= deadline_session:
        deadline = facts.attended[deadline_session - 1]
        if done_on is not None and done_on <= deadline:
            return Element(key, label, True, f"{what} by session {deadline_session}.")
        late = "later" if done_on is not None else "not yet"
        return Element(
            key, label, False, f"{what} {late}: due by session {deadline_session}."
        )
    if done_on is not None:
        return Element(key, label, True, f"{what} within the initial phase.")
    if facts.phase == "ended":
        return Element(key, label, False, f"The course ended without {what.lower()}.")
    return Element(key, label, None, f"Due by session {deadline_session}.")


def _after_initial(facts: CourseFacts) -> bool:
    return facts.phase in {"middle", "termination"} or (
        facts.phase == "ended" and len(facts.attended) > facts.initial_sessions
    )


def course_fidelity(facts: CourseFacts) -> Fidelity:
    """Each element of IPT's structure for one course, kept, not kept or not yet due."""
    elements = [
        _by_end_of_initial(
            "inventory", facts.inventory_first_on, facts, "Inventory done"
        ),
        _by_end_of_initial(
            "problem_area", facts.problem_area_first_on, facts, "Problem area chosen"
        ),
    ]
    for key, agreed_on, what in (
        ("formulation", facts.formulation_agreed_on, "Formulation"),
        ("contract", facts.contract_agreed_on, "Contract"),
    ):
        if agreed_on is not None:
            elements.append(Element(key, LABELS[key], True, f"{what} agreed."))
        elif _after_initial(facts):
            elements.append(
                Element(
                    key,
                    LABELS[key],
                    False,
                    f"{what} not agreed after the initial phase.",
                )
            )
        else:
            elements.append(
                Element(key, LABELS[key], None, "Due by the end of the initial phase.")
            )
    if facts.problem_areas == 0:
        elements.append(Element("areas", LABELS["areas"], None, "No problem area yet."))
    else:
        elements.append(
            Element(
                "areas",
                LABELS["areas"],
                facts.problem_areas <= MAX_PROBLEM_AREAS,
                f"{facts.problem_areas} problem area(s) chosen.",
            )
        )
    elements.append(_measures(facts))
    elements.append(_termination(facts))
    elements.append(_relapse_plan(facts))
    return Fidelity(tuple(elements))


def _measures(facts: CourseFacts) -> Element:
    label = LABELS["measures"]
    sessions = facts.attended
    if len(sessions) < 2:
        return Element("measures", label, None, "Judged from the second session on.")
    window = timedelta(days=MEASURE_WINDOW_DAYS)
    measured = sum(
        1 for day in sessions if any(day - window < s <= day for s in facts.score_days)
    )
    kept = measured >= MEASURES_ON_SCHEDULE_SHARE * len(sessions)
    return Element(
        "measures",
        label,
        kept,
        f"{measured} of {len(sessions)} sessions had a score in the week before.",
    )


def _termination(facts: CourseFacts) -> Element:
    label = LABELS["termination"]
    starts_at = max(1, facts.planned - facts.termination_sessions + 1)
    if len(facts.attended) < starts_at:
        if facts.phase == "ended":
            return Element(
                "termination",
                label,
                None,
                "The course ended before termination was due.",
            )
        return Element("termination", label, None, f"Due at session {starts_at}.")
    due_on = facts.attended[starts_at - 1]
    if facts.termination_began_on is not None and facts.termination_began_on <= due_on:
        return Element(
            "termination", label, True, f"Termination begun by session {starts_at}."
        )
    return Element(
        "termination", label, False, f"Termination not begun by session {starts_at}."
    )


def _relapse_plan(facts: CourseFacts) -> Element:
    label = LABELS["relapse_plan"]
    due = facts.phase == "termination" or (
        facts.phase == "ended" and facts.outcome == "completed"
    )
    if facts.relapse_plan_written:
        return Element("relapse_plan", label, True, "Relapse-prevention plan written.")
    if due:
        return Element(
            "relapse_plan", label, False, "No relapse-prevention plan written."
        )
    return Element("relapse_plan", label, None, "Due in the termination phase.")


def shares(courses: Sequence[Fidelity]) -> dict[str, tuple[int, int]]:
    """For each element: (courses that kept it, courses for which it was due)."""
    out: dict[str, tuple[int, int]] = {}
    for key, _ in ELEMENTS:
        due = [c.get(key).kept for c in courses if c.get(key).kept is not None]
        out[key] = (sum(1 for k in due if k), len(due))
    return out
