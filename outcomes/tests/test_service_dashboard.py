"""The service dashboard: hand-computed cohorts, small numbers, suppression in the
exports, the scope of each role, no patient in sight, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access import ServiceScope
from accounts.choices import Role
from accounts.tests.factories import StaffFactory
from audit.models import AuditEvent
from conftest import Clinic, signed_in
from ipt.choices import Outcome
from ipt.models import CourseProblemArea
from outcomes import dashboard
from outcomes.charts import render_svg
from outcomes.forms import default_period
from outcomes.models import CourseOutcome
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course

pytestmark = pytest.mark.django_db

URL = reverse("outcomes:service")


def _ended(days_ago: int = 20) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def _cohort(
    clinic: Clinic, recovered: int, not_recovered: int, **fields: object
) -> None:
    for _ in range(recovered):
        service_course(
            clinician=clinic.therapist_on_team,
            team=clinic.team_a,
            phq9=(15, 5),
            ended_on=_ended(),
            **fields,  # type: ignore[arg-type]
        )
    for _ in range(not_recovered):
        service_course(
            clinician=clinic.therapist_on_team,
            team=clinic.team_a,
            phq9=(15, 12),
            ended_on=_ended(),
            **fields,  # type: ignore[arg-type]
        )


def _board(scope: ServiceScope | None = None) -> dashboard.Dashboard:
    start, end = default_period(timezone.localdate())
    return dashboard.service_dashboard(
        scope=scope or ServiceScope(whole_service=True),
        filters=dashboard.Filters(start=start, end=end),
    )


def test_recovery_over_ten_finished_cases_is_a_percentage(clinic: Clinic) -> None:
    _cohort(clinic, recovered=6, not_recovered=4)
    service_outcomes_refresh()
    board = _board()
    assert board.overall.finished == 10 and board.overall.at_caseness == 10
    assert board.overall.recovery.text == "60 % (6 of 10)"
    # 15 → 5 is a fall of 10 (≥ 6): reliable improvement and reliable recovery;
    # 15 → 12 is a fall of 3: neither.
    assert board.overall.reliable_improvement.count == 6
    assert board.overall.reliable_recovery.count == 6
    assert board.overall.reliable_deterioration.count == 0
    assert board.overall.mean_baseline == 15


def test_recovery_over_nine_is_a_count_with_its_interval(clinic: Clinic) -> None:
    _cohort(clinic, recovered=6, not_recovered=3)
    service_outcomes_refresh()
    recovery = _board().overall.recovery
    assert recovery.small
    assert recovery.text == "6 of 9 (95 % CI 35 %–88 %)"


def test_courses_that_do_not_count_are_left_out_of_the_denominator(
    clinic: Clinic,
) -> None:
    _cohort(clinic, recovered=1, not_recovered=1)
    # Not a case at the start: finished, but not in the recovery denominator.
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(8, 2),
        ended_on=_ended(),
    )
    # One attended session: not finished (NHS: at least two).
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(15, 5),
        ended_on=_ended(),
        sessions=1,
        outcome=Outcome.DROPPED_OUT,
    )
    # Ended before the period.
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(15, 5),
        ended_on=_ended(400),
    )
    # Still open.
    service_course(clinician=clinic.therapist_on_team, team=clinic.team_a)
    service_outcomes_refresh()
    board = _board()
    assert board.overall.finished == 3
    assert board.overall.at_caseness == 2
    assert board.overall.recovery.count == 1
    assert board.flow.dropped_out == 1


def test_reliable_deterioration_is_counted(clinic: Clinic) -> None:
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(10, 16),
        ended_on=_ended(),
    )
    service_outcomes_refresh()
    assert _board().overall.reliable_deterioration.text.startswith("1 of 1")


def test_the_paired_outcome_needs_both_measures_below_cut_off(clinic: Clinic) -> None:
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(14, 6),
        gad7=(12, 9),
        ended_on=_ended(),
    )
    service_outcomes_refresh()
    row = CourseOutcome.objects.get()
    assert row.measure == "paired" and row.recovery is False


def test_an_empty_selection_shows_no_rate(clinic: Clinic) -> None:
    service_outcomes_refresh()
    board = _board()
    assert board.overall.recovery.text == "no courses"
    assert board.months == [] and board.by_clinician == []


def test_waiting_times_dna_and_sessions(clinic: Clinic) -> None:
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        ended_on=_ended(),
        sessions=6,
        missed=2,
    )
    service_outcomes_refresh()
    flow = _board().flow
    assert flow.did_not_attend.count == 2 and flow.did_not_attend.denominator == 8
    assert flow.mean_attended == 6
    assert flow.finished == 1


def test_a_supervisor_sees_only_their_teams(clinic: Clinic) -> None:
    _cohort(clinic, recovered=2, not_recovered=0)
    service_course(
        clinician=clinic.therapist_other_site,
        team=clinic.team_b,
        phq9=(15, 12),
        ended_on=_ended(),
    )
    service_outcomes_refresh()
    team_a = ServiceScope(whole_service=False, team_ids=frozenset({clinic.team_a.pk}))
    assert _board(team_a).overall.recovery.text.startswith("2 of 2")
    assert _board().overall.recovery.text.startswith("2 of 3")


def test_recovery_by_clinician_sits_beside_their_case_mix(clinic: Clinic) -> None:
    _cohort(clinic, recovered=1, not_recovered=1)
    service_course(
        clinician=clinic.therapist_off_team,
        team=clinic.team_a,
        phq9=(24, 20),
        ended_on=_ended(),
    )
    service_outcomes_refresh()
    rows = {row.label: row for row in _board().by_clinician}
    harder = rows[clinic.therapist_off_team.display_name]
    assert harder.mean_baseline == 24 and harder.recovery.count == 0
    assert rows[clinic.therapist_on_team.display_name].mean_baseline == 15


def test_filters_narrow_to_a_problem_area(clinic: Clinic) -> None:
    _cohort(clinic, recovered=1, not_recovered=1)
    grief = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, ended_on=_ended()
    )
    CourseProblemArea.objects.create(
        course=grief, area="grief", rank=1, chosen_by=clinic.therapist_on_team
    )
    service_outcomes_refresh()
    start, end = default_period(timezone.localdate())
    board = dashboard.service_dashboard(
        scope=ServiceScope(whole_service=True),
        filters=dashboard.Filters(start=start, end=end, problem_area="grief"),
    )
    assert board.overall.finished == 1


def test_monthly_trend_is_drawn_with_the_benchmark(clinic: Clinic) -> None:
    _cohort(clinic, recovered=1, not_recovered=1)
    service_outcomes_refresh()
    board = _board()
    assert [row.recovery.count for row in board.months] == [1]
    chart = board.trend_chart
    assert chart.rules.caseness is not None and chart.rules.caseness.value == 50


# --- The pages -----------------------------------------------------------------------


def lead() -> object:
    return StaffFactory(role=Role.CLINICAL_LEAD, username="lead")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supervisor", 200),
        ("supervisor_other_team", 200),
        ("administrator", 200),
        ("clinical_lead", 200),
        ("therapist_on_team", 403),
        ("therapist_off_team", 403),
        ("coordinator", 403),
    ],
)
def test_who_may_see_the_dashboard(
    client: Client, clinic: Clinic, persona: str, status: int
) -> None:
    signed_in(client, clinic.persona(persona))
    for name in ("outcomes:service", "outcomes:service-csv"):
        assert client.get(reverse(name)).status_code == status


def test_the_clinical_lead_sees_the_whole_service_and_no_patient(
    client: Client, clinic: Clinic
) -> None:
    _cohort(clinic, recovered=1, not_recovered=1)
    service_outcomes_refresh()
    signed_in(client, lead())  # type: ignore[arg-type]
    response = client.get(URL)
    assert response.status_code == 200
    assert "Service outcomes" in response.content.decode()
    # Aggregates only: the patient's record stays closed to the lead.
    patient_page = client.get(
        reverse("patients:detail", kwargs={"public_id": clinic.patient.public_id})
    )
    assert patient_page.status_code == 404
    # Signing in lands on the dashboard, not on an empty caseload.
    assert client.get(reverse("patients:caseload")).url == URL  # type: ignore[attr-defined]


def test_anonymous_users_are_sent_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302


def test_the_navigation_leads_a_supervisor_to_the_dashboard(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    page = client.get(reverse("patients:caseload")).content.decode()
    assert f'href="{URL}"' in page


@pytest.mark.parametrize("persona", ["supervisor", "clinical_lead", "administrator"])
def test_the_dashboard_names_no_patient(
    client: Client, clinic: Clinic, persona: str
) -> None:
    course = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, ended_on=_ended()
    )
    patient = course.patient
    # A name no member of staff, team or site shares (a random one once was "Smith",
    # as was a clinician's).
    patient.family_name = "Quillfeather"
    patient.save(update_fields=["family_name"])
    service_outcomes_refresh()
    signed_in(client, clinic.persona(persona))
    for name in ("outcomes:service", "outcomes:service-csv"):
        body = client.get(reverse(name)).content.decode()
        assert patient.family_name not in body
        assert patient.record_number not in body
        assert str(patient.public_id) not in body
        assert not re.search(r"/patients/[0-9a-f-]{36}", body)


def test_a_read_of_the_dashboard_is_audited(client: Client, clinic: Clinic) -> None:
    signed_in(client, clinic.supervisor)
    client.get(URL)
    event = AuditEvent.objects.filter(category="service_outcomes").latest("id")
    assert event.actor == clinic.supervisor and event.patient is None


def test_a_period_that_ends_before_it_starts_is_refused(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    response = client.get(URL, {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "The period must start before it ends." in response.content.decode()
    bad = client.get(reverse("outcomes:service-csv"), {"start": "yesterday"})
    assert bad.status_code == 400


def test_a_supervisor_cannot_filter_on_another_teams_team(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    response = client.get(URL, {"team": clinic.team_b.pk})
    assert response.status_code == 400


def _csv(client: Client) -> list[list[str]]:
    response = client.get(reverse("outcomes:service-csv"))
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_withholds_groups_under_the_minimum(
    client: Client, clinic: Clinic
) -> None:
    _cohort(clinic, recovered=3, not_recovered=1)  # 4 finished: under 5
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    rows = _csv(client)
    recovery = next(
        r for r in rows if r[0] == "outcomes" and r[2] == "finished courses"
    )
    assert recovery[3] == "suppressed"
    assert not any(r[2] == "recovery" and r[3] == "3" for r in rows)


def test_the_csv_shows_groups_at_the_minimum(client: Client, clinic: Clinic) -> None:
    _cohort(clinic, recovered=3, not_recovered=2)  # 5 finished
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    rows = _csv(client)
    recovery = next(r for r in rows if r[0] == "outcomes" and r[2] == "recovery")
    # Wilson, n = 5, p = 0.6: centre 0.5566, half-width 0.3258.
    assert recovery[3:8] == ["3", "5", "60.0", "23.1", "88.2"]


def test_a_name_in_the_csv_is_not_a_formula(client: Client, clinic: Clinic) -> None:
    clinic.therapist_on_team.first_name = "=HYPERLINK(1)"
    clinic.therapist_on_team.save()
    _cohort(clinic, recovered=5, not_recovered=0)
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    labels = {r[1] for r in _csv(client) if r[0] == "by clinician"}
    assert any(label.startswith("'=HYPERLINK") for label in labels)


def test_the_pdf_withholds_small_groups(clinic: Clinic) -> None:
    from outcomes import exports

    _cohort(clinic, recovered=2, not_recovered=1)
    service_outcomes_refresh()
    html = exports.service_html(_board())
    assert "suppressed (fewer than 5" in html
    assert "2 of 3" not in html


def test_the_pdf_chart_leaves_out_months_under_the_minimum(clinic: Clinic) -> None:
    from outcomes import exports

    _cohort(clinic, recovered=2, not_recovered=1)  # one month, 3 at caseness
    service_outcomes_refresh()
    board = _board()
    assert [row.at_caseness for row in board.months] == [3]
    page_chart = render_svg(board.trend_chart)
    html = exports.service_html(board)
    assert "one month, 66.7 %" in page_chart  # the page, inside the service, draws it
    assert "one month" not in html and "66.7" not in html
    assert "no finished courses at caseness in this period" in html


def test_the_pdf_is_a_pdf(client: Client, clinic: Clinic) -> None:
    pytest.importorskip("weasyprint")
    signed_in(client, clinic.supervisor)
    response = client.get(reverse("outcomes:service-pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_dashboard_costs_the_same_queries_for_1_and_50_courses(
    client: Client, clinic: Clinic, django_assert_max_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, clinic.supervisor)
    counts = []
    for many in (1, 49):
        _cohort(clinic, recovered=many, not_recovered=0)
        service_outcomes_refresh()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_refresh_records_each_courses_structure(clinic: Clinic) -> None:
    from ipt.choices import Phase
    from ipt.tests.factories import course_in_phase

    kept = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    service_outcomes_refresh()
    row = CourseOutcome.objects.get(course=kept)
    # Built with an agreed formulation and contract and one problem area, and no
    # inventory: those kept, the inventory not (it is due by session 4, now held).
    assert row.kept_formulation is True and row.kept_contract is True
    assert row.kept_areas is True
    assert row.kept_inventory is False
    assert row.kept_relapse_plan is None  # not yet due in the middle phase
    board = _board()
    shares = dict(board.overall.fidelity)
    assert shares["contract"].text.startswith("1 of 1")
    assert shares["inventory"].text.startswith("0 of 1")
    (clinician,) = board.by_clinician
    assert dict(clinician.fidelity)["inventory"].count == 0


def test_follow_ups_are_counted_once_their_window_has_closed(clinic: Clinic) -> None:
    from outcomes.tests.service_factories import score

    ended = timezone.localdate() - timedelta(days=120)
    returned = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, ended_on=ended
    )
    score(returned.patient, "phq9", 4, ended + timedelta(days=31))
    service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, ended_on=ended
    )
    service_outcomes_refresh()
    follow = dict(_board().flow.follow_ups)
    assert (follow[1].count, follow[1].denominator) == (1, 2)
    assert follow[6].denominator == 0  # six months not yet reached


@pytest.mark.parametrize("who", ["administrator", "lead"])
def test_the_lead_and_the_administrator_find_the_dashboard_in_their_navigation(
    client: Client, clinic: Clinic, who: str
) -> None:
    staff = lead() if who == "lead" else clinic.administrator
    signed_in(client, staff)  # type: ignore[arg-type]
    page = client.get(URL).content.decode()
    assert f'<a href="{URL}">Service outcomes</a>' in page


def _referred(clinic: Clinic, course: object, days_before_first_session: int) -> None:
    """A referral behind ``course``, made that many days before its first session."""
    import datetime

    from ipt.choices import Attendance
    from referrals.tests.factories import ReferralFactory

    first = (
        course.sessions.filter(attendance=Attendance.ATTENDED)  # type: ignore[attr-defined]
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    made = first - timedelta(days=days_before_first_session)
    ReferralFactory(
        site=clinic.site_a,
        team=clinic.team_a,
        course=course,
        created_at=timezone.make_aware(
            datetime.datetime.combine(made, datetime.time(10))
        ),
    )


def test_waits_at_and_beside_the_6_and_18_week_standards(clinic: Clinic) -> None:
    # 42 days is six weeks (within), 43 is not; 126 is eighteen weeks, 127 is not.
    for days in (42, 43, 126, 127):
        course = service_course(
            clinician=clinic.therapist_on_team, team=clinic.team_a, ended_on=_ended()
        )
        _referred(clinic, course, days)
    # A course that came without a referral has no waiting time.
    service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, ended_on=_ended()
    )
    service_outcomes_refresh()
    flow = _board().flow
    assert flow.started == 5 and flow.waited == 4
    assert (flow.within_6_weeks.count, flow.within_6_weeks.denominator) == (1, 4)
    assert (flow.within_18_weeks.count, flow.within_18_weeks.denominator) == (3, 4)
    assert flow.within_6_weeks.text == "1 of 4 (95 % CI 5 %–70 %)"


def test_referrals_received_and_assessed_in_the_period(clinic: Clinic) -> None:
    from referrals.choices import Status
    from referrals.tests.factories import ReferralFactory

    now = timezone.now()
    made = {"site": clinic.site_a, "team": clinic.team_a}
    ReferralFactory(  # assessed: accepted, on the waiting list
        **made, status=Status.WAITING, accepted_at=now, patient=clinic.patient
    )
    ReferralFactory(  # assessed: spoken to, then referred on
        **made, status=Status.REFERRED_ELSEWHERE, first_contact_at=now
    )
    ReferralFactory(**made, status=Status.DECLINED)  # never reached: not assessed
    ReferralFactory(**made)  # new: not yet assessed
    ReferralFactory(**made, created_at=now - timedelta(days=400))  # before the period
    ReferralFactory(  # another team's
        site=clinic.site_b, team=clinic.team_b, accepted_at=now
    )
    team_a = ServiceScope(whole_service=False, team_ids=frozenset({clinic.team_a.pk}))
    flow = _board(team_a).flow
    assert (flow.referrals, flow.assessed) == (4, 2)
    whole = _board().flow
    assert (whole.referrals, whole.assessed) == (5, 3)
