"""The course, its sessions and consents through the API (PractitionerRole,
Appointment, Encounter, EpisodeOfCare, CarePlan, Goal, Consent): the client's team,
scopes, the Part 2 gate, searches, bad input, the audit and the cost of a page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from audit.models import AuditEvent
from conftest import Clinic
from disclosures import rules
from disclosures.choices import ConsentKind, ContentKind, RecipientKind
from disclosures.models import Disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from interop.models import ApiClient
from interop.tests.conftest import Api, make_client
from ipt.models import GoalRating
from ipt.tests.factories import CourseFactory, GoalFactory, attended_sessions
from patients.models import Patient
from patients.tests.factories import PatientFactory
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db

PATIENT_TYPES = ["Appointment", "Encounter", "EpisodeOfCare", "CarePlan", "Goal"]


def outcome(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["diagnostics"])


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    Bundle.model_validate(response.json())
    return [entry["resource"]["id"] for entry in response.json().get("entry", [])]


def records(patient: Patient, clinician: Any) -> dict[str, str]:
    """One record of each patient type for the patient; the resource id of each."""
    course = CourseFactory(patient=patient, clinician=clinician)
    (session,) = attended_sessions(course, 1)
    goal = GoalFactory(course=course)
    GoalRating.objects.create(
        goal=goal, level=0, rated_on=timezone.localdate(), rated_by=clinician
    )
    appointment = booked(patient, clinician, course=course)
    return {
        "Appointment": str(appointment.attendees.get().public_id),
        "Encounter": str(session.public_id),
        "EpisodeOfCare": str(course.public_id),
        "CarePlan": str(course.public_id),
        "Goal": str(goal.public_id),
    }


def with_recipient(client: ApiClient, **fields: Any) -> ApiClient:
    client.recipient = RecipientFactory(**fields)
    client.save()
    return client


# --- the client's team and scopes -------------------------------------------------------
def test_each_new_route_keeps_to_the_clients_team(
    api: Api, api_for: Callable[..., Api], other_site_client: Any, clinic: Clinic
) -> None:
    mine = records(clinic.patient, clinic.therapist_on_team)
    theirs = records(clinic.patient_other_site, clinic.therapist_other_site)
    other = api_for(other_site_client)
    for name in PATIENT_TYPES:
        own, foreign = mine[name], theirs[name]
        assert api.get(f"/fhir/{name}/{own}").status_code == 200, name
        outcome(api.get(f"/fhir/{name}/{foreign}"), 404)
        outcome(other.get(f"/fhir/{name}/{own}"), 404)
        assert other.get(f"/fhir/{name}/{foreign}").status_code == 200, name
        assert ids(api.get(f"/fhir/{name}")) == [own], name
        assert ids(other.get(f"/fhir/{name}")) == [foreign], name


def test_practitioner_roles_are_those_of_the_clients_site(
    api: Api, api_for: Callable[..., Api], other_site_client: Any, clinic: Clinic
) -> None:
    own = f"{clinic.therapist_on_team.public_id}.team-{clinic.team_a.pk}"
    foreign = f"{clinic.therapist_other_site.public_id}.team-{clinic.team_b.pk}"
    assert api.get(f"/fhir/PractitionerRole/{own}").status_code == 200
    outcome(api.get(f"/fhir/PractitionerRole/{foreign}"), 404)
    outcome(
        api.get(
            f"/fhir/PractitionerRole/{clinic.therapist_on_team.public_id}.team-999"
        ),
        404,
    )
    found = ids(
        api.get(
            "/fhir/PractitionerRole",
            {"practitioner": f"Practitioner/{clinic.therapist_on_team.public_id}"},
        )
    )
    assert found == [own]
    assert foreign not in ids(api.get("/fhir/PractitionerRole"))
    assert own not in ids(api_for(other_site_client).get("/fhir/PractitionerRole"))


@pytest.mark.parametrize("name", [*PATIENT_TYPES, "Consent", "PractitionerRole"])
def test_a_new_type_outside_the_tokens_scopes_is_403(
    api_for: Callable[..., Api], clinic: Clinic, name: str
) -> None:
    registry = make_client(team=clinic.team_a, scopes="system/Patient.read")
    outcome(api_for(registry).get(f"/fhir/{name}"), 403)


# --- Part 2 -----------------------------------------------------------------------------
def test_a_part2_course_does_not_leave_without_a_consent(
    api: Api, api_for: Callable[..., Api], client: Client, clinic: Clinic
) -> None:
    """A Part 2 patient's course, sessions, appointments and goals do not exist for a
    client without a consent naming its recipient; the care team still reads them."""
    made = records(clinic.patient, clinic.therapist_on_team)
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    consented_elsewhere = with_recipient(make_client(team=clinic.team_a, name="gp"))
    ConsentFactory(
        patient=clinic.patient,
        scopes=[ContentKind.COURSE_SUMMARY, ContentKind.ATTENDANCE],
        recipients=[RecipientFactory()],  # another recipient
    )
    for reader in [api, api_for(consented_elsewhere)]:
        for name in PATIENT_TYPES:
            outcome(reader.get(f"/fhir/{name}/{made[name]}"), 404)
            assert ids(reader.get(f"/fhir/{name}")) == [], name
    client.force_login(clinic.therapist_on_team)
    for name in PATIENT_TYPES:
        assert client.get(f"/fhir/{name}/{made[name]}").status_code == 200, name


def test_a_part2_consent_lets_attendance_go_and_keeps_the_course_summary(
    api_for: Callable[..., Api], clinic: Clinic
) -> None:
    made = records(clinic.patient, clinic.therapist_on_team)
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    registry = with_recipient(make_client(team=clinic.team_a))
    ConsentFactory(
        patient=clinic.patient,
        scopes=[ContentKind.ATTENDANCE],
        recipients=[registry.recipient],
    )
    api = api_for(registry)
    for name in ["Appointment", "Encounter"]:
        response = api.get(f"/fhir/{name}/{made[name]}")
        assert response.status_code == 200, name
        assert response.json()["meta"]["security"] == [rules.PART2_SECURITY_LABEL]
    for name in ["EpisodeOfCare", "CarePlan", "Goal"]:
        outcome(api.get(f"/fhir/{name}/{made[name]}"), 404)
    assert (
        Disclosure.objects.filter(
            patient=clinic.patient, recipient=registry.recipient
        ).count()
        == 2
    )


# --- Consent ----------------------------------------------------------------------------
def test_a_client_sees_only_the_consents_that_name_its_recipient(
    api: Api, api_for: Callable[..., Api], client: Client, clinic: Clinic
) -> None:
    registry = with_recipient(make_client(team=clinic.team_a))
    named = ConsentFactory(patient=clinic.patient, recipients=[registry.recipient])
    other = ConsentFactory(patient=clinic.patient, recipients=[RecipientFactory()])
    reader = api_for(registry)
    assert ids(reader.get("/fhir/Consent")) == [str(named.public_id)]
    outcome(reader.get(f"/fhir/Consent/{other.public_id}"), 404)
    # a client with no recipient is named by no consent
    assert ids(api.get("/fhir/Consent")) == []
    outcome(api.get(f"/fhir/Consent/{named.public_id}"), 404)
    # the care team sees both
    client.force_login(clinic.therapist_on_team)
    assert client.get(f"/fhir/Consent/{other.public_id}").status_code == 200


def test_a_tpo_consent_names_every_treating_provider(
    api_for: Callable[..., Api], clinic: Clinic
) -> None:
    tpo = ConsentFactory(patient=clinic.patient, kind=ConsentKind.TPO)
    provider = with_recipient(make_client(team=clinic.team_a, name="gp"))
    employer = with_recipient(
        make_client(team=clinic.team_a, name="hr"), kind=RecipientKind.EMPLOYER
    )
    assert ids(api_for(provider).get("/fhir/Consent")) == [str(tpo.public_id)]
    assert ids(api_for(employer).get("/fhir/Consent")) == []


def test_a_part2_patients_consent_goes_only_if_it_covers_identity(
    api_for: Callable[..., Api], clinic: Clinic
) -> None:
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    registry = with_recipient(make_client(team=clinic.team_a))
    scores_only = ConsentFactory(
        patient=clinic.patient,
        scopes=[ContentKind.SCORES],
        recipients=[registry.recipient],
    )
    api = api_for(registry)
    outcome(api.get(f"/fhir/Consent/{scores_only.public_id}"), 404)
    identity = ConsentFactory(
        patient=clinic.patient,
        scopes=[ContentKind.DEMOGRAPHICS],
        recipients=[registry.recipient],
    )
    response = api.get(f"/fhir/Consent/{identity.public_id}")
    assert response.status_code == 200
    assert response.json()["meta"]["security"] == [rules.PART2_SECURITY_LABEL]


# --- searches and bad input -----------------------------------------------------------
def test_searches_by_patient_find_that_patients_records(
    api: Api, clinic: Clinic
) -> None:
    mine = records(clinic.patient, clinic.therapist_on_team)
    records(PatientFactory(team=clinic.team_a), clinic.therapist_on_team)
    for name in PATIENT_TYPES:
        found = ids(
            api.get(f"/fhir/{name}", {"patient": str(clinic.patient.public_id)})
        )
        assert found == [mine[name]], name


def test_encounters_by_course_and_day_held(api: Api, clinic: Clinic) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    first, second = attended_sessions(course, 2)
    assert ids(
        api.get(
            "/fhir/Encounter", {"episode-of-care": f"EpisodeOfCare/{course.public_id}"}
        )
    ) == sorted([str(first.public_id), str(second.public_id)])
    assert ids(
        api.get("/fhir/Encounter", {"date": f"gt{first.held_on.isoformat()}"})
    ) == [str(second.public_id)]
    assert ids(api.get("/fhir/Encounter", {"date": first.held_on.isoformat()})) == [
        str(first.public_id)
    ]


def test_appointments_by_date(api: Api, clinic: Clinic) -> None:
    soon = booked(clinic.patient, clinic.therapist_on_team)
    later = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=timezone.now() + datetime.timedelta(days=30),
    )
    cut = (timezone.now() + datetime.timedelta(days=10)).date().isoformat()
    assert ids(api.get("/fhir/Appointment", {"date": f"ge{cut}"})) == [
        str(later.attendees.get().public_id)
    ]
    assert ids(api.get("/fhir/Appointment", {"date": f"lt{cut}"})) == [
        str(soon.attendees.get().public_id)
    ]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        *[(f"/fhir/{name}", {"patient": "Patient/12"}) for name in PATIENT_TYPES],
        ("/fhir/Consent", {"patient": "nobody"}),
        ("/fhir/Encounter", {"date": "last week"}),
        ("/fhir/Encounter", {"episode-of-care": "12"}),
        ("/fhir/Appointment", {"date": "ge2026-01-01T10:00:00"}),
        ("/fhir/PractitionerRole", {"practitioner": "x"}),
        ("/fhir/Goal", {"_cursor": "not-a-cursor"}),
        ("/fhir/CarePlan", {"status": "active"}),
    ],
)
def test_bad_search_input_on_a_new_type_is_400(
    api: Api, clinic: Clinic, path: str, params: dict[str, str]
) -> None:
    before = AuditEvent.objects.count()
    outcome(api.get(path, params), 400)
    assert AuditEvent.objects.count() == before


# --- audit and the cost of a page -------------------------------------------------------
def test_each_read_is_audited_naming_the_client(
    api: Api, team_client: Any, clinic: Clinic
) -> None:
    made = records(clinic.patient, clinic.therapist_on_team)
    for name in PATIENT_TYPES:
        before = AuditEvent.objects.count()
        assert api.get(f"/fhir/{name}/{made[name]}").status_code == 200
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1, name
        assert event is not None and event.patient == clinic.patient
        assert event.actor_label == team_client.label
        assert f"type={name}" in event.detail


@pytest.mark.parametrize("name", [*PATIENT_TYPES, "Consent"])
def test_a_page_costs_the_same_queries_for_1_and_8_patients(
    api_for: Callable[..., Api], clinic: Clinic, name: str
) -> None:
    registry = with_recipient(make_client(team=clinic.team_a))
    api = api_for(registry)

    def page_after(patients: int) -> int:
        for _ in range(patients):
            patient = PatientFactory(team=clinic.team_a)
            records(patient, clinic.therapist_on_team)
            ConsentFactory(patient=patient, recipients=[registry.recipient])
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/fhir/{name}", {"_count": "100"}).status_code == 200
        return len(queries)

    assert page_after(1) == page_after(7)
