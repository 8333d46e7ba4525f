"""Homework templates, each tied to the IPT problem areas it serves.

Plain data: the wording is translated when shown (``gettext_lazy``), so a patient who
reads the portal in Spanish sees the Spanish template even though the clinician set
it in English. A homework row names its template by ``key``; a clinician's own
homework keeps its title and instructions in the row instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GRIEF = "grief"
DISPUTES = "disputes"
TRANSITIONS = "transitions"
DEFICITS = "deficits"


@dataclass(frozen=True)
class HomeworkTemplate:
    key: str
    title: str | Promise
    instructions: str | Promise
    questions: tuple[str | Promise, ...]
    problem_areas: frozenset[str]


TEMPLATES: tuple[HomeworkTemplate, ...] = (
    HomeworkTemplate(
        key="communication_analysis",
        title=_("Communication analysis worksheet"),
        instructions=_(
            "Think of one conversation this week that did not go the way you wanted. "
            "Go through it step by step, as closely as you can remember it."
        ),
        questions=(
            _("Who was it with, and what was it about?"),
            _("What did you want to happen?"),
            _("What did you say, and what did they say back?"),
            _("How did you feel during it and afterwards?"),
            _("What could you say or do differently next time?"),
        ),
        problem_areas=frozenset({DISPUTES, DEFICITS, TRANSITIONS}),
    ),
    HomeworkTemplate(
        key="reach_out",
        title=_("Reach out to a support person"),
        instructions=_(
            "Get in touch with someone who is on your side: a call, a message or a "
            "visit. It can be short."
        ),
        questions=(
            _("Who did you contact, and how?"),
            _("How did it go?"),
            _("How did you feel before, and after?"),
        ),
        problem_areas=frozenset({GRIEF, DEFICITS, TRANSITIONS}),
    ),
    HomeworkTemplate(
        key="hard_conversation",
        title=_("Plan for a hard conversation"),
        instructions=_(
            "Plan a conversation you have been putting off. You do not have to have it "
            "yet: the plan is the work."
        ),
        questions=(
            _("Who is it with, and what is it about?"),
            _("What do you want to come out of it?"),
            _("How will you start? Write your first sentence."),
            _("What might they say, and how could you answer?"),
            _("When and where would be a good time?"),
        ),
        problem_areas=frozenset({DISPUTES, TRANSITIONS}),
    ),
    HomeworkTemplate(
        key="new_activity",
        title=_("A new activity with others"),
        instructions=_(
            "Try one activity with other people that you have not done for a while, "
            "or ever: a class, a group, a meal, a walk."
        ),
        questions=(
            _("What did you do, and who with?"),
            _("How did it go?"),
            _("Would you do it again? What would make it easier?"),
        ),
        problem_areas=frozenset({DEFICITS, TRANSITIONS, GRIEF}),
    ),
    HomeworkTemplate(
        key="remembering",
        title=_("Remembering the person you lost"),
        instructions=_(
            "Spend some time with a photo, a place or an object that reminds you of "
            "the person who died. Note what comes up, the good and the hard."
        ),
        questions=(
            _("What did you choose, and why?"),
            _("What memories came up?"),
            _("How did you feel, and what did you do afterwards?"),
        ),
        problem_areas=frozenset({GRIEF}),
    ),
)

BY_KEY = {template.key: template for template in TEMPLATES}

CUSTOM_QUESTION = _("Your answer")


def templates_for(problem_areas: list[str]) -> list[HomeworkTemplate]:
    """The templates for the course's problem areas first, then the rest."""
    chosen = set(problem_areas)
    return sorted(
        TEMPLATES, key=lambda template: (not (template.problem_areas & chosen), 0)
    )


def template_get(key: str) -> HomeworkTemplate | None:
    return BY_KEY.get(key)
