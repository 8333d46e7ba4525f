"""Every rate of the service dashboard against a cohort built by hand, with each value
worked out in the comments from docs/outcomes.md ("Service outcomes"): at and beside
each threshold, 1 and 2 sessions, each filter, an empty period, and the flow figures
(did-not-attend, sessions against contract, follow-ups at 1, 3 and 6 months)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.access import ServiceScope
from accounts.models import Staff, Team
from conftest import Clinic
from ipt.choices import Attendance, Outcome, Phase
from ipt.models import Course, CourseProblemArea, CourseSession
from ipt.tests.factories import program
from outcomes import dashboard
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import score, service_course

pytestmark = pytest.mark.django_db

# A fixed today, so that every day below can be worked out by hand.
TODAY = date(2026, 12, 1)
# The default period: the last twelve months up to today.
START, END = date(2025, 12, 2), TODAY
ENDED = date(2026, 11, 10)  # inside the period


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
        yield


def _board(**filters: object) -> dashboard.Dashboard:
    question = {"start": START, "end": END, **filters}
    return dashboard.service_dashboard(
        scope=ServiceScope(whole_service=True),
        filters=dashboard.Filters(**question),  # type: ignore[arg-type]
    )


def _course(clinic: Clinic, **fields: object) -> Course:
    made: dict[str, object] = {
        "clinician": clinic.therapist_on_team,
        "team": clinic.team_a,
        "ended_on": ENDED,
    }
    made.update(fields)
    return service_course(**made)  # type: ignore[arg-type]


def _counts(rate: object) -> tuple[int, int]:
    return rate.count, rate.denominator  # type: ignore[attr-defined]


# --- Outcome rates at and beside each threshold ---------------------------------------


def test_phq9_rates_at_and_beside_the_cut_off_and_the_reliable_change(
    clinic: Clinic,
) -> None:
    # PHQ-9: a case at ≥ 10; recovered below 10 at the end; a reliable change is ≥ 6.
    for first, last in (
        (9, 3),  # not a case (9 < 10): finished, outside every rate's denominator
        (10, 4),  # case; 4 < 10 recovered; −6 reliable improvement → reliable recovery
        (10, 5),  # case; recovered; −5 is not reliable → recovery only
        (15, 10),  # case; 10 is not below 10 → not recovered; −5 → no change
        (15, 9),  # case; recovered; −6 → reliable recovery
        (10, 16),  # case; +6 → reliable deterioration
        (10, 15),  # case; +5 → no reliable change
    ):
        _course(clinic, phq9=(first, last))
    service_outcomes_refresh()
    overall = _board().overall
    # Finished 7; at caseness 6 (all but 9 → 3).
    assert (overall.finished, overall.at_caseness) == (7, 6)
    assert _counts(overall.recovery) == (3, 6)  # 10→4, 10→5, 15→9
    assert _counts(overall.reliable_improvement) == (2, 6)  # 10→4, 15→9
    assert _counts(overall.reliable_recovery) == (2, 6)  # the same two
    assert _counts(overall.reliable_deterioration) == (1, 6)  # 10→16
    # 6 < 10 courses: a count with its Wilson interval. 3 of 6, z = 1.96, z² = 3.8415:
    # centre (0.5 + 3.8415/12) / (1 + 3.8415/6) = 0.5; half-width
    # 1.96·√(0.25/6 + 3.8415/144) / 1.6402 = 0.3124 → 18.8 %–81.2 %.
    assert (overall.recovery.low, overall.recovery.high) == (18.8, 81.2)
    assert overall.recovery.text == "3 of 6 (95 % CI 19 %–81 %)"
    # Case mix: the mean first PHQ-9 of all 7 finished, (9+10+10+15+15+10+10)/7 = 11.3.
    assert overall.mean_baseline == 11.3


def test_gad7_rates_at_and_beside_the_cut_off_and_the_reliable_change(
    clinic: Clinic,
) -> None:
    # GAD-7 alone: a case at ≥ 8; recovered below 8; a reliable change is ≥ 4.
    for first, last in (
        (7, 1),  # not a case (7 < 8)
        (8, 4),  # case; 4 < 8 recovered; −4 reliable → reliable recovery
        (8, 7),  # case; 7 < 8 recovered, the point below the cut-off; −1
        (12, 8),  # case; 8 is not below 8 → not recovered; −4 reliable improvement
        (8, 12),  # case; +4 → reliable deterioration
        (8, 11),  # case; +3 → no reliable change
    ):
        _course(clinic, phq9=None, gad7=(first, last))
    service_outcomes_refresh()
    overall = _board().overall
    assert (overall.finished, overall.at_caseness) == (6, 5)
    assert _counts(overall.recovery) == (2, 5)  # 8→4, 8→7
    assert _counts(overall.reliable_improvement) == (2, 5)  # 8→4, 12→8
    assert _counts(overall.reliable_recovery) == (1, 5)  # 8→4
    assert _counts(overall.reliable_deterioration) == (1, 5)  # 8→12
    # No PHQ-9 anywhere: no case mix to show.
    assert overall.mean_baseline is None


def test_paired_rates_follow_both_measures(clinic: Clinic) -> None:
    # The NHS pair: a case on either; recovered when both are below their cut-offs
    # at the end; reliable improvement is a reliable fall on one and no reliable rise
    # on the other; deterioration its mirror image.
    for phq9, gad7 in (
        ((9, 3), (7, 5)),  # a case on neither: outside the denominator
        ((9, 3), (8, 4)),  # case on the GAD-7 only; both below; −6 and −4 → rel. rec.
        ((15, 9), (8, 8)),  # GAD-7 still 8 → not recovered; PHQ −6 → improvement
        ((15, 9), (4, 8)),  # PHQ −6 but GAD +4: neither improved nor deteriorated
        ((12, 12), (8, 12)),  # GAD +4, PHQ 0 → reliable deterioration
        ((12, 12), (8, 11)),  # GAD +3, one short: no reliable change; not recovered
        ((12, 7), (7, 7)),  # 7 < 10 and 7 < 8 → recovered; −5 not reliable
    ):
        _course(clinic, phq9=phq9, gad7=gad7)
    service_outcomes_refresh()
    overall = _board().overall
    assert (overall.finished, overall.at_caseness) == (7, 6)
    assert _counts(overall.recovery) == (2, 6)  # the 2nd and the last
    assert _counts(overall.reliable_improvement) == (2, 6)  # the 2nd and 3rd
    assert _counts(overall.reliable_recovery) == (1, 6)  # the 2nd
    assert _counts(overall.reliable_deterioration) == (1, 6)  # the 5th


def test_a_course_of_two_sessions_has_finished_one_of_one_has_not(
    clinic: Clinic,
) -> None:
    _course(clinic, sessions=1)
    _course(clinic, sessions=2)
    # Two sessions and then dropped out: finished by the NHS definition, and a dropout.
    _course(clinic, sessions=2, outcome=Outcome.DROPPED_OUT)
    service_outcomes_refresh()
    board = _board()
    assert board.flow.finished == 2
    assert board.flow.dropped_out == 1
    # 15 → 5 on both finished courses: 2 of 2 recovered.
    assert _counts(board.overall.recovery) == (2, 2)


# --- How the courses ran ---------------------------------------------------------------


def _cancelled(course: Course, clinician: Staff) -> None:
    CourseSession.objects.create(
        course=course,
        held_on=ENDED - timedelta(days=1),
        attendance=Attendance.CANCELLED,
        phase=Phase.MIDDLE,
        recorded_by=clinician,
    )


def test_the_did_not_attend_rate_counts_finished_courses_and_not_cancellations(
    clinic: Clinic,
) -> None:
    six = _course(clinic, sessions=6, missed=2)
    _cancelled(six, clinic.therapist_on_team)
    four = _course(clinic, sessions=4, missed=0)
    _cancelled(four, clinic.therapist_on_team)
    _cancelled(four, clinic.therapist_on_team)
    # Not finished (one session) and still open: neither counts.
    _course(clinic, sessions=1, missed=3, outcome=Outcome.DROPPED_OUT)
    _course(clinic, ended_on=None, sessions=3, missed=3)
    service_outcomes_refresh()
    dna = _board().flow.did_not_attend
    # Missed 2 + 0 of attended-or-missed (6 + 2) + (4 + 0) = 12: 2 of 12, 16.7 %.
    assert _counts(dna) == (2, 12)
    assert dna.percent == 16.7
    assert dna.text == "17 % (2 of 12)"


def test_sessions_delivered_against_contracted(clinic: Clinic) -> None:
    _course(clinic, sessions=6, sessions_planned=12)
    _course(clinic, sessions=4, sessions_planned=16)
    _course(clinic, sessions=11, sessions_planned=16)
    # Not finished: left out of both means.
    _course(clinic, sessions=1, sessions_planned=12, outcome=Outcome.DROPPED_OUT)
    _course(clinic, ended_on=None, sessions=3, sessions_planned=8)
    service_outcomes_refresh()
    flow = _board().flow
    # Attended (6 + 4 + 11) / 3 = 7.0; contracted (12 + 16 + 16) / 3 = 14.67 → 14.7.
    assert (flow.mean_attended, flow.mean_planned) == (7.0, 14.7)


def test_an_extension_counts_in_the_contracted_sessions(clinic: Clinic) -> None:
    from ipt.services import course_extend

    course = _course(clinic, ended_on=None, sessions=12, sessions_planned=12)
    course_extend(
        course=course,
        by=clinic.therapist_on_team,
        sessions_added=4,
        reason="The grief work needs four more sessions.",
    )
    Course.objects.filter(pk=course.pk).update(
        phase=Phase.ENDED, ended_on=ENDED, outcome=Outcome.COMPLETED
    )
    service_outcomes_refresh()
    # 12 contracted + 4 added: 16 planned, 12 attended.
    flow = _board().flow
    assert (flow.mean_attended, flow.mean_planned) == (12.0, 16.0)


def test_follow_ups_returned_at_one_three_and_six_months(clinic: Clinic) -> None:
    # Today is 1 Dec 2026. A window runs from 14 days before to 28 days after the
    # anniversary of the end, and is counted once it has closed (today − anniversary
    # > 28 days).
    may = date(2026, 5, 1)  # 1 month: 1 Jun (window 18 May–29 Jun), closed
    #                         3 months: 1 Aug (18 Jul–29 Aug), closed
    #                         6 months: 1 Nov (18 Oct–29 Nov), closed (30 days ago)
    a = _course(clinic, ended_on=may)
    score(a.patient, "phq9", 4, date(2026, 5, 18))  # first day of the 1-month window
    score(a.patient, "gad7", 3, date(2026, 8, 29))  # last day of the 3-month window
    score(a.patient, "phq9", 4, date(2026, 10, 17))  # a day before the 6-month one
    b = _course(clinic, ended_on=may)
    score(b.patient, "phq9", 4, date(2026, 5, 17))  # a day before the 1-month window
    score(b.patient, "phq9", 4, date(2026, 8, 30))  # a day after the 3-month window
    score(b.patient, "phq9", 4, date(2026, 11, 1))  # on the 6-month anniversary
    _course(clinic, ended_on=may)  # never returned one
    # Ended 1 Oct: 1 month is 1 Nov, window 18 Oct–29 Nov, closed; 3 and 6 not yet.
    e = _course(clinic, ended_on=date(2026, 10, 1))
    score(e.patient, "phq9", 4, date(2026, 11, 29))  # last day of the window
    # Ended 15 Oct: 1 month is 15 Nov, window open until 13 Dec: not yet counted,
    # whatever it holds.
    d = _course(clinic, ended_on=date(2026, 10, 15))
    score(d.patient, "phq9", 4, date(2026, 11, 15))
    # Ended before the period: not counted.
    g = _course(clinic, ended_on=date(2025, 11, 20))
    score(g.patient, "phq9", 4, date(2025, 12, 20))
    service_outcomes_refresh()
    follow = dict(_board().flow.follow_ups)
    # 1 month: due a, b, the third, e = 4; returned a, e = 2.
    assert _counts(follow[1]) == (2, 4)
    # 3 months: due a, b, the third = 3; returned a = 1.
    assert _counts(follow[3]) == (1, 3)
    # 6 months: due a, b, the third = 3; returned b = 1.
    assert _counts(follow[6]) == (1, 3)


# --- The question: each filter, and an empty period -------------------------------------


@pytest.fixture
def spread(clinic: Clinic) -> dict[str, Course]:
    """Four finished courses across sites, teams, clinicians, programs and areas."""

    def made(
        clinician: Staff, team: Team, code: str, area: str, **more: object
    ) -> Course:
        course = _course(
            clinic, clinician=clinician, team=team, program=program(code), **more
        )
        if area:
            CourseProblemArea.objects.create(
                course=course, area=area, rank=1, chosen_by=clinician
            )
        return course

    return {
        "c1": made(clinic.therapist_on_team, clinic.team_a, "ipt12", "grief"),
        "c2": made(clinic.therapist_other_site, clinic.team_b, "ipt16", "transitions"),
        "c3": made(clinic.therapist_off_team, clinic.team_a, "ipt16", ""),
        # Ended on 1 Jun 2025, before the default period.
        "c4": made(
            clinic.therapist_on_team,
            clinic.team_a,
            "ipt12",
            "grief",
            ended_on=date(2025, 6, 1),
        ),
    }


def test_each_filter_narrows_to_its_courses(
    clinic: Clinic, spread: dict[str, Course]
) -> None:
    service_outcomes_refresh()

    def finished(**filters: object) -> int:
        return _board(**filters).overall.finished

    assert finished() == 3  # c1, c2, c3
    assert finished(site=clinic.site_a) == 2  # c1, c3
    assert finished(site=clinic.site_b) == 1  # c2
    assert finished(team=clinic.team_a) == 2
    assert finished(team=clinic.team_b) == 1
    assert finished(clinician=clinic.therapist_on_team) == 1  # c1 (c4 before)
    assert finished(clinician=clinic.therapist_off_team) == 1  # c3
    assert finished(program=program("ipt16")) == 2  # c2, c3
    assert finished(program=program("brief8")) == 0
    assert finished(problem_area="grief") == 1  # c1
    assert finished(problem_area="transitions") == 1  # c2
    assert finished(problem_area="deficits") == 0
    assert finished(team=clinic.team_a, program=program("ipt16")) == 1  # c3
    # A period holding only c4's end (1 Jun 2025), at and beside each of its days.
    assert finished(start=date(2025, 5, 1), end=date(2025, 6, 30)) == 1
    assert finished(start=date(2025, 6, 1), end=date(2025, 6, 30)) == 1
    assert finished(start=date(2025, 6, 2), end=date(2025, 6, 30)) == 0
    assert finished(start=date(2025, 5, 1), end=date(2025, 6, 1)) == 1
    assert finished(start=date(2025, 5, 1), end=date(2025, 5, 31)) == 0


def test_referrals_follow_every_filter_but_the_problem_area(clinic: Clinic) -> None:
    from referrals.tests.factories import ReferralFactory

    ReferralFactory(
        site=clinic.site_a,
        team=clinic.team_a,
        program=program("ipt12"),
        clinician=clinic.therapist_on_team,
    )
    ReferralFactory(site=clinic.site_a, team=clinic.team_a, program=program("ipt16"))
    ReferralFactory(site=clinic.site_b, team=clinic.team_b, program=program("ipt16"))
    # Made on 1 Dec 2025, the day before the period.
    ReferralFactory(
        site=clinic.site_a,
        team=clinic.team_a,
        created_at=datetime(2025, 12, 1, 12, tzinfo=UTC),
    )

    def received(**filters: object) -> int:
        return _board(**filters).flow.referrals

    assert received() == 3
    assert received(site=clinic.site_a) == 2
    assert received(team=clinic.team_b) == 1
    assert received(program=program("ipt16")) == 2
    assert received(clinician=clinic.therapist_on_team) == 1
    # Referrals have no problem area: the filter leaves them as they are.
    assert received(problem_area="grief") == 3
    assert received(start=date(2025, 12, 1), end=date(2025, 12, 1)) == 1


def test_filters_narrow_the_breakdowns_too(
    clinic: Clinic, spread: dict[str, Course]
) -> None:
    service_outcomes_refresh()
    board = _board(site=clinic.site_a)
    assert sorted(g.label for g in board.by_clinician) == sorted(
        [clinic.therapist_on_team.display_name, clinic.therapist_off_team.display_name]
    )
    assert [g.label for g in _board(program=program("ipt16")).by_program] == [
        str(program("ipt16").name)
    ]
    areas = _board(problem_area="grief").by_problem_area
    assert [(g.label, g.finished) for g in areas] == [("Grief", 1)]


def test_a_period_with_no_courses_is_empty_everywhere(
    clinic: Clinic, spread: dict[str, Course]
) -> None:
    service_outcomes_refresh()
    # Every course opened after this period ended.
    board = _board(start=date(2024, 1, 1), end=date(2024, 3, 31))
    assert (board.flow.started, board.flow.finished, board.flow.dropped_out) == (
        0,
        0,
        0,
    )
    assert board.overall.recovery.text == "no courses"
    assert board.flow.did_not_attend.text == "no courses"
    assert board.flow.within_6_weeks.text == "no courses"
    assert (board.flow.mean_attended, board.flow.mean_planned) == (None, None)
    assert all(rate.denominator == 0 for _, rate in board.flow.follow_ups)
    assert board.months == []
    assert board.by_clinician == board.by_program == board.by_problem_area == []
    assert board.computed_at is not None  # figures were computed; none fell here
