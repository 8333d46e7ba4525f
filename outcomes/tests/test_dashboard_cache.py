"""The service dashboard's course figures, kept in the shared cache (Redis, really
started) until the refresh job has recomputed the rows they come from; referrals
counted live (decisions/0062)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.access import ServiceScope
from conftest import Clinic, signed_in
from outcomes import dashboard
from outcomes.forms import default_period
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from outcomes.tests.test_service_dashboard import URL, _cohort

pytestmark = pytest.mark.django_db


def _board(
    scope: ServiceScope | None = None, **filters: Any
) -> tuple[dashboard.Dashboard, int]:
    """The dashboard, and how many queries it made of the per-course rows."""
    start, end = default_period(timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        board = dashboard.service_dashboard(
            scope=scope or ServiceScope(whole_service=True),
            filters=dashboard.Filters(start=start, end=end, **filters),
        )
    return board, sum("outcomes_courseoutcome" in q["sql"] for q in queries)


def _refresh(capture: Any) -> None:
    with capture(execute=True):  # the job's writes commit: the generation moves
        service_outcomes_refresh()


def _two_teams(clinic: Clinic, capture: Any) -> None:
    """Three recovered courses in team A, one in team B (the other site), refreshed."""
    _cohort(clinic, recovered=3, not_recovered=0)
    service_course(
        clinician=clinic.therapist_other_site,
        team=clinic.team_b,
        phq9=(15, 5),
        ended_on=timezone.localdate() - timedelta(days=20),
    )
    _refresh(capture)


def test_the_figures_come_from_the_cache_until_the_refresh_runs(
    shared_cache: None, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    _cohort(clinic, recovered=6, not_recovered=4)
    _refresh(django_capture_on_commit_callbacks)
    first, first_queries = _board()
    again, again_queries = _board()
    assert first_queries > 0 and again_queries == 0
    assert again.overall == first.overall
    assert first.overall.recovery.text == again.overall.recovery.text


def test_a_refresh_shows_its_new_figures_at_once(
    shared_cache: None, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    _cohort(clinic, recovered=6, not_recovered=4)
    _refresh(django_capture_on_commit_callbacks)
    before, _ = _board()
    assert (before.overall.at_caseness, before.flow.finished) == (10, 10)
    _cohort(clinic, recovered=2, not_recovered=0)  # two more finished, recovered
    stale, queries = _board()
    assert queries == 0 and stale.overall.at_caseness == 10  # not refreshed yet
    _refresh(django_capture_on_commit_callbacks)
    after, queries = _board()
    assert queries > 0
    assert (after.overall.at_caseness, after.flow.finished) == (12, 12)
    # and just as if nothing had been kept
    assert (
        after.overall
        == dashboard._course_figures(
            ServiceScope(whole_service=True), after.filters
        ).overall
    )


def test_referrals_are_counted_live(
    shared_cache: None, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    from referrals.tests.factories import ReferralFactory

    _refresh(django_capture_on_commit_callbacks)
    assert _board()[0].flow.referrals == 0
    ReferralFactory(site=clinic.site_a, team=clinic.team_a)
    board, queries = _board()
    assert queries == 0  # the course figures were kept …
    assert board.flow.referrals == 1  # … the referral shows at once


def test_each_scope_and_question_has_its_own_figures(
    shared_cache: None, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    _two_teams(clinic, django_capture_on_commit_callbacks)
    whole, _ = _board()
    team_a, _ = _board(
        ServiceScope(whole_service=False, team_ids=frozenset({clinic.team_a.pk}))
    )
    team_b, _ = _board(
        ServiceScope(whole_service=False, team_ids=frozenset({clinic.team_b.pk}))
    )
    site_b, _ = _board(site=clinic.site_b)
    assert [b.overall.at_caseness for b in (whole, team_a, team_b, site_b)] == [
        4,
        3,
        1,
        1,
    ]


def test_a_supervisor_never_sees_the_whole_services_kept_figures(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A name no other persona can share by chance (the factories draw common ones).
    clinic.therapist_on_team.last_name = "Quillfeather"
    clinic.therapist_on_team.save(update_fields=["last_name"])
    _two_teams(clinic, django_capture_on_commit_callbacks)
    lead_page = signed_in(client, clinic.clinical_lead).get(URL)
    assert lead_page.status_code == 200
    supervisor_page = signed_in(client, clinic.supervisor_other_team).get(URL)
    assert supervisor_page.status_code == 200
    lead_text, supervisor_text = (
        lead_page.content.decode(),
        supervisor_page.content.decode(),
    )
    assert "4 of 4 finished courses" in lead_text
    assert "1 of 1 finished course " in supervisor_text
    assert clinic.therapist_on_team.last_name not in supervisor_text


def test_without_a_shared_cache_every_request_computes(clinic: Clinic) -> None:
    _cohort(clinic, recovered=1, not_recovered=0)
    service_outcomes_refresh()
    assert _board()[1] > 0
    assert _board()[1] > 0


def test_figures_kept_by_an_earlier_release_are_not_read(
    shared_cache: None,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _cohort(clinic, recovered=1, not_recovered=0)
    _refresh(django_capture_on_commit_callbacks)
    assert _board()[1] > 0 and _board()[1] == 0
    # a release adds a field to what is kept: its key is a new one
    monkeypatch.setattr(dashboard, "_kept_shape", lambda: "a later shape")
    assert _board()[1] > 0


def test_the_page_shows_a_refresh_and_a_new_referral_at_once(
    shared_cache: None,
    client: Client,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from referrals.tests.factories import ReferralFactory

    _cohort(clinic, recovered=3, not_recovered=0)
    _refresh(django_capture_on_commit_callbacks)
    signed_in(client, clinic.clinical_lead)

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        kept = sum("outcomes_courseoutcome" in q["sql"] for q in queries)
        return response.content.decode(), kept

    def referrals(text: str) -> str:
        row = text.split('href="#def-referrals">Referrals received</a></th><td>')[1]
        return row.split("<")[0]

    first, _ = page()
    assert "3 of 3 finished courses" in first and referrals(first) == "0"
    again, kept_queries = page()

    def figures(text: str) -> str:  # the page less its per-request tokens
        return text.split('id="flow-heading"')[1].split("</main>")[0]

    assert figures(again) == figures(first)  # the same figures, from the cache
    assert kept_queries == 0
    ReferralFactory(site=clinic.site_a, team=clinic.team_a)
    with_referral, _ = page()
    assert referrals(with_referral) == "1"  # live, at once
    _cohort(clinic, recovered=1, not_recovered=0)
    assert "3 of 3 finished courses" in page()[0]  # until the job runs …
    _refresh(django_capture_on_commit_callbacks)
    assert "4 of 4 finished courses" in page()[0]  # … then at once
