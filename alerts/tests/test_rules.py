"""Every alert rule on plain data, at and beside its threshold (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from alerts import rules
from alerts.choices import AlertKind, Urgency
from alerts.rules import CssrsLevel, DiaryDay, RiskAnswer, SessionQuestionnaires

DAY = date(2026, 3, 3)


def test_the_rule_constants_are_the_models_choices() -> None:
    assert (rules.ROUTINE, rules.SAME_DAY, rules.URGENT) == (
        Urgency.ROUTINE,
        Urgency.SAME_DAY,
        Urgency.URGENT,
    )
    assert {rules.RISK, rules.RELAPSE, rules.ENGAGEMENT, rules.NOT_ON_TRACK} == set(
        AlertKind.values
    )


def phq9_item9(score: int) -> RiskAnswer:
    return RiskAnswer(
        instrument_id="phq9",
        instrument_name="PHQ-9",
        item_number=9,
        item_label="Self-harm thoughts",
        answer_score=score,
        answer_label=rules.PHQ9_ITEM9_OPTIONS[score],
        risk_kind=rules.SUICIDE_RISK,
        day=DAY,
    )


@pytest.mark.parametrize("score", [1, 2, 3])
def test_phq9_item9_above_zero_is_an_urgent_risk_alert(score: int) -> None:
    finding = rules.risk_answer(phq9_item9(score))
    assert (finding.kind, finding.rule, finding.urgency) == (
        "risk",
        "phq9_item9",
        rules.URGENT,
    )
    assert f"(score {score})" in finding.reason
    assert "PHQ-9 item 9 (Self-harm thoughts), suicide risk" in finding.reason
    assert "3 Mar 2026" in finding.reason


def cssrs(answers: tuple[int | None, ...], item: int) -> RiskAnswer:
    return RiskAnswer(
        instrument_id="cssrs",
        instrument_name="C-SSRS Screener",
        item_number=item,
        item_label=f"Item {item}",
        answer_score=1,
        answer_label="Yes",
        risk_kind=rules.SUICIDE_RISK,
        day=DAY,
        answers=answers,
    )


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ((0, 0, 0, 0, 0, 0, None), CssrsLevel.NONE),
        ((1, 0, 0, 0, 0, 0, None), CssrsLevel.LOW),
        ((1, 1, 0, 0, 0, 0, None), CssrsLevel.LOW),
        ((1, 1, 1, 0, 0, 0, None), CssrsLevel.MODERATE),
        ((0, 0, 0, 0, 0, 1, 0), CssrsLevel.MODERATE),  # behaviour, not in 3 months
        ((0, 0, 0, 0, 0, 1, 1), CssrsLevel.HIGH),  # behaviour within 3 months
        ((0, 0, 0, 0, 0, 1, None), CssrsLevel.HIGH),  # timing unknown: cannot rule out
        ((1, 1, 1, 1, 0, 0, None), CssrsLevel.HIGH),  # intent
        ((1, 1, 1, 0, 1, 0, None), CssrsLevel.HIGH),  # plan with intent
    ],
)
def test_the_cssrs_triage_level(
    answers: tuple[int | None, ...], level: CssrsLevel
) -> None:
    assert rules.cssrs_level(answers) is level


def test_a_positive_cssrs_screen_alerts_with_its_level() -> None:
    finding = rules.risk_answer(cssrs((1, 1, 1, 0, 1, 0, None), item=5))
    assert finding.rule == "cssrs_positive" and finding.urgency == rules.URGENT
    assert "level high (provisional triage" in finding.reason
    assert "item 5, a plan with intent" in finding.reason


def test_a_risk_taking_answer_is_for_the_same_day() -> None:
    answer = RiskAnswer(
        "pcl5", "PCL-5", 16, "Risk-taking", 3, "Quite a bit", rules.RISK_TAKING, DAY
    )
    finding = rules.risk_answer(answer)
    assert finding.urgency == rules.SAME_DAY and finding.rule == "pcl5_item16"


def test_other_suicide_risk_items_are_urgent() -> None:
    answer = RiskAnswer(
        "hrsd17", "HRSD-17", 3, "Suicide", 1, None, rules.SUICIDE_RISK, DAY
    )
    finding = rules.risk_answer(answer)
    assert (
        finding.urgency == rules.URGENT
        and "a positive answer (score 1)" in finding.reason
    )


# --- The diary -----------------------------------------------------------------------


def test_self_harm_in_the_diary_is_urgent() -> None:
    finding = rules.diary_self_harm(DiaryDay("e1", DAY, self_harm=True))
    assert finding is not None and finding.urgency == rules.URGENT
    assert finding.reason == "Self-harm reported in the diary for 3 Mar 2026."
    assert rules.diary_self_harm(DiaryDay("e2", DAY)) is None


def clean_days(first: date, last: date) -> list[DiaryDay]:
    days = (last - first).days + 1
    return [
        DiaryDay(f"c{i}", first + timedelta(days=i), used=False) for i in range(days)
    ]


@pytest.mark.parametrize(("clean_for", "fires"), [(13, False), (14, True), (15, True)])
def test_use_after_abstinence_needs_the_configured_number_of_clean_days(
    clean_for: int, fires: bool
) -> None:
    # given reported use on DAY, after reports of no use from ``clean_for`` days before
    history = clean_days(DAY - timedelta(days=clean_for), DAY - timedelta(days=1))
    use = DiaryDay("u", DAY, used=True)
    # then the relapse rule fires from 14 days on
    finding = rules.use_after_abstinence(use, history, abstinent_days=14)
    assert (finding is not None) is fires
    if finding:
        assert finding.kind == "relapse" and finding.urgency == rules.SAME_DAY
        assert f"after {clean_for} days reported without use" in finding.reason


def test_use_in_between_breaks_the_period_of_abstinence() -> None:
    history = [
        *clean_days(DAY - timedelta(days=30), DAY - timedelta(days=6)),
        DiaryDay("earlier-use", DAY - timedelta(days=5), used=True),
        *clean_days(DAY - timedelta(days=4), DAY - timedelta(days=1)),
    ]
    assert rules.use_after_abstinence(DiaryDay("u", DAY, used=True), history) is None


def test_days_not_asked_about_neither_count_nor_break_the_period() -> None:
    history = [
        DiaryDay("c1", DAY - timedelta(days=20), used=False),
        DiaryDay("n1", DAY - timedelta(days=10), used=None),
        DiaryDay("c2", DAY - timedelta(days=2), used=False),
    ]
    finding = rules.use_after_abstinence(DiaryDay("u", DAY, used=True), history)
    assert finding is not None and "after 20 days" in finding.reason


def test_no_report_of_abstinence_is_no_relapse() -> None:
    assert rules.use_after_abstinence(DiaryDay("u", DAY, used=True), []) is None
    assert (
        rules.use_after_abstinence(
            DiaryDay("n", DAY, used=False), clean_days(DAY - timedelta(days=30), DAY)
        )
        is None
    )


# --- Engagement ----------------------------------------------------------------------


@pytest.mark.parametrize(("count", "fires"), [(1, False), (2, True), (3, True)])
def test_two_did_not_attends_in_a_row(count: int, fires: bool) -> None:
    finding = rules.missed_in_a_row(count, DAY)
    assert (finding is not None) is fires
    if finding:
        assert (
            finding.kind == "engagement"
            and f"{count} sessions in a row" in finding.reason
        )


def session(number: int, due: set[str], given: set[str]) -> SessionQuestionnaires:
    return SessionQuestionnaires(
        session_id=f"s{number}",
        number=number,
        day=DAY + timedelta(days=7 * number),
        due=frozenset(due),
        given=frozenset(given),
    )


DUE = {"phq9", "gad7"}


def test_questionnaires_missing_for_three_sessions_fires_once_on_the_third() -> None:
    sessions = [
        session(1, DUE, DUE),
        session(2, DUE, set()),
        session(3, DUE, set()),
        session(4, DUE, set()),
        session(5, DUE, set()),  # the run goes on: not a second alert
    ]
    findings = rules.questionnaires_missing(sessions)
    assert [key for key, _ in findings] == ["s4"]
    assert "for 3 sessions in a row, up to session 4" in findings[0][1].reason


def test_two_missing_are_not_enough_and_one_returned_resets_the_run() -> None:
    sessions = [
        session(1, DUE, set()),
        session(2, DUE, set()),
        session(3, DUE, {"gad7"}),  # one of the two due was returned
        session(4, DUE, set()),
        session(5, DUE, set()),
    ]
    assert rules.questionnaires_missing(sessions) == []


def test_sessions_with_nothing_due_neither_count_nor_break_a_run() -> None:
    sessions = [
        session(1, DUE, set()),
        session(2, set(), set()),
        session(3, DUE, set()),
        session(4, DUE, set()),
    ]
    assert [key for key, _ in rules.questionnaires_missing(sessions)] == ["s4"]


def test_a_new_run_after_a_return_fires_again() -> None:
    sessions = [session(n, DUE, set()) for n in (1, 2, 3)]
    sessions += [session(4, DUE, DUE)]
    sessions += [session(n, DUE, set()) for n in (5, 6, 7)]
    assert [key for key, _ in rules.questionnaires_missing(sessions)] == ["s3", "s7"]


def test_a_not_on_track_finding_is_routine_and_carries_the_reason() -> None:
    finding = rules.not_on_track("PHQ-9", "no_reliable_improvement", "By session 6 …")
    assert finding.kind == "not_on_track" and finding.urgency == rules.ROUTINE
    assert finding.rule == "not_on_track_no_reliable_improvement"
    assert finding.reason == "PHQ-9 not on track. By session 6 …"
