"""Date searches at every precision and prefix, to the edges of the calendar: each
either searches correctly or answers 400 with an OperationOutcome, never a 500."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from audit.models import AuditEvent
from conftest import Clinic
from interop.tests.conftest import Api
from interop.tests.test_api import ids, outcome
from measures.tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
PREFIXES = ["", "eq", "ge", "le", "gt", "lt"]
DAYS = [
    "0001",
    "0001-01",
    "0001-01-01",
    "0001-01-02",
    "2026-03-05",
    "9998-12-31",
    "9999",
    "9999-12",
    "9999-12-31",
]
INSTANTS = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00+14:00",
    "0001-01-01T13:59:59.999999+14:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59.999999-14:00",
    "9999-12-31T10:00-14:00",
    "2026-03-05T10:00:30.5+05:30",
]
MALFORMED = [
    "0000",
    "0000-12-31",
    "10000-01-01",
    "9999-12-32",
    "2026-02-29",
    "2026-13",
    "2026-1-05",
    "2026-03-05T10:00:00",  # no zone
    "2026-03-05T24:00:00Z",
    "2026-03-05T10:00:60Z",
    "2026-03-05T10:00+14:01",
    "2026-03-05T10:00:00.1234567Z",
    "２０２６-03-05",  # other scripts' digits
    "ne2026-03-05",
    "",
]
INSTANT_TYPES = ["Observation", "Appointment"]


@pytest.mark.parametrize("name", [*INSTANT_TYPES, "Encounter"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_day_month_or_year_at_any_edge_is_searched(
    api: Api, clinic: Clinic, name: str, prefix: str
) -> None:
    for value in DAYS:
        ids(api.get(f"/fhir/{name}", {"date": f"{prefix}{value}"}))


@pytest.mark.parametrize("name", INSTANT_TYPES)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_an_instant_at_any_edge_is_searched(
    api: Api, clinic: Clinic, name: str, prefix: str
) -> None:
    for value in INSTANTS:
        ids(api.get(f"/fhir/{name}", {"date": f"{prefix}{value}"}))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_an_instant_for_the_day_a_session_was_held_is_400(
    api: Api, clinic: Clinic, prefix: str
) -> None:
    for value in INSTANTS:
        outcome(api.get("/fhir/Encounter", {"date": f"{prefix}{value}"}), 400)


@pytest.mark.parametrize("name", [*INSTANT_TYPES, "Encounter"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_malformed_date_is_400_and_reads_nothing(
    api: Api, clinic: Clinic, name: str, prefix: str
) -> None:
    before = AuditEvent.objects.count()
    for value in MALFORMED:
        outcome(api.get(f"/fhir/{name}", {"date": f"{prefix}{value}"}), 400)
    assert AuditEvent.objects.count() == before


@pytest.fixture
def scores(clinic: Clinic) -> dict[str, str]:
    """Scores on the first and last days a datetime holds, and one in between."""
    at = {
        "first": datetime.datetime(1, 1, 1, 12, tzinfo=UTC),
        "middle": datetime.datetime(2026, 3, 5, 10, 0, 30, tzinfo=UTC),
        "last": datetime.datetime(9999, 12, 31, 12, tzinfo=UTC),
    }
    return {
        name: str(
            AdministrationFactory(
                patient=clinic.patient,
                instrument_id="phq9",
                answers=[1] * 9,
                administered_at=moment,
            ).public_id
        )
        for name, moment in at.items()
    }


EVERY = ["first", "middle", "last"]


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("9999-12-31", ["last"]),
        ("eq9999-12-31", ["last"]),
        ("ge9999-12-31", ["last"]),
        ("gt9999-12-31", []),
        ("le9999-12-31", EVERY),
        ("lt9999-12-31", ["first", "middle"]),
        ("9999", ["last"]),
        ("gt9998-12-31", ["last"]),
        ("0001-01-01", ["first"]),
        ("lt0001-01-01", []),
        ("le0001-01-01", ["first"]),
        ("gt0001-01-01", ["middle", "last"]),
        ("0001", ["first"]),
        ("2026-03", ["middle"]),
        ("2026-03-05T10:00Z", ["middle"]),
        ("2026-03-05T10:00:30Z", ["middle"]),
        ("2026-03-05T10:00:31Z", []),
        ("gt2026-03-05T10:00:30Z", ["last"]),
        ("le2026-03-05T10:00:30Z", ["first", "middle"]),
        ("2026-03-05T11:00+01:00", ["middle"]),
        # past 9999 once in UTC: no instant there; all are before it
        ("9999-12-31T23:00-05:00", []),
        ("ge9999-12-31T23:00-05:00", []),
        ("lt9999-12-31T23:00-05:00", EVERY),
        # before 0001 once in UTC: all are after it
        ("0001-01-01T00:00+14:00", []),
        ("lt0001-01-01T00:00+14:00", []),
        ("gt0001-01-01T00:00+14:00", EVERY),
    ],
)
def test_edges_of_the_calendar_find_the_right_scores(
    api: Api, scores: dict[str, str], value: str, found: list[str]
) -> None:
    assert sorted(ids(api.get("/fhir/Observation", {"date": value}))) == sorted(
        scores[name] for name in found
    )


def test_the_probe_requests_are_400_or_a_bundle(api: Api, clinic: Clinic) -> None:
    responses: list[Any] = [
        api.get(f"/fhir/{name}?date={prefix}9999-12-31")
        for name in ("Observation", "Appointment")
        for prefix in PREFIXES
    ]
    for response in responses:
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/fhir+json")
        assert response.json()["resourceType"] == "Bundle"
