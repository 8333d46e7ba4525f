"""Test personas shared by every app (healthchecks' Alice, Bob and Charlie, for a clinic).

Site A has team A; site B has team B.
- ``therapist_on_team``: clinician on team A and primary clinician of ``patient``.
- ``therapist_off_team``: clinician on team A, not on ``patient``'s care team.
- ``therapist_other_site``: clinician on team B.
- ``supervisor``: supervisor of team A.  ``supervisor_other_team``: of team B.
- ``coordinator``: intake coordinator at site A.  ``administrator``: no clinical role.
- ``clinical_lead``: the service's aggregate figures only (no patient, no caseload).
- ``patient``: team A.  ``patient_other_site``: team B, cared for by the other therapist.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from accounts.choices import CareTeamRole, Role
from accounts.models import Site, Staff, Team
from accounts.tests.factories import SiteFactory, StaffFactory, TeamFactory
from patients.models import Patient
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@dataclass
class Clinic:
    site_a: Site
    site_b: Site
    team_a: Team
    team_b: Team
    therapist_on_team: Staff
    therapist_off_team: Staff
    therapist_other_site: Staff
    supervisor: Staff
    supervisor_other_team: Staff
    coordinator: Staff
    administrator: Staff
    clinical_lead: Staff
    patient: Patient
    patient_other_site: Patient

    def persona(self, name: str) -> Staff | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def clinic(db: None) -> Clinic:
    site_a, site_b = SiteFactory(name="Site A"), SiteFactory(name="Site B")
    team_a, team_b = TeamFactory(site=site_a), TeamFactory(site=site_b)

    def staff(username: str, role: Role, site: Site, teams: list[Team]) -> Staff:
        return StaffFactory(username=username, role=role, site=site, teams=teams)

    clinic = Clinic(
        site_a=site_a,
        site_b=site_b,
        team_a=team_a,
        team_b=team_b,
        therapist_on_team=staff("therapist_on_team", Role.CLINICIAN, site_a, [team_a]),
        therapist_off_team=staff(
            "therapist_off_team", Role.CLINICIAN, site_a, [team_a]
        ),
        therapist_other_site=staff("therapist_other", Role.CLINICIAN, site_b, [team_b]),
        supervisor=staff("supervisor", Role.SUPERVISOR, site_a, [team_a]),
        supervisor_other_team=staff("supervisor_b", Role.SUPERVISOR, site_b, [team_b]),
        coordinator=staff("coordinator", Role.INTAKE, site_a, []),
        administrator=staff("administrator", Role.ADMINISTRATOR, site_a, []),
        clinical_lead=staff("clinical_lead", Role.CLINICAL_LEAD, site_a, []),
        patient=PatientFactory(team=team_a, given_name="Canary", family_name="Zebedee"),
        patient_other_site=PatientFactory(team=team_b),
    )
    CareTeamMemberFactory(
        patient=clinic.patient,
        staff=clinic.therapist_on_team,
        role=CareTeamRole.PRIMARY,
    )
    CareTeamMemberFactory(
        patient=clinic.patient_other_site,
        staff=clinic.therapist_other_site,
        role=CareTeamRole.PRIMARY,
    )
    return clinic


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """On SQLite the audit table refuses DELETE unless a permit row exists
    (audit.0003): Django empties a test database between transactional tests with
    DELETE, so the throw-away test database gets the permit. A test of the trigger
    removes it inside its own transaction."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_erasure_permit (reason) VALUES ('test database')"
                )


# The reference lists the data migrations load (programs, legal texts, retention
# classes, the recovery lists, the fidelity checklist). A transactional test (the
# browser tests) empties every table when it ends, and pytest-django runs those tests
# last, one after another: each starts by putting the lists back, so none depends on
# the order the workers happen to run them in.
_REFERENCE_DATA = [
    ("disclosures.migrations.0002_fill_legal_texts", "fill"),
    ("disclosures.migrations.0006_fill_retention_classes", "fill"),
    ("recovery.migrations.0002_starting_lists", "forwards"),
    ("supervision.migrations.0003_ipt_adherence_checklist", "load"),
]


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker is not None and bool(marker.kwargs.get("transaction"))
    ) or bool({"transactional_db", "live_server"} & set(request.fixturenames))
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps
    from django.db import connection

    from ipt.defaults import programs_ensure

    programs_ensure()
    with connection.schema_editor(atomic=False) as editor:
        for module, function in _REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(apps, editor)


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time() -> None:
    """On SQLite the test database is in memory, and Django's live server hands the
    test's one connection to every request thread. Two requests at once on it — a page
    and the alert count its htmx loads — once left a CI run waiting forever inside
    SQLite. So on SQLite the browser tests' server answers one request at a time and
    closes each connection after its answer (not keep-alive: a kept connection would
    hold the only thread). PostgreSQL gives every thread its own connection."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        return

    class OneRequestAtATime(WSGIServer):
        def __init__(
            self, *args: Any, connections_override: Any = None, **kwargs: Any
        ) -> None:
            # The serving thread itself already uses the test's connections.
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = OneRequestAtATime  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate limits count in the ``counters`` cache, and pages are kept in the default
    one: each test starts with none counted against its address (the test client's is
    always 127.0.0.1) and nothing kept."""
    from django.core.cache import caches

    for kept in caches.all():
        kept.clear()


@pytest.fixture
def shared_cache(settings: Any) -> Iterator[None]:
    """Redis as the shared cache, really started, under a key prefix of this test's
    own; what a deployment with ``REDIS_URL`` keeps there (decisions/0062). Skipped
    with a reason when Redis cannot be reached, except under CI=true."""
    import uuid

    import redis

    url = os.environ.get("IPTCARE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis at {url} is not reachable")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    # Sessions through Redis too, with the engine a deployment with Redis uses.
    settings.SESSION_ENGINE = "iptcare.lib.sessions"
    yield
    # Only this test's keys: other workers' tests share the database.
    server = redis.Redis.from_url(url)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def signed_in(client: Client, staff: Staff | None) -> Client:
    if staff is not None:
        client.force_login(staff)
    return client


@pytest.fixture
def as_therapist(client: Client, clinic: Clinic) -> Client:
    return signed_in(client, clinic.therapist_on_team)


CHROMIUM = os.environ.get("IPTCARE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not
    used: clinics' build machines are often offline)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made
    # by the test itself between page actions are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium: Browser) -> Iterator[Page]:
    """A phone-sized page (iPhone SE: 375×667, touch)."""
    context = chromium.new_context(
        viewport={"width": 375, "height": 667}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    yield page
    context.close()
