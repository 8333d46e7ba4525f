"""Every outcome definition against hand-computed cases at and beside its threshold.
No database: these are plain functions over plain data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from outcomes import calculations as calc
from outcomes.calculations import Change, ScorePoint, TrackMethod, TrackRule
from outcomes.definitions import alerting_instruments, rules_for

PHQ9 = rules_for("phq9")
GAD7 = rules_for("gad7")
HRSD = rules_for("hrsd17")
MSPSS = rules_for("mspss")
START = date(2026, 1, 5)


def course(*values: float, sessions: list[int] | None = None) -> list[ScorePoint]:
    """Weekly scores; the first before session 1 (session 0)."""
    numbers = sessions if sessions is not None else list(range(len(values)))
    return [
        ScorePoint(START + timedelta(days=7 * i), float(v), numbers[i])
        for i, v in enumerate(values)
    ]


def outcome(rules: calc.InstrumentRules | None, *values: float) -> calc.Outcome:
    assert rules is not None
    return calc.course_outcome(rules, course(*values))


# --- The rules come from the instrument library and shared/instruments --------------


def test_the_phq9_and_gad7_thresholds_are_the_nhs_talking_therapies_ones() -> None:
    assert PHQ9 is not None and GAD7 is not None
    assert (PHQ9.caseness.value, PHQ9.reliable_change.value) == (10, 6)  # type: ignore[union-attr]
    assert (GAD7.caseness.value, GAD7.reliable_change.value) == (8, 4)  # type: ignore[union-attr]
    assert PHQ9.caseness.verified and PHQ9.reliable_change.verified  # type: ignore[union-attr]


def test_verified_response_and_remission_are_not_provisional() -> None:
    # PHQ-9 response ≥ 50 % (S) and remission < 5 (P): VERIFICATION.md §1
    result = outcome(PHQ9, 20, 4)
    assert result.response is True and result.remission is True
    assert not result.is_provisional
    hrsd = rules_for("hrsd17")
    assert hrsd is not None and hrsd.response and hrsd.response.verified
    assert hrsd.remission and hrsd.remission.verified


def test_unverified_thresholds_stay_provisional_and_say_so() -> None:
    # GAD-7 response has no authoritative definition (VERIFICATION.md §12, U)
    result = outcome(GAD7, 16, 6)
    assert result.response is True
    assert result.is_provisional
    assert any("response" in note for note in result.provisional)
    assert not any("caseness" in note for note in result.provisional)


@pytest.mark.parametrize(
    ("instrument", "what"),
    [("pcl5", "caseness"), ("audit", "caseness"), ("dast10", "caseness")],
)
def test_newly_verified_cut_offs_lose_the_provisional_mark(
    instrument: str, what: str
) -> None:
    rules = rules_for(instrument)
    assert rules is not None
    assert getattr(rules, what).verified


def test_only_verified_thresholds_raise_not_on_track_alerts() -> None:
    assert alerting_instruments() == ["phq9", "gad7"]


def test_screeners_and_unsummed_scales_have_no_outcome_rules() -> None:
    assert rules_for("phq2") is None
    assert rules_for("cssrs") is None
    assert rules_for("no-such-scale") is None


# --- Baseline, latest, change -------------------------------------------------------


def test_baseline_is_the_first_score_and_latest_the_last_whatever_the_order() -> None:
    assert PHQ9 is not None
    scores = list(reversed(course(18, 12, 9)))
    result = calc.course_outcome(PHQ9, scores)
    assert (result.baseline.value, result.latest.value) == (18, 9)  # type: ignore[union-attr]
    assert result.change == -9
    assert result.percent_change == -50.0


def test_no_score_gives_no_outcome_and_says_why() -> None:
    assert PHQ9 is not None
    result = calc.course_outcome(PHQ9, [])
    assert result.scores == 0 and result.baseline is None and result.change is None
    assert result.notes == ("No PHQ-9 score in this course yet.",)


def test_one_score_gives_caseness_but_no_change() -> None:
    result = outcome(PHQ9, 14)
    assert result.caseness_at_start is True
    assert result.change is None and result.reliable_change is None
    assert result.recovery is None and result.response is None
    assert "need a second" in result.notes[-1]


# --- Reliable change: at and beside the threshold -----------------------------------


@pytest.mark.parametrize(
    ("rules", "before", "after", "expected"),
    [
        (PHQ9, 15, 10, Change.NO_CHANGE),  # −5: one short of 6
        (PHQ9, 15, 9, Change.IMPROVEMENT),  # −6: at the threshold
        (PHQ9, 15, 8, Change.IMPROVEMENT),  # −7
        (PHQ9, 10, 15, Change.NO_CHANGE),  # +5
        (PHQ9, 10, 16, Change.DETERIORATION),  # +6
        (PHQ9, 10, 10, Change.NO_CHANGE),
        (GAD7, 12, 9, Change.NO_CHANGE),  # −3: one short of 4
        (GAD7, 12, 8, Change.IMPROVEMENT),  # −4
        (GAD7, 8, 11, Change.NO_CHANGE),  # +3
        (GAD7, 8, 12, Change.DETERIORATION),  # +4
    ],
)
def test_reliable_change_is_at_least_the_threshold(
    rules: calc.InstrumentRules, before: float, after: float, expected: Change
) -> None:
    assert calc.reliable_change(rules, before, after) is expected
    assert outcome(rules, before, after).reliable_change is expected


def test_an_instrument_without_a_threshold_has_no_reliable_change() -> None:
    result = outcome(HRSD, 20, 8)
    assert result.reliable_change is None
    assert "no reliable-change threshold" in " ".join(result.notes)


def test_jacobson_truax_threshold_matches_the_worked_example() -> None:
    # SD 5, r .84: SE 2.0, S_diff 2.83, threshold 1.96 × 2.83 = 5.54 (shared/instruments §3.3)
    assert calc.jacobson_truax_threshold(5, 0.84) == pytest.approx(5.54, abs=0.01)
    with pytest.raises(ValueError, match="reliability"):
        calc.jacobson_truax_threshold(5, 1.0)


# --- Caseness, recovery, reliable recovery ------------------------------------------


@pytest.mark.parametrize(
    ("rules", "baseline", "case"),
    [
        (PHQ9, 9, False),
        (PHQ9, 10, True),
        (PHQ9, 11, True),
        (GAD7, 7, False),
        (GAD7, 8, True),
    ],
)
def test_caseness_at_start_is_at_or_above_the_cut_off(
    rules: calc.InstrumentRules, baseline: float, case: bool
) -> None:
    assert outcome(rules, baseline, baseline).caseness_at_start is case


@pytest.mark.parametrize(
    ("baseline", "latest", "recovery", "reliable_recovery"),
    [
        (12, 10, False, False),  # still at the cut-off
        (12, 9, True, False),  # below it, but −3 is not reliable
        (15, 9, True, True),  # below it and −6: reliable recovery
        (15, 10, False, False),  # −5, at the cut-off
        (20, 10, False, False),  # −10 reliable, but still a case
        (16, 9, True, True),
    ],
)
def test_recovery_needs_a_case_at_start_below_the_cut_off_at_the_end(
    baseline: float, latest: float, recovery: bool, reliable_recovery: bool
) -> None:
    result = outcome(PHQ9, baseline, latest)
    assert result.recovery is recovery
    assert result.reliable_recovery is reliable_recovery


def test_recovery_does_not_apply_to_a_course_that_was_not_a_case() -> None:
    result = outcome(PHQ9, 9, 3)
    assert result.caseness_at_start is False
    assert result.recovery is None and result.reliable_recovery is None
    assert result.reliable_change is Change.IMPROVEMENT  # still counted for improvement
    assert any("Not a case at the start" in note for note in result.notes)


def test_an_instrument_without_a_cut_off_has_no_caseness_or_recovery() -> None:
    result = outcome(HRSD, 20, 6)
    assert result.caseness_at_start is None and result.recovery is None


# --- Response and remission ----------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "responded"),
    [
        (20, 11, False),
        (20, 10, True),
        (20, 9, True),
        (15, 8, False),
        (15, 7, True),
        (1, 0, True),
    ],
)
def test_response_is_a_fall_of_at_least_half(
    baseline: float, latest: float, responded: bool
) -> None:
    # 20 → 11 is 45 %, 20 → 10 is exactly 50 %; 15 → 8 is 46.7 %, 15 → 7 is 53.3 %
    assert outcome(PHQ9, baseline, latest).response is responded


def test_response_is_undefined_at_a_baseline_of_zero() -> None:
    result = outcome(PHQ9, 0, 0)
    assert result.response is None
    assert any("baseline of 0" in note for note in result.notes)


@pytest.mark.parametrize(
    ("rules", "latest", "remitted"),
    [(PHQ9, 4, True), (PHQ9, 5, False), (HRSD, 7, True), (HRSD, 8, False)],
)
def test_remission_is_phq9_below_5_and_hrsd_at_most_7(
    rules: calc.InstrumentRules, latest: float, remitted: bool
) -> None:
    assert outcome(rules, 20, latest).remission is remitted


def test_gad7_response_is_by_analogy_and_it_has_no_remission() -> None:
    result = outcome(GAD7, 16, 8)
    assert result.response is True and result.remission is None
    assert any("by analogy" in note for note in result.provisional)


def test_a_scale_where_higher_is_better_has_no_response() -> None:
    result = outcome(MSPSS, 2.5, 6.0)
    assert result.response is None and result.change == 3.5


# --- NHS Talking Therapies: the pair -------------------------------------------------


@pytest.mark.parametrize(
    ("phq", "gad", "expected"),
    [
        # case on PHQ only; both below at the end; PHQ −6, GAD −2 → reliable recovery
        ((15, 9), (7, 5), (True, True, True, False, True)),
        # GAD still at its cut-off (8) at the end: no recovery
        ((15, 9), (10, 8), (True, False, True, False, False)),
        # PHQ −6 but GAD +4: neither improvement nor deterioration (the tie rule)
        ((15, 9), (6, 10), (True, False, False, False, False)),
        # GAD +4, PHQ no reliable change: reliable deterioration
        ((12, 12), (6, 10), (True, False, False, True, False)),
        # not a case on either: recovery does not apply
        ((8, 3), (6, 2), (False, None, True, False, None)),
    ],
)
def test_the_paired_outcome_follows_clark_2018(
    phq: tuple[float, float], gad: tuple[float, float], expected: tuple[object, ...]
) -> None:
    paired = calc.paired_outcome(outcome(PHQ9, *phq), outcome(GAD7, *gad))
    assert (
        paired.caseness_at_start,
        paired.recovery,
        paired.reliable_improvement,
        paired.reliable_deterioration,
        paired.reliable_recovery,
    ) == expected
    assert calc.TIE_RULE_NOTE in paired.provisional


def test_the_pair_needs_two_scores_on_each_measure() -> None:
    paired = calc.paired_outcome(outcome(PHQ9, 15, 9), outcome(GAD7, 10))
    assert paired.recovery is None and paired.notes


# --- Not on track: the stated rule ---------------------------------------------------


def status(
    *values: float, sessions: list[int] | None = None, **options: object
) -> calc.TrackStatus:
    assert PHQ9 is not None
    return calc.track_status(PHQ9, course(*values, sessions=sessions), **options)  # type: ignore[arg-type]


def test_a_reliable_deterioration_fires_at_any_session() -> None:
    # given +6 by session 2
    result = status(12, 14, 18)
    # then not on track, by the deterioration rule, and the reason says why
    assert result.not_on_track and result.rule is TrackRule.RELIABLE_DETERIORATION
    assert result.method is TrackMethod.STATED_RULE
    assert (
        "Reliable deterioration: at session 2 the PHQ-9 has gone from 12 to 18 (+6)"
        in result.reason
    )
    assert "threshold of 6 points" in result.reason


def test_one_point_short_of_a_reliable_deterioration_is_on_track_before_session_6() -> (
    None
):
    result = status(12, 14, 17)
    assert result.on_track is True and result.rule is None
    assert "expected by session 6" in result.reason


def test_no_reliable_improvement_by_session_6_fires() -> None:
    # given −5 at session 6 (one short of the threshold)
    result = status(16, 15, 14, 13, 12, 12, 11)
    assert result.not_on_track and result.rule is TrackRule.NO_RELIABLE_IMPROVEMENT
    assert result.session == 6
    assert (
        "No reliable improvement by session 6: at session 6 the PHQ-9 has gone from 16 to 11 (−5)"
        in result.reason
    )
    assert "stated rule" in result.reason


def test_a_reliable_improvement_by_session_6_is_on_track() -> None:
    result = status(16, 15, 14, 13, 12, 11, 10)
    assert result.on_track is True and "Reliable improvement" in result.reason


def test_the_session_6_check_waits_for_session_6() -> None:
    result = status(16, 16, 16, 16, 16, 16)  # session 5, no change
    assert result.on_track is True


def test_the_stated_rule_session_is_configurable() -> None:
    result = status(16, 16, 16, 16, 16, by_session=4)
    assert result.rule is TrackRule.NO_RELIABLE_IMPROVEMENT
    assert "by session 4" in result.reason


def test_progress_is_not_judged_on_one_score() -> None:
    result = status(16)
    assert result.on_track is None and result.rule is None


# --- Not on track: the expected trajectory -------------------------------------------


MODEL = calc.ExpectedModel(
    instrument_id="phq9",
    band="moderately severe",
    courses=50,
    slope=-4.0,
    lower=-3.0,
    upper=3.0,
)


def expected_high(baseline: float, session: int) -> float:
    return round(baseline - 4.0 * math.log1p(session) + 3.0, 2)


def test_the_expected_trajectory_replaces_the_stated_rule_at_50_courses() -> None:
    # at session 3 from 16: expected 16 − 4·ln 4 = 10.45, upper edge 13.45
    assert expected_high(16, 3) == 13.45
    below = status(16, 15, 14, 14, sessions=[0, 1, 2, 3], model=MODEL)
    above = status(
        16, 15, 15, 14, 14, 14, 14, sessions=[0, 1, 2, 3, 4, 5, 6], model=MODEL
    )
    assert below.method is TrackMethod.EXPECTED_TRAJECTORY
    assert above.not_on_track and above.rule is TrackRule.ABOVE_EXPECTED
    assert "50 finished courses" in above.reason and "moderately severe" in above.reason


@pytest.mark.parametrize(
    ("latest", "on_track"), [(13.45, True), (13.46, False), (13, True)]
)
def test_the_expected_band_edge_is_on_track(latest: float, on_track: bool) -> None:
    result = status(16, latest, sessions=[0, 3], model=MODEL)
    assert result.on_track is on_track


def test_49_courses_are_too_few_for_the_expected_trajectory() -> None:
    few = calc.ExpectedModel("phq9", "moderately severe", 49, -4.0, -3.0, 3.0)
    result = status(16, 15, 15, 14, 14, 14, 14, model=few)
    assert result.method is TrackMethod.STATED_RULE
    assert result.rule is TrackRule.NO_RELIABLE_IMPROVEMENT
    assert (
        "49 finished courses" in result.reason and "fewer than the 50" in result.reason
    )


def test_the_minimum_number_of_courses_is_configurable() -> None:
    few = calc.ExpectedModel("phq9", "moderately severe", 20, -4.0, -3.0, 3.0)
    result = status(16, 14, sessions=[0, 3], model=few, minimum_courses=20)
    assert result.method is TrackMethod.EXPECTED_TRAJECTORY


def test_a_reliable_deterioration_fires_under_the_expected_trajectory_too() -> None:
    result = status(16, 22, sessions=[0, 2], model=MODEL)
    assert result.rule is TrackRule.RELIABLE_DETERIORATION


# --- Fitting the expected trajectory from finished courses ---------------------------


def test_the_fit_recovers_a_hand_computed_slope() -> None:
    assert PHQ9 is not None
    # given two moderate courses that fell 2 points by session 1 and 4 by session 3:
    # both lie on change = −2/ln 2 · ln(1 + s), so the slope is −2.8854, residuals 0
    courses = [course(14, 12, sessions=[0, 1]), course(12, 8, sessions=[0, 3])]
    # and one course from another band, left out
    courses.append(course(22, 10, sessions=[0, 3]))
    model = calc.fit_expected(PHQ9, "moderate", courses)
    assert model is not None
    assert model.courses == 2
    assert model.slope == pytest.approx(-2.8854, abs=1e-4)
    assert (model.lower, model.upper) == (0.0, 0.0)


def test_no_usable_course_fits_nothing() -> None:
    assert PHQ9 is not None
    assert calc.fit_expected(PHQ9, "moderate", [course(12)]) is None


@pytest.mark.parametrize(
    ("pct", "expected"), [(0, 1.0), (50, 2.5), (90, 3.7), (100, 4.0)]
)
def test_percentile_interpolates_between_ranks(pct: float, expected: float) -> None:
    assert calc.percentile([4, 1, 3, 2], pct) == pytest.approx(expected)


def test_the_stated_rule_trajectory_is_the_on_track_limit() -> None:
    assert PHQ9 is not None
    trajectory = calc.expected_trajectory(
        PHQ9, course(16, 15, 14, 14, 13, 13, 12, sessions=[0, 1, 2, 3, 4, 5, 6])
    )
    limits = [point.high for point in trajectory.points]
    # baseline + 6 before session 6, baseline − 6 from session 6
    assert limits == [22, 22, 22, 22, 22, 22, 10]
    assert trajectory.method is TrackMethod.STATED_RULE


def test_session_of_counts_attended_sessions_held_by_that_day() -> None:
    held = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    assert calc.session_of(date(2026, 1, 4), held) == 0
    assert calc.session_of(date(2026, 1, 12), held) == 2
    assert calc.session_of(date(2026, 2, 1), held) == 3


def test_a_baseline_below_the_threshold_cannot_fail_the_improvement_rule() -> None:
    # from 5 a PHQ-9 can fall at most 5 points, short of the 6 a reliable change needs
    result = status(5, 5, 4, 4, 4, 3, 3)
    assert result.on_track is True
    assert "not possible, so only deterioration is watched" in result.reason
    # from 6 it can (to 0): the rule applies
    assert status(6, 6, 5, 5, 5, 4, 4).rule is TrackRule.NO_RELIABLE_IMPROVEMENT
    # and a deterioration from a low baseline still fires
    assert status(3, 5, 9).rule is TrackRule.RELIABLE_DETERIORATION


def test_the_history_keeps_a_deterioration_that_has_passed() -> None:
    assert PHQ9 is not None
    # given +6 at session 2, back to +1 by session 3
    points = course(12, 14, 18, 13)
    # then the status now is on track, but the history has the deterioration
    assert calc.track_status(PHQ9, points).on_track is True
    history = calc.track_history(PHQ9, points)
    assert [h.session for h in history] == [1, 2, 3]
    fired = calc.first_fired(history)
    assert list(fired) == [TrackRule.RELIABLE_DETERIORATION]
    assert fired[TrackRule.RELIABLE_DETERIORATION].session == 2


def test_each_rule_fires_first_where_it_first_fired() -> None:
    assert PHQ9 is not None
    points = course(14, 20, 15, 14, 14, 14, 14, 13)
    fired = calc.first_fired(calc.track_history(PHQ9, points))
    assert {rule: s.session for rule, s in fired.items()} == {
        TrackRule.RELIABLE_DETERIORATION: 1,
        TrackRule.NO_RELIABLE_IMPROVEMENT: 6,
    }


def test_the_change_is_shown_signed() -> None:
    result = outcome(PHQ9, 13, 16)
    assert (result.change_display, result.percent_display) == ("+3", "+23.1 %")
    assert outcome(PHQ9, 16, 10).change_display == "−6"
