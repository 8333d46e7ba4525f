"""The problem-area suggestion on a table of cases, each with its expected areas and
the reasons given in words (DESIGN §1: a death → grief; otherwise disputes and
transitions; deficits only when no event explains the onset)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from ipt.suggestion import Area, LifeEvent, Period, Person, suggest

TODAY = date(2026, 6, 1)
EPISODE = Period("Depressive episode", date(2026, 5, 10))


@dataclass
class Case:
    name: str
    expected: list[tuple[Area, str]]  # area, and the exact reason
    events: list[LifeEvent] = field(default_factory=list)
    episodes: list[Period] = field(default_factory=lambda: [EPISODE])
    substance_use: list[Period] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


CLOSE_FRIENDS = [
    Person("Priya", 5, "good", "yes"),
    Person("Tom", 4, "good", "yes"),
]

CASES = [
    Case(
        "a death two months before onset is grief",
        events=[LifeEvent("Mother died", "loss", date(2026, 3, 12), someone_died=True)],
        expected=[
            (
                Area.GRIEF,
                "Mother died (March 2026), 2 months before the episode began → grief",
            )
        ],
    ),
    Case(
        "a death outweighs a nearer conflict, which comes second",
        events=[
            LifeEvent("Father died", "loss", date(2025, 12, 1), someone_died=True),
            LifeEvent("Rows with partner over money", "conflict", date(2026, 4, 20)),
        ],
        expected=[
            (
                Area.GRIEF,
                "Father died (December 2025), 5 months before the episode began → grief",
            ),
            (
                Area.DISPUTES,
                "Rows with partner over money (April 2026), 1 month before the episode "
                "began → interpersonal dispute",
            ),
        ],
    ),
    Case(
        "a conflict before onset is a dispute",
        events=[
            LifeEvent("Partner moved into the spare room", "conflict", date(2026, 2, 1))
        ],
        expected=[
            (
                Area.DISPUTES,
                "Partner moved into the spare room (February 2026), 3 months before the "
                "episode began → interpersonal dispute",
            )
        ],
    ),
    Case(
        "a job loss before onset is a role transition",
        events=[LifeEvent("Made redundant", "life_change", date(2026, 1, 15))],
        expected=[
            (
                Area.TRANSITIONS,
                "Made redundant (January 2026), 4 months before the episode began → "
                "role transition",
            )
        ],
    ),
    Case(
        "a loss other than a death is framed as a transition",
        events=[LifeEvent("Lost the flat", "loss", date(2026, 4, 1))],
        expected=[
            (
                Area.TRANSITIONS,
                "Lost the flat (April 2026), 1 month before the episode began: a loss "
                "other than a death → role transition",
            )
        ],
    ),
    Case(
        "stopping drinking before onset is entering recovery, a transition",
        substance_use=[Period("Alcohol, daily", date(2022, 1, 1), date(2026, 3, 1))],
        people=CLOSE_FRIENDS,
        expected=[
            (
                Area.TRANSITIONS,
                "Alcohol, daily stopped (March 2026), 2 months before the episode began: "
                "entering recovery → role transition",
            )
        ],
    ),
    Case(
        "a conflict and a life change give both, the nearer first",
        events=[
            LifeEvent("Moved city for work", "life_change", date(2025, 9, 1)),
            LifeEvent("Falling out with sister", "conflict", date(2026, 4, 1)),
        ],
        expected=[
            (
                Area.DISPUTES,
                "Falling out with sister (April 2026), 1 month before the episode "
                "began → interpersonal dispute",
            ),
            (
                Area.TRANSITIONS,
                "Moved city for work (September 2025), 8 months before the episode "
                "began → role transition",
            ),
        ],
    ),
    Case(
        "a difficult close relationship with unmet expectations is a dispute",
        people=[
            Person("Husband", 5, "difficult", "no"),
            Person("Friend", 4, "good", "yes"),
        ],
        expected=[
            (
                Area.DISPUTES,
                "Husband: close (closeness 5 of 5), the relationship difficult and "
                "expectations not met → interpersonal dispute",
            )
        ],
    ),
    Case(
        "no event and a thin inventory point to deficits",
        people=[
            Person("Brother", 3, "mixed", "partly"),
            Person("Neighbour", 2, "good"),
        ],
        expected=[
            (
                Area.DEFICITS,
                "no death, dispute or life change in the year before the episode "
                "began; no one close (closeness 4–5) in the inventory → interpersonal "
                "deficits",
            )
        ],
    ),
    Case(
        "isolation with one close person is deficits, the isolation named",
        events=[LifeEvent("Stopped going to the club", "isolation", date(2026, 1, 1))],
        people=[Person("Mum", 4, "good")],
        expected=[
            (
                Area.DEFICITS,
                "no death, dispute or life change in the year before the episode "
                "began; only 1 person close (closeness 4–5) in the inventory; Stopped "
                "going to the club (January 2026) → interpersonal deficits",
            )
        ],
    ),
    Case(
        "a rich inventory and no event suggest nothing",
        people=CLOSE_FRIENDS,
        expected=[],
    ),
    Case(
        "nothing recorded suggests nothing",
        episodes=[],
        expected=[],
    ),
    Case(
        "a death long before onset does not point to grief",
        events=[
            LifeEvent("Grandfather died", "loss", date(2019, 5, 1), someone_died=True)
        ],
        people=CLOSE_FRIENDS,
        expected=[],
    ),
    Case(
        "deficits never when an event explains onset",
        events=[LifeEvent("Retired", "life_change", date(2026, 3, 30))],
        people=[Person("Cat", 1, "good")],
        expected=[
            (
                Area.TRANSITIONS,
                "Retired (March 2026), 1 month before the episode began → role "
                "transition",
            )
        ],
    ),
    Case(
        "without an episode, events of the past year are linked to today",
        episodes=[],
        events=[LifeEvent("Wife died", "loss", date(2026, 2, 20), someone_died=True)],
        expected=[(Area.GRIEF, "Wife died (February 2026), 3 months ago → grief")],
    ),
    Case(
        "the current episode is the latest to begin",
        episodes=[
            Period("First episode", date(2019, 1, 1), date(2019, 9, 1)),
            EPISODE,
        ],
        events=[
            LifeEvent("Divorce", "life_change", date(2018, 10, 1)),
            LifeEvent("Argument with boss", "conflict", date(2026, 5, 20)),
        ],
        expected=[
            (
                Area.DISPUTES,
                "Argument with boss (May 2026), just after it began → interpersonal "
                "dispute",
            )
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_suggestion_names_the_expected_areas_with_their_reasons(case: Case) -> None:
    # when
    suggestions = suggest(
        events=case.events,
        episodes=case.episodes,
        substance_use=case.substance_use,
        people=case.people,
        today=TODAY,
    )
    # then
    assert [(s.area, s.reason) for s in suggestions] == case.expected


def test_suggestion_never_names_more_than_two_areas() -> None:
    suggestions = suggest(
        events=[
            LifeEvent("Sister died", "loss", date(2026, 4, 1), someone_died=True),
            LifeEvent("Row", "conflict", date(2026, 4, 2)),
            LifeEvent("New job", "life_change", date(2026, 4, 3)),
        ],
        episodes=[EPISODE],
        substance_use=[],
        people=[Person("Husband", 5, "difficult", "no")],
        today=TODAY,
    )
    assert [s.area for s in suggestions] == [Area.GRIEF, Area.TRANSITIONS]


@pytest.mark.parametrize(
    "module", ["suggestion", "gas", "phases", "strategies", "schedule", "pictures"]
)
def test_the_pure_modules_import_no_django(module: str) -> None:
    path = Path(__file__).parent.parent / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    ]
    assert not [name for name in imported if name.split(".")[0] == "django"]
