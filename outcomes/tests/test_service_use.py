"""Use outcome terms on the service dashboard: hand-built cohorts counted through the
refresh job's stored per-course terms, at and beside the small-number and suppression
thresholds, an empty group, and a page whose query count does not grow."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import ServiceScope
from conftest import Clinic, signed_in
from ipt.models import Course
from outcomes import dashboard
from outcomes.forms import default_period
from outcomes.models import CourseOutcome
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from recovery.models import UseReport
from recovery.tests.factories import substance

pytestmark = pytest.mark.django_db


def _board() -> dashboard.Dashboard:
    start, end = default_period(timezone.localdate())
    return dashboard.service_dashboard(
        scope=ServiceScope(whole_service=True),
        filters=dashboard.Filters(start=start, end=end),
    )


def _report(course: Course, first: date, last: date, used: int, heavy: int) -> None:
    UseReport.objects.create(
        patient=course.patient,
        course=course,
        substance=substance("alcohol"),
        source="session",
        first_day=first,
        last_day=last,
        days_used=used,
        heavy_days=heavy,
    )


def _course(
    clinic: Clinic,
    *,
    start: tuple[int, int],
    end: tuple[int, int],
    end_days: int = 28,
    ended: bool = True,
) -> Course:
    """A finished course (opened 70 days before it ended) with alcohol reported over
    the 28 days before it (``start`` = days used, heavy days) and its last
    ``end_days`` days (``end``)."""
    ended_on = timezone.localdate() - timedelta(days=20)
    course = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        ended_on=ended_on if ended else None,
    )
    opened = course.opened_on
    _report(course, opened - timedelta(days=28), opened - timedelta(days=1), *start)
    last = course.ended_on or timezone.localdate()
    _report(course, last - timedelta(days=end_days - 1), last, *end)
    return course


def _cohort(clinic: Clinic, abstinent: int, used: int) -> None:
    for _ in range(abstinent):  # 50 % → 100 % days abstinent, 7 → 0 heavy days
        _course(clinic, start=(14, 7), end=(0, 0))
    for _ in range(used):  # 0 % → 75 %, 14 → 7 heavy days
        _course(clinic, start=(28, 14), end=(7, 7))


def test_use_terms_over_ten_courses_are_percentages_and_means(
    clinic: Clinic,
) -> None:
    _cohort(clinic, abstinent=6, used=4)
    service_course(  # finished, no use data: not in any use denominator
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        ended_on=timezone.localdate() - timedelta(days=20),
    )
    _course(clinic, start=(0, 0), end=(0, 0), ended=False)  # open: not counted
    service_outcomes_refresh()
    use = _board().use
    assert use.courses == 10
    assert use.abstinent_last_28.text == "60 % (6 of 10)"
    assert use.pda_courses == 10
    assert (use.mean_pda_start, use.mean_pda_end) == (30.0, 90.0)
    assert (use.heavy_courses, use.mean_heavy_reduction) == (10, 7.0)


def test_a_course_with_unknown_last_days_is_outside_the_abstinence_denominator(
    clinic: Clinic,
) -> None:
    _cohort(clinic, abstinent=3, used=6)
    _course(clinic, start=(14, 7), end=(0, 0), end_days=10)  # 18 days unreported
    service_outcomes_refresh()
    use = _board().use
    assert use.courses == 10
    # 9 known, under the threshold of 10: a count with its Wilson interval.
    # n = 9, p = 1/3: centre 0.3832, half-width 0.2626.
    assert use.abstinent_last_28.small
    assert use.abstinent_last_28.text == "3 of 9 (95 % CI 12 %–65 %)"
    row = CourseOutcome.objects.get(use_abstinent_last_28__isnull=True)
    assert row.use_recorded is True


def test_an_empty_group_reads_no_courses(client: Client, clinic: Clinic) -> None:
    service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        ended_on=timezone.localdate() - timedelta(days=20),
    )
    service_outcomes_refresh()
    use = _board().use
    assert use.courses == 0 and use.abstinent_last_28.text == "no courses"
    assert use.mean_pda_start is None and use.mean_heavy_reduction is None
    signed_in(client, clinic.supervisor)
    html = client.get(reverse("outcomes:service")).content.decode()
    assert "Substance use outcomes" in html
    assert "0 of 1 finished course have" in html


def test_the_page_shows_each_use_figure_with_its_denominator(
    client: Client, clinic: Clinic
) -> None:
    _cohort(clinic, abstinent=2, used=1)
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    html = client.get(reverse("outcomes:service")).content.decode()
    assert "2 of 3 (95 % CI" in html
    assert "33.3 % → 91.7 % (3 courses)" in html
    assert "7.0 (3 courses)" in html


def _csv(client: Client) -> dict[str, list[str]]:
    response = client.get(reverse("outcomes:service-csv"))
    rows = csv.reader(io.StringIO(response.content.decode()))
    return {r[2]: r for r in rows if r[0] == "use"}


def test_the_csv_withholds_use_figures_under_the_minimum(
    client: Client, clinic: Clinic
) -> None:
    _cohort(clinic, abstinent=3, used=1)  # 4 courses: under 5
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    rows = _csv(client)
    assert rows["finished courses with use data"][3] == "suppressed"
    assert rows["abstinent in the last 28 days"][3] == "suppressed"
    assert rows["mean % days abstinent at start"][3] == "suppressed"
    assert rows["mean reduction in heavy-drinking days per 28"][3] == "suppressed"


def test_the_csv_shows_use_figures_at_the_minimum(
    client: Client, clinic: Clinic
) -> None:
    _cohort(clinic, abstinent=3, used=2)  # 5 courses
    service_outcomes_refresh()
    signed_in(client, clinic.supervisor)
    rows = _csv(client)
    assert rows["finished courses with use data"][3] == "5"
    # Wilson, n = 5, p = 0.6: 23.1–88.2.
    assert rows["abstinent in the last 28 days"][3:8] == [
        "3",
        "5",
        "60.0",
        "23.1",
        "88.2",
    ]
    assert rows["mean % days abstinent at start"][3:5] == ["30.0", "5"]
    assert rows["mean % days abstinent at end"][3:5] == ["90.0", "5"]
    assert rows["mean reduction in heavy-drinking days per 28"][3:5] == ["7.0", "5"]


def test_use_terms_cost_no_query_per_course(client: Client, clinic: Clinic) -> None:
    signed_in(client, clinic.supervisor)
    counts = []
    for many in (1, 49):
        _cohort(clinic, abstinent=many, used=0)
        service_outcomes_refresh()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("outcomes:service")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
