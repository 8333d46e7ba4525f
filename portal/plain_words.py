"""A patient's progress in plain words, from the outcome statistics."""

from __future__ import annotations

from django.utils.translation import gettext as _

from outcomes.calculations import Change, Outcome, number


def progress_in_words(outcome: Outcome) -> str:
    """One or two sentences a patient can read: where they started, where they are,
    and whether the change is more than the questionnaire's usual ups and downs."""
    if outcome.baseline is None or outcome.latest is None:
        return _("There are no answers to this questionnaire yet.")
    first = number(outcome.baseline.value)
    latest = number(outcome.latest.value)
    if outcome.scores < 2:
        return _(
            "Your first score was %(first)s. Your next answers will show how things change."
        ) % {"first": first}
    said = _("Your score went from %(first)s to %(latest)s.") % {
        "first": first,
        "latest": latest,
    }
    if outcome.reliable_change == Change.IMPROVEMENT:
        said += " " + _(
            "That is a real improvement: more than the usual ups and downs."
        )
    elif outcome.reliable_change == Change.DETERIORATION:
        said += " " + _(
            "That is a real change for the worse. Your clinician will talk it over "
            "with you."
        )
    elif outcome.reliable_change == Change.NO_CHANGE:
        said += " " + _("So far that is within the usual ups and downs.")
    if outcome.remission:
        said += " " + _(
            "Your latest score is in the range most people without symptoms have."
        )
    return said
