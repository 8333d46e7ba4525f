"""The FHIR API as another system uses it: tokens, scopes, the site or team a client
is bound to, searches with keyset paging, bad input, and the audit trail."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from accounts.tests.factories import TeamFactory
from audit.models import AuditEvent
from conftest import Clinic
from disclosures import rules
from disclosures.choices import Channel, ContentKind
from disclosures.models import Disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from interop import codes
from interop.tests.conftest import SECRET, Api, make_client, token_for
from measures.tests.factories import AdministrationFactory
from patients.tests.factories import DiagnosisFactory, PatientFactory

pytestmark = pytest.mark.django_db


def outcome(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["diagnostics"])


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    Bundle.model_validate(response.json())
    return [entry["resource"]["id"] for entry in response.json().get("entry", [])]


# --- metadata and authentication -----------------------------------------------------
def test_capability_statement_is_valid_and_names_the_token_endpoint(
    client: Client,
) -> None:
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    oauth = statement["rest"][0]["security"]["extension"][0]["extension"][0]
    assert oauth["valueUri"].endswith("/fhir/auth/token")
    assert {r["type"] for r in statement["rest"][0]["resource"]} >= {
        "Patient",
        "Observation",
    }


def test_without_credentials_the_api_answers_401(
    client: Client, clinic: Clinic
) -> None:
    response = client.get(f"/fhir/Patient/{clinic.patient.public_id}")
    outcome(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_expired_token_is_401(
    client: Client, team_client: Any, clinic: Clinic
) -> None:
    outcome(Api(client, "not-a-token").get("/fhir/Patient"), 401)
    token = token_for(team_client)
    team_client.application.accesstoken_set.update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    outcome(Api(client, token).get("/fhir/Patient"), 401)


def test_client_credentials_grant_a_token_with_only_the_allowed_scopes(
    client: Client, clinic: Clinic
) -> None:
    # given a client allowed to read patients only
    registry = make_client(team=clinic.team_a, scopes="system/Patient.read")
    basic = base64.b64encode(
        f"{registry.application.client_id}:{SECRET}".encode()
    ).decode()
    # when it asks for more than it may have
    response = client.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "scope": "system/Patient.read system/Observation.read",
        },
        headers={"Authorization": f"Basic {basic}"},
    )
    # then it is refused; asking for what it may have works
    assert response.status_code == 400
    response = client.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials", "scope": "system/Patient.read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    api = Api(client, token)
    assert ids(api.get("/fhir/Patient")) == [str(clinic.patient.public_id)]
    outcome(api.get("/fhir/Observation"), 403)


def test_a_wrong_secret_gets_no_token(client: Client, team_client: Any) -> None:
    basic = base64.b64encode(
        f"{team_client.application.client_id}:wrong".encode()
    ).decode()
    response = client.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 401


# --- scopes and the client's site or team --------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/fhir/Observation",
        "/fhir/QuestionnaireResponse",
        "/fhir/Condition",
        "/fhir/Practitioner",
    ],
)
def test_a_type_outside_the_tokens_scopes_is_403(
    api_for: Callable[..., Api], clinic: Clinic, path: str
) -> None:
    registry = make_client(team=clinic.team_a, scopes="system/Patient.read")
    outcome(api_for(registry).get(path), 403)


def test_each_route_keeps_to_the_clients_team(
    api: Api, api_for: Callable[..., Api], other_site_client: Any, clinic: Clinic
) -> None:
    """Every read route: the patient of team A is there for team A's client and does
    not exist for site B's client, which sees its own patient instead."""
    mine = AdministrationFactory(patient=clinic.patient)
    theirs = AdministrationFactory(patient=clinic.patient_other_site)
    my_dx = DiagnosisFactory(patient=clinic.patient)
    their_dx = DiagnosisFactory(patient=clinic.patient_other_site)
    other = api_for(other_site_client)
    cases = [
        ("Patient", clinic.patient.public_id, clinic.patient_other_site.public_id),
        ("QuestionnaireResponse", mine.public_id, theirs.public_id),
        ("Observation", mine.public_id, theirs.public_id),
        ("Condition", my_dx.public_id, their_dx.public_id),
        ("Organization", f"team-{clinic.team_a.pk}", f"team-{clinic.team_b.pk}"),
        (
            "Practitioner",
            clinic.therapist_on_team.public_id,
            clinic.therapist_other_site.public_id,
        ),
    ]
    for name, own, foreign in cases:
        assert api.get(f"/fhir/{name}/{own}").status_code == 200, name
        outcome(api.get(f"/fhir/{name}/{foreign}"), 404)
        outcome(other.get(f"/fhir/{name}/{own}"), 404)
        assert other.get(f"/fhir/{name}/{foreign}").status_code == 200, name
        assert str(foreign) not in ids(api.get(f"/fhir/{name}")), name
        assert str(own) not in ids(other.get(f"/fhir/{name}")), name


def test_a_site_client_sees_every_team_of_its_site(
    api_for: Callable[..., Api], clinic: Clinic
) -> None:
    second = PatientFactory(team=TeamFactory(site=clinic.site_a))
    site_api = api_for(make_client(site=clinic.site_a))
    assert set(ids(site_api.get("/fhir/Patient"))) == {
        str(clinic.patient.public_id),
        str(second.public_id),
    }


def test_part2_records_do_not_leave_without_a_consent(
    api: Api, client: Client, clinic: Clinic
) -> None:
    """The patient's team is a Part 2 program: without a consent naming the client's
    recipient nothing of theirs exists for the client; the care team still reads it."""
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    AdministrationFactory(patient=clinic.patient)
    DiagnosisFactory(patient=clinic.patient)
    outcome(api.get(f"/fhir/Patient/{clinic.patient.public_id}"), 404)
    for name in ["Patient", "Observation", "QuestionnaireResponse", "Condition"]:
        assert ids(api.get(f"/fhir/{name}")) == [], name
    client.force_login(clinic.therapist_on_team)
    assert client.get(f"/fhir/Patient/{clinic.patient.public_id}").status_code == 200


def test_a_consent_lets_the_kinds_it_covers_go_labelled_and_accounted(
    api_for: Callable[..., Api], clinic: Clinic
) -> None:
    # given a Part 2 patient who consented to scores (only) going to the recipient
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    gp = RecipientFactory()
    ConsentFactory(patient=clinic.patient, scopes=[ContentKind.SCORES], recipients=[gp])
    administration = AdministrationFactory(patient=clinic.patient)
    registry = make_client(team=clinic.team_a)
    registry.recipient = gp
    registry.save()
    api = api_for(registry)
    # when
    response = api.get(f"/fhir/Observation/{administration.public_id}")
    # then the score goes, labelled and with the notice, and is accounted for
    assert response.status_code == 200
    meta = response.json()["meta"]
    assert meta["security"] == [rules.PART2_SECURITY_LABEL]
    assert (
        meta["extension"][0]["valueString"]
        == rules.notice_in_force(timezone.now()).text
    )
    disclosure = Disclosure.objects.get(patient=clinic.patient)
    assert (disclosure.recipient, disclosure.channel) == (gp, Channel.API)
    assert disclosure.disclosed_by_label == registry.label and disclosure.part2
    # and what the consent does not cover does not exist for the client
    outcome(api.get(f"/fhir/Patient/{clinic.patient.public_id}"), 404)
    assert ids(api.get("/fhir/Condition")) == []
    # another recipient's client gets nothing
    other = make_client(team=clinic.team_a, name="payer")
    other.recipient = RecipientFactory()
    other.save()
    outcome(api_for(other).get(f"/fhir/Observation/{administration.public_id}"), 404)


def test_records_that_are_not_part2_carry_no_label(api: Api, clinic: Clinic) -> None:
    administration = AdministrationFactory(patient=clinic.patient)
    body = api.get(f"/fhir/Observation/{administration.public_id}").json()
    assert "meta" not in body or "security" not in body["meta"]
    assert not Disclosure.objects.exists()


# --- staff sessions --------------------------------------------------------------------
def test_staff_read_with_their_session_under_the_care_team_rules(
    client: Client, clinic: Clinic
) -> None:
    administration = AdministrationFactory(patient=clinic.patient)
    client.force_login(clinic.therapist_off_team)
    outcome(client.get(f"/fhir/Observation/{administration.public_id}"), 404)
    client.force_login(clinic.coordinator)  # registration level: identity, no scores
    assert client.get(f"/fhir/Patient/{clinic.patient.public_id}").status_code == 200
    outcome(client.get(f"/fhir/Observation/{administration.public_id}"), 404)
    client.force_login(clinic.therapist_on_team)
    assert (
        client.get(f"/fhir/Observation/{administration.public_id}").status_code == 200
    )


def test_a_staff_session_cannot_write(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    response = client.post(
        "/fhir/QuestionnaireResponse", "{}", content_type="application/fhir+json"
    )
    outcome(response, 403)


# --- searches -------------------------------------------------------------------------
def test_patient_by_identifier(api: Api, clinic: Clinic) -> None:
    number = clinic.patient.record_number
    assert ids(api.get("/fhir/Patient", {"identifier": number})) == [
        str(clinic.patient.public_id)
    ]
    assert ids(
        api.get("/fhir/Patient", {"identifier": f"{codes.RECORD_NUMBER}|{number}"})
    ) == [str(clinic.patient.public_id)]
    assert ids(api.get("/fhir/Patient", {"identifier": f"urn:other|{number}"})) == []
    assert (
        ids(
            api.get(
                "/fhir/Patient", {"identifier": clinic.patient_other_site.record_number}
            )
        )
        == []
    )


def test_observation_by_patient_code_and_date(api: Api, clinic: Clinic) -> None:
    now = timezone.now()
    old = AdministrationFactory(
        patient=clinic.patient,
        instrument_id="phq9",
        administered_at=now - datetime.timedelta(days=40),
    )
    new = AdministrationFactory(
        patient=clinic.patient,
        instrument_id="phq9",
        administered_at=now - datetime.timedelta(days=2),
    )
    gad = AdministrationFactory(
        patient=clinic.patient,
        instrument_id="gad7",
        answers=[1] * 7,
        administered_at=now - datetime.timedelta(days=2),
    )
    patient = f"Patient/{clinic.patient.public_id}"
    found = ids(
        api.get(
            "/fhir/Observation",
            {"patient": patient, "code": "http://loinc.org|44261-6"},
        )
    )
    assert sorted(found) == sorted([str(old.public_id), str(new.public_id)])
    since = (now - datetime.timedelta(days=10)).date().isoformat()
    found = ids(
        api.get(
            "/fhir/Observation",
            {"patient": patient, "code": "44261-6", "date": f"ge{since}"},
        )
    )
    assert found == [str(new.public_id)]
    found = ids(api.get("/fhir/Observation", {"code": f"{codes.SCORE}|gad7-total"}))
    assert found == [str(gad.public_id)]
    found = ids(api.get("/fhir/Observation", {"date": f"lt{since}"}))
    assert found == [str(old.public_id)]


def test_observation_code_picks_one_subscale(api: Api, clinic: Clinic) -> None:
    administration = AdministrationFactory(
        patient=clinic.patient, instrument_id="audit", answers=[1] * 10
    )
    found = ids(api.get("/fhir/Observation", {"code": f"{codes.SCORE}|audit-harm"}))
    assert found == [f"{administration.public_id}.3"]


def test_questionnaire_response_by_patient(api: Api, clinic: Clinic) -> None:
    mine = AdministrationFactory(patient=clinic.patient)
    AdministrationFactory(patient=PatientFactory(team=clinic.team_a))
    assert ids(
        api.get(
            "/fhir/QuestionnaireResponse", {"patient": str(clinic.patient.public_id)}
        )
    ) == [str(mine.public_id)]


def test_keyset_pages_visit_every_patient_once(api: Api, clinic: Clinic) -> None:
    everyone = {str(clinic.patient.public_id)} | {
        str(PatientFactory(team=clinic.team_a).public_id) for _ in range(6)
    }
    seen: list[str] = []
    response = api.get("/fhir/Patient", {"_count": "3"})
    pages = 0
    while True:
        seen += ids(response)
        pages += 1
        links = {link["relation"]: link["url"] for link in response.json()["link"]}
        if "next" not in links:
            break
        assert "_cursor=" in links["next"] and "offset" not in links["next"]
        response = api.get(links["next"].removeprefix("http://testserver"))
    assert pages == 3
    assert sorted(seen) == sorted(everyone) and len(seen) == len(everyone)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/fhir/Patient", {"name": "Smith"}),
        ("/fhir/Patient", {"_count": "0"}),
        ("/fhir/Patient", {"_count": "many"}),
        ("/fhir/Patient", {"_count": "100000"}),
        ("/fhir/Patient", {"_cursor": "not-a-cursor"}),
        ("/fhir/Patient", {"_format": "xml"}),
        ("/fhir/Patient", {"identifier": "urn:x|"}),
        ("/fhir/Observation", {"patient": "Patient/12"}),
        ("/fhir/Observation", {"date": "yesterday"}),
        ("/fhir/Observation", {"date": "ge2026-01-01T10:00:00"}),
        ("/fhir/Observation", {"code": ""}),
        ("/fhir/QuestionnaireResponse", {"patient": "<script>"}),
    ],
)
def test_bad_search_input_is_400_with_an_operation_outcome(
    api: Api, clinic: Clinic, path: str, params: dict[str, str]
) -> None:
    before = AuditEvent.objects.count()
    outcome(api.get(path, params), 400)
    assert AuditEvent.objects.count() == before


def test_a_parameter_given_twice_is_400(api: Api) -> None:
    outcome(api.get("/fhir/Patient?identifier=a&identifier=b"), 400)


def test_only_json_is_served(api: Api, clinic: Clinic) -> None:
    outcome(
        api.get("/fhir/Patient", Accept="application/fhir+xml"),
        406,
    )


def test_an_unknown_id_is_404_never_500(api: Api) -> None:
    for path in [
        "/fhir/Patient/nope",
        "/fhir/Observation/1.2",
        "/fhir/Organization/site-x",
        "/fhir/Questionnaire/nope",
    ]:
        outcome(api.get(path), 404)


# --- audit and query counts -----------------------------------------------------------
def test_a_read_is_audited_naming_the_client(
    api: Api, team_client: Any, clinic: Clinic
) -> None:
    administration = AdministrationFactory(patient=clinic.patient)
    before = AuditEvent.objects.count()
    api.get(f"/fhir/QuestionnaireResponse/{administration.public_id}")
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.patient == clinic.patient
    assert event.actor_label == team_client.label and event.object_id == str(
        administration.public_id
    )
    assert clinic.patient.family_name not in event.detail


def _search_queries(api: Api, clinic: Clinic, patients: int) -> tuple[int, int]:
    for _ in range(patients):
        AdministrationFactory(patient=PatientFactory(team=clinic.team_a))
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/fhir/Observation", {"_count": "100"})
    assert response.status_code == 200
    return len(queries), AuditEvent.objects.count() - before


def test_a_search_page_costs_the_same_queries_for_1_and_40_patients(
    api: Api, clinic: Clinic
) -> None:
    small, small_rows = _search_queries(api, clinic, 1)
    large, large_rows = _search_queries(api, clinic, 39)
    assert (small_rows, large_rows) == (1, 40)  # one audit row per patient on the page
    assert small == large
