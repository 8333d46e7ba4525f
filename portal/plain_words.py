"""A patient's progress in plain words, from the outcome statistics."""

from __future__ import annotations

from django.utils.translation import gettext as _

from outcomes.calculations import Change, Outcome, number
from outcomes.charts import ChartWording


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


def chart_wording() -> ChartWording:
    """The progress chart's own words in the patient's language (the active one). The
    band names are those of the portal's instruments (PHQ-9, GAD-7); a band without a
    translation is drawn as the instrument names it."""
    return ChartWording(
        over_time=_("{name} over time"),
        no_scores_yet=_("No scores yet"),
        cut_off=_("cut-off {label}"),
        expected_range=_("expected range"),
        expected=_("expected"),
        on_track_limit=_("on-track limit"),
        life_event=_("life event (numbered)"),
        missed_session=_("missed session"),
        no_scores_recorded=_("{name}: no scores recorded yet."),
        one_score=_("{name}: one score, {value} on {day}."),
        many_scores=_(
            "{name}: {count} scores from {first} on {first_day} to {last} on "
            "{last_day} ({change})."
        ),
        # Translators: a date, as "3 March 2026"; keep the three fields.
        day_format=_("{day} {month} {year}"),
        months=(
            _("January"),
            _("February"),
            _("March"),
            _("April"),
            _("May"),
            _("June"),
            _("July"),
            _("August"),
            _("September"),
            _("October"),
            _("November"),
            _("December"),
        ),
        bands=(
            ("minimal", _("minimal")),
            ("mild", _("mild")),
            ("moderate", _("moderate")),
            ("moderately severe", _("moderately severe")),
            ("severe", _("severe")),
        ),
        phases=(
            ("initial", _("Initial")),
            ("middle", _("Middle")),
            # The portal's word for the last phase (never IPT's "termination").
            ("termination", _("Ending")),
        ),
    )
