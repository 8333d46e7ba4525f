"""The use calculations against hand-built histories (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from recovery import analytes
from recovery.calculations import (
    Abstinence,
    Prescription,
    UseEvidence,
    UseReport,
    abstinence,
    awaiting_confirmation,
    count_window,
    days_sober,
    expected_positives,
    is_heavy,
    report_problems,
    result_problems,
    service_use_summary,
    sobriety_since,
    unexpected_positives,
    use_outcome,
    weekly_use,
)

D = date(2026, 3, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


def single(n: int, used: bool, heavy: bool | None = None) -> UseReport:
    return UseReport(
        day(n),
        day(n),
        int(used),
        None if heavy is None else int(heavy),
    )


def test_a_window_of_one_day_reports_counts_each_day_once() -> None:
    reports = [single(0, True), single(1, False), single(2, False), single(3, True)]
    count = count_window(reports, day(0), day(3))
    assert (count.known_days, count.used_days, count.abstinent_days) == (4, 2, 2)
    assert count.percent_days_abstinent == 50.0
    assert count.complete


def test_two_reports_of_the_same_day_count_once_and_use_wins() -> None:
    count = count_window([single(0, False), single(0, True)], day(0), day(0))
    assert (count.known_days, count.used_days) == (1, 1)


def test_days_without_a_report_are_unknown_not_abstinent() -> None:
    count = count_window([single(0, False)], day(0), day(9))
    assert count.known_days == 1
    assert count.percent_days_abstinent == 100.0
    assert abstinence(count) is Abstinence.UNKNOWN


def test_nothing_reported_has_no_percentage() -> None:
    count = count_window([], day(0), day(27))
    assert count.percent_days_abstinent is None
    assert abstinence(count) is Abstinence.UNKNOWN


def test_a_session_period_counts_its_days_and_hides_diary_days_inside_it() -> None:
    session = UseReport(day(1), day(7), days_used=2)
    diary_inside = single(3, True)
    diary_outside = single(8, False)
    count = count_window([session, diary_inside, diary_outside], day(1), day(8))
    assert (count.known_days, count.used_days) == (8, 2)


def test_a_window_cutting_a_period_takes_its_use_in_proportion() -> None:
    # 4 days of use over 8 days; the window holds 2 of them.
    count = count_window([UseReport(day(0), day(7), days_used=4)], day(6), day(9))
    assert (count.known_days, count.used_days) == (2, 1)
    # Use inside a period the window only cuts is still use, on the safe side.
    assert abstinence(count) is Abstinence.USED


def test_heavy_days_are_counted_only_where_asked() -> None:
    reports = [single(0, True, True), single(1, True, False), single(2, False, False)]
    assert count_window(reports, day(0), day(2)).heavy_days == 1
    assert count_window([single(0, True)], day(0), day(0)).heavy_days is None


def test_a_heavy_day_is_at_least_the_threshold() -> None:
    assert is_heavy(5, 5) and is_heavy(7.5, 5)
    assert not is_heavy(4.9, 5)
    assert not is_heavy(None, 5) and not is_heavy(6, None)


def test_abstinence_needs_every_day_and_no_use() -> None:
    clean = [single(n, False) for n in range(28)]
    assert abstinence(count_window(clean, day(0), day(27))) is Abstinence.ABSTINENT
    slip = [*clean[:-1], single(27, True)]
    assert abstinence(count_window(slip, day(0), day(27))) is Abstinence.USED


@pytest.mark.parametrize(
    ("first", "last", "used", "heavy", "problem"),
    [
        (day(3), day(1), 0, None, "ends before it begins"),
        (day(0), day(6), 8, None, "more than the 7 days"),
        (day(0), day(6), 2, 3, "cannot be more than the days of drinking"),
        (day(0), day(6), -1, None, "cannot be negative"),
    ],
)
def test_impossible_reports_are_refused_with_a_reason(
    first: date, last: date, used: int, heavy: int | None, problem: str
) -> None:
    problems = report_problems(
        first_day=first, last_day=last, days_used=used, heavy_days=heavy
    )
    assert any(problem in p for p in problems)


def test_a_possible_report_has_no_problems() -> None:
    assert not report_problems(
        first_day=day(0), last_day=day(6), days_used=7, heavy_days=7
    )


def test_weeks_show_the_most_used_substance_never_a_sum() -> None:
    histories = {
        "alcohol": [UseReport(day(0), day(6), days_used=3)],
        "cannabis": [UseReport(day(0), day(6), days_used=5)],
    }
    weeks = weekly_use(histories, day(0), day(20))
    assert [w.days_used for w in weeks] == [5, None, None]
    assert [w.starts_on for w in weeks] == [day(0), day(7), day(14)]


def test_the_course_outcome_compares_before_treatment_with_its_last_28_days() -> None:
    start, end = day(28), day(28 + 83)  # a 12-week course
    # The calendar: 28 days before, drinking 20 days, 12 of them heavy.
    tlfb = [single(n, n < 20, n < 12) for n in range(28)]
    # Weekly sessions: use tails off, nothing in the last five weeks.
    sessions = []
    for week in range(12):
        first = start + timedelta(days=7 * week)
        used = max(0, 4 - week)
        sessions.append(
            UseReport(first, first + timedelta(days=6), days_used=used, heavy_days=0)
        )
    outcome = use_outcome(
        {"alcohol": tlfb + sessions}, treatment_start=start, treatment_end=end
    )
    alcohol = outcome.substance("alcohol")
    assert alcohol is not None
    assert alcohol.start_before_treatment
    assert alcohol.pda_start == round(100 * 8 / 28, 1)
    assert alcohol.pda_end == 100.0
    assert alcohol.heavy_start == 12
    assert alcohol.heavy_end == 0
    assert alcohol.heavy_reduction == 12
    assert alcohol.pda_change == round(100 - 100 * 8 / 28, 1)
    assert outcome.abstinent_last_28 is Abstinence.ABSTINENT


def test_without_a_calendar_the_start_is_the_first_28_days() -> None:
    start, end = day(0), day(69)
    sessions = [
        UseReport(day(7 * w), day(7 * w + 6), days_used=7 if w < 4 else 0)
        for w in range(10)
    ]
    outcome = use_outcome(
        {"opioids": sessions}, treatment_start=start, treatment_end=end
    )
    opioids = outcome.substance("opioids")
    assert opioids is not None and not opioids.start_before_treatment
    assert opioids.pda_start == 0.0
    assert opioids.pda_end == 100.0
    assert opioids.heavy_reduction is None  # not alcohol: no heavy days asked


def test_use_of_any_substance_at_the_end_is_not_abstinence() -> None:
    start, end = day(0), day(27)
    clean = [UseReport(day(0), day(27), days_used=0)]
    used = [UseReport(day(0), day(27), days_used=1)]
    outcome = use_outcome(
        {"alcohol": clean, "cannabis": used}, treatment_start=start, treatment_end=end
    )
    assert outcome.abstinent_last_28 is Abstinence.USED
    gaps = use_outcome(
        {"alcohol": [single(27, False)]}, treatment_start=start, treatment_end=end
    )
    assert gaps.abstinent_last_28 is Abstinence.UNKNOWN
    assert (
        use_outcome({}, treatment_start=start, treatment_end=end).abstinent_last_28
        is Abstinence.UNKNOWN
    )


def test_the_service_summary_counts_only_known_courses() -> None:
    start, end = day(0), day(27)
    abstinent = use_outcome(
        {"alcohol": [UseReport(start, end, 0, 0)]},
        treatment_start=start,
        treatment_end=end,
    )
    used = use_outcome(
        {"alcohol": [UseReport(start, end, 3, 1)]},
        treatment_start=start,
        treatment_end=end,
    )
    unknown = use_outcome({}, treatment_start=start, treatment_end=end)
    summary = service_use_summary([abstinent, used, unknown])
    assert (summary.courses, summary.abstinent_last_28, summary.known_last_28) == (
        3,
        1,
        2,
    )
    assert summary.alcohol_courses == 2
    assert service_use_summary([]).mean_pda_change is None


def test_unconfirmed_use_does_not_move_the_sobriety_date() -> None:
    recorded = day(0)
    evidence = [UseEvidence(day=day(30), last_use=day(29), confirmed=False)]
    assert sobriety_since(recorded, evidence) == recorded
    assert awaiting_confirmation(recorded, evidence) == evidence


def test_confirmed_use_moves_the_date_to_the_day_after_the_last_use() -> None:
    evidence = [
        UseEvidence(day=day(30), last_use=day(29), confirmed=True),
        UseEvidence(day=day(40), last_use=day(38), confirmed=False),
    ]
    assert sobriety_since(day(0), evidence) == day(30)
    assert sobriety_since(None, evidence[:1]) == day(30)


def test_a_confirmation_never_moves_the_date_back() -> None:
    evidence = [UseEvidence(day=day(5), last_use=day(2), confirmed=True)]
    assert sobriety_since(day(10), evidence) == day(10)
    assert awaiting_confirmation(day(10), [UseEvidence(day(5), day(2))]) == []


def test_days_of_sobriety_are_full_days() -> None:
    assert days_sober(day(0), day(0)) == 0
    assert days_sober(day(0), day(90)) == 90
    assert days_sober(day(5), day(0)) is None
    assert days_sober(None, day(0)) is None


def test_buprenorphine_is_expected_in_a_patient_who_takes_it() -> None:
    bup = Prescription(frozenset({"buprenorphine"}), started_on=day(0))
    expected = expected_positives([bup], day(10))
    results = {"buprenorphine": "positive", "fentanyl": "negative", "thc": "positive"}
    assert unexpected_positives(results, expected) == ["thc"]
    assert expected_positives([bup], day(-1)) == frozenset()


def test_a_stopped_medication_is_expected_for_a_week_then_counts() -> None:
    bup = Prescription(frozenset({"buprenorphine"}), day(0), stopped_on=day(10))
    assert expected_positives([bup], day(17)) == {"buprenorphine"}
    assert expected_positives([bup], day(18)) == frozenset()
    assert unexpected_positives({"buprenorphine": "positive"}, frozenset()) == [
        "buprenorphine"
    ]


def _problems(**overrides: object) -> list[str]:
    arguments: dict[str, object] = {
        "day": day(0),
        "today": day(0),
        "specimen": "urine",
        "panel_specimens": ["urine"],
        "panel_analytes": ["thc", "cocaine"],
        "results": {"thc": "negative"},
    }
    arguments.update(overrides)
    return result_problems(**arguments)  # type: ignore[arg-type]


def test_a_possible_test_result_has_no_problems() -> None:
    assert _problems() == []


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"day": day(1)}, "in the future"),
        ({"specimen": "breath"}, "not run on that specimen"),
        ({"results": {"alcohol": "negative"}}, "Not on this panel: alcohol"),
        ({"results": {"thc": "maybe"}}, "positive, negative or not tested"),
        ({"results": {"thc": "not_tested"}}, "at least one result"),
        ({"results": {}}, "at least one result"),
    ],
)
def test_an_impossible_test_result_is_refused(
    overrides: dict[str, object], problem: str
) -> None:
    assert any(problem in p for p in _problems(**overrides))


def test_every_analyte_counts_against_a_listed_substance() -> None:
    from recovery.defaults import SUBSTANCES

    codes = {row["code"] for row in SUBSTANCES}
    assert {a.substance for a in analytes.ANALYTES} <= codes
    assert analytes.substance_of("unknown") == "other"
