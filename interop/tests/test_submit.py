"""QuestionnaireResponse create for an external questionnaire app: scored by the
measures service (risk answers raise alerts as portal answers do), idempotent by
Idempotency-Key, and bad input changes nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest

from accounts.tests.factories import TeamFactory
from alerts.models import Alert
from conftest import Clinic
from interop import codes
from interop.models import IdempotentSubmission
from interop.resources.questionnaire import answer_coding
from interop.tests.conftest import ALL_READ, Api, make_client
from measures.instruments import REGISTRY
from measures.models import Administration, RiskEvent

pytestmark = pytest.mark.django_db
WRITE = f"{ALL_READ} system/QuestionnaireResponse.write"


def phq9(patient_id: object, answers: list[int | None]) -> dict[str, Any]:
    instrument = REGISTRY["phq9"]
    items = []
    for item, position in zip(instrument.items, answers, strict=True):
        entry: dict[str, Any] = {"linkId": str(item.number)}
        if position is not None:
            entry["answer"] = [
                {"valueCoding": answer_coding(item.options[position], position)}
            ]
        items.append(entry)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": codes.questionnaire_url("phq9"),
        "status": "completed",
        "subject": {"reference": f"Patient/{patient_id}"},
        "authored": "2026-11-30T09:15:00Z",
        "item": items,
    }


@pytest.fixture
def writer(api_for: Callable[..., Api], clinic: Clinic) -> Api:
    return api_for(make_client(team=clinic.team_a, scopes=WRITE, name="phone-app"))


def test_a_response_is_scored_and_stored_once_per_key(
    writer: Api, clinic: Clinic
) -> None:
    body = phq9(clinic.patient.public_id, [1, 1, 2, 2, 1, 1, 0, 1, 0])
    first = writer.post(
        "/fhir/QuestionnaireResponse", body, **{"Idempotency-Key": "k-1"}
    )
    assert first.status_code == 201, first.content
    administration = Administration.objects.get()
    assert administration.total == 9 and administration.patient == clinic.patient
    assert first["Location"].endswith(
        f"/QuestionnaireResponse/{administration.public_id}"
    )
    # a retry of the same body and key: the same answer, no second row
    again = writer.post(
        "/fhir/QuestionnaireResponse", body, **{"Idempotency-Key": "k-1"}
    )
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Administration.objects.count() == 1 == IdempotentSubmission.objects.count()


def test_the_same_key_with_another_body_is_422(writer: Api, clinic: Clinic) -> None:
    body = phq9(clinic.patient.public_id, [0] * 9)
    writer.post("/fhir/QuestionnaireResponse", body, **{"Idempotency-Key": "k-2"})
    other = copy.deepcopy(body)
    other["item"][0]["answer"][0]["valueCoding"] = answer_coding(
        REGISTRY["phq9"].items[0].options[3], 3
    )
    response = writer.post(
        "/fhir/QuestionnaireResponse", other, **{"Idempotency-Key": "k-2"}
    )
    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"
    assert Administration.objects.count() == 1


def test_a_missing_key_is_400(writer: Api, clinic: Clinic) -> None:
    response = writer.post(
        "/fhir/QuestionnaireResponse", phq9(clinic.patient.public_id, [0] * 9)
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["issue"][0]["diagnostics"]
    assert not Administration.objects.exists()


def test_a_suicide_risk_answer_raises_the_alert_as_from_the_portal(
    writer: Api, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    body = phq9(clinic.patient.public_id, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(
            "/fhir/QuestionnaireResponse", body, **{"Idempotency-Key": "risk"}
        )
    assert response.status_code == 201
    assert RiskEvent.objects.filter(patient=clinic.patient, item_number=9).exists()
    assert Alert.objects.filter(patient=clinic.patient).exists()


def _bad_bodies(patient_id: object, other_id: object) -> list[tuple[Any, int]]:
    good = phq9(patient_id, [0] * 9)

    def changed(**fields: Any) -> dict[str, Any]:
        body = copy.deepcopy(good)
        body.update(fields)
        return body

    stray = copy.deepcopy(good)
    stray["item"].append({"linkId": "99"})
    wrong_code = copy.deepcopy(good)
    wrong_code["item"][0]["answer"][0]["valueCoding"] = {"system": "urn:x", "code": "7"}
    return [
        ("not json", 400),
        ([], 400),
        ({"resourceType": "Patient"}, 400),
        (changed(status="in-progress"), 400),
        (changed(questionnaire="urn:iptcare:Questionnaire/nope"), 400),
        (changed(questionnaire="http://example.org/Questionnaire/phq9"), 400),
        (changed(subject={"reference": "Patient/not-an-id"}), 404),
        (changed(subject={"reference": f"Patient/{other_id}"}), 404),
        (changed(authored="yesterday"), 400),
        (changed(item="nope"), 400),
        (stray, 400),
        (wrong_code, 400),
    ]


def test_bad_input_is_refused_and_changes_nothing(writer: Api, clinic: Clinic) -> None:
    for index, (body, status) in enumerate(
        _bad_bodies(clinic.patient.public_id, clinic.patient_other_site.public_id)
    ):
        response = writer.post(
            "/fhir/QuestionnaireResponse", body, **{"Idempotency-Key": f"bad-{index}"}
        )
        assert response.status_code == status, (index, response.content)
        assert response.json()["resourceType"] == "OperationOutcome"
    assert not Administration.objects.exists()
    assert not IdempotentSubmission.objects.exists()


def test_a_client_without_the_write_scope_is_403(api: Api, clinic: Clinic) -> None:
    body = phq9(clinic.patient.public_id, [0] * 9)
    response = api.post("/fhir/QuestionnaireResponse", body, **{"Idempotency-Key": "k"})
    assert response.status_code == 403
    assert not Administration.objects.exists()


def test_the_fhir_client_command_registers_a_bound_client(clinic: Clinic) -> None:
    from io import StringIO

    from django.core.management import call_command

    from interop.models import ApiClient

    out = StringIO()
    call_command(
        "fhir_client",
        "registry",
        "--team",
        clinic.team_a.name,
        "--scopes",
        "system/Patient.read",
        stdout=out,
    )
    client = ApiClient.objects.get()
    assert (
        client.team == clinic.team_a and client.allowed_scopes == "system/Patient.read"
    )
    assert "client_secret:" in out.getvalue()
    with pytest.raises(Exception, match="Unknown scopes"):
        call_command(
            "fhir_client",
            "x",
            "--team",
            clinic.team_a.name,
            "--scopes",
            "system/Everything.write",
        )


def test_the_fhir_client_command_refuses_a_team_name_two_sites_share(
    clinic: Clinic,
) -> None:
    from django.core.management import CommandError, call_command

    from interop.models import ApiClient

    # given: both sites have a team called "IPT team", as the demo clinic's do
    here = TeamFactory(site=clinic.site_a, name="IPT team")
    there = TeamFactory(site=clinic.site_b, name="IPT team")

    # when / then: the bare name is refused, naming both choices
    with pytest.raises(CommandError) as refusal:
        call_command("fhir_client", "registry", "--team", "IPT team", stdout=StringIO())
    message = str(refusal.value)
    assert f"team-{here.pk} at {clinic.site_a.name}" in message
    assert f"team-{there.pk} at {clinic.site_b.name}" in message
    assert "--site" in message
    assert not ApiClient.objects.exists()

    # the site says which
    call_command(
        "fhir_client",
        "registry",
        "--team",
        "IPT team",
        "--site",
        clinic.site_b.name,
        stdout=StringIO(),
    )
    assert ApiClient.objects.get().team == there
    assert ApiClient.objects.get().site is None

    # so does the team's Organization id
    call_command(
        "fhir_client", "registry-2", "--team", f"team-{here.pk}", stdout=StringIO()
    )
    assert ApiClient.objects.get(application__name="registry-2").team == here


def test_the_fhir_client_command_refuses_a_recipient_name_two_share(
    clinic: Clinic,
) -> None:
    from django.core.management import CommandError, call_command

    from disclosures.tests.factories import RecipientFactory
    from interop.models import ApiClient

    first = RecipientFactory(name="Riverside GP practice")
    second = RecipientFactory(name="Riverside GP practice")
    site = ["--site", clinic.site_a.name, "--recipient"]
    with pytest.raises(CommandError, match=str(second.public_id)):
        call_command(
            "fhir_client", "gp", *site, "Riverside GP practice", stdout=StringIO()
        )
    assert not ApiClient.objects.exists()
    call_command("fhir_client", "gp", *site, str(first.public_id), stdout=StringIO())
    client = ApiClient.objects.get()
    assert client.recipient == first and client.site == clinic.site_a


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "Give --team, --site, or both"),
        (["--team", "No such team"], "No team is called"),
        (["--site", "No such site"], "No site is called"),
        (["--team", "team-999999"], "No team is called"),
    ],
)
def test_the_fhir_client_command_says_what_it_could_not_find(
    clinic: Clinic, arguments: list[str], message: str
) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("fhir_client", "registry", *arguments, stdout=StringIO())
