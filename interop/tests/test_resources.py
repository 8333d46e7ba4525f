"""Each mapping: valid against the R4 model, and every mapped field survives the round
trip database → FHIR → back."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from accounts.tests.factories import SiteFactory, StaffFactory, TeamFactory
from interop import codes
from interop.resources import (
    condition,
    observation,
    organization,
    patient,
    practitioner,
    questionnaire,
    questionnaire_response,
)
from measures.choices import Source
from measures.instruments import REGISTRY
from measures.tests.factories import AdministrationFactory
from patients.choices import Language
from patients.tests.factories import DiagnosisFactory, PatientFactory

pytestmark = pytest.mark.django_db


def valid(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Validated by fhir.resources, and unchanged by it."""
    built = model.model_validate(data)
    assert (
        built.model_dump(mode="json", exclude_none=True)["resourceType"]
        == data["resourceType"]
    )
    return data


def test_patient_round_trips_every_mapped_field() -> None:
    # given a patient with every field filled
    person = PatientFactory(
        preferred_name="Sam",
        pronouns="they/them",
        address="1 High Street\nTown",
        may_leave_voicemail=True,
        may_text=False,
        emergency_contact_name="Alex Doe",
        emergency_contact_relationship="sister",
        emergency_contact_phone="07700 900123",
        preferred_language=Language.SPANISH,
        interpreter_needed=True,
    )
    # when
    data = valid(FhirPatient, patient.to_fhir(person))
    back = patient.from_fhir(data)
    # then
    for field in [
        "record_number",
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "phone",
        "email",
        "address",
        "pronouns",
        "may_leave_voicemail",
        "may_text",
        "emergency_contact_name",
        "emergency_contact_relationship",
        "emergency_contact_phone",
        "preferred_language",
        "interpreter_needed",
        "team_id",
    ]:
        assert back[field] == getattr(person, field), field
    assert back["public_id"] == str(person.public_id)


def test_patient_with_another_language_keeps_the_note() -> None:
    person = PatientFactory(preferred_language=Language.OTHER, language_note="Tigrinya")
    back = patient.from_fhir(valid(FhirPatient, patient.to_fhir(person)))
    assert (back["preferred_language"], back["language_note"]) == ("other", "Tigrinya")


def test_patient_with_only_required_fields_is_valid() -> None:
    person = PatientFactory(phone="", email="", address="")
    data = valid(FhirPatient, patient.to_fhir(person))
    assert "telecom" not in data and "address" not in data and "contact" not in data


def test_organization_round_trips_site_and_team() -> None:
    site = SiteFactory(name="North", address="2 Low Road")
    team = TeamFactory(site=site, name="Mood team")
    site_back = organization.from_fhir(
        valid(Organization, organization.site_to_fhir(site))
    )
    team_back = organization.from_fhir(
        valid(Organization, organization.team_to_fhir(team))
    )
    assert site_back == {"pk": site.pk, "name": "North", "address": "2 Low Road"}
    assert team_back == {"pk": team.pk, "name": "Mood team", "site_id": site.pk}


def test_practitioner_round_trips() -> None:
    staff = StaffFactory(
        first_name="Ann", last_name="Lee", professional_title="Clinical psychologist"
    )
    back = practitioner.from_fhir(valid(Practitioner, practitioner.to_fhir(staff)))
    for field in [
        "username",
        "is_active",
        "last_name",
        "first_name",
        "professional_title",
    ]:
        assert back[field] == getattr(staff, field), field
    assert back["public_id"] == str(staff.public_id)


def test_condition_round_trips() -> None:
    diagnosis = DiagnosisFactory(
        code="F33.1",
        note="Recurrent; second episode",
        resolved_on=datetime.date(2026, 6, 1),
    )
    data = valid(
        Condition,
        condition.to_fhir(
            diagnosis,
            str(diagnosis.patient.public_id),
            str(diagnosis.recorded_by.public_id),
        ),
    )
    back = condition.from_fhir(data)
    for field in ["code", "rank", "diagnosed_on", "resolved_on", "note"]:
        assert back[field] == getattr(diagnosis, field), field
    assert back["public_id"] == str(diagnosis.public_id)
    assert data["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert data["code"]["coding"][0]["system"] == codes.ICD10


@pytest.mark.parametrize("instrument_id", sorted(REGISTRY))
def test_every_shipped_instrument_is_a_valid_questionnaire(instrument_id: str) -> None:
    instrument = REGISTRY[instrument_id]
    data = valid(Questionnaire, questionnaire.to_fhir(instrument))
    back = questionnaire.from_fhir(data)
    assert back["id"] == instrument.id and back["version"] == instrument.version
    assert back["panel"] == instrument.loinc.panel
    numbered = [item for item in back["items"] if item[0].isdigit()]
    assert [(link, count) for link, _, count in numbered] == [
        (str(item.number), len(item.options)) for item in instrument.items
    ]


@pytest.mark.parametrize(
    "instrument_id", [i.id for i in REGISTRY.values() if not i.licence.ship_text]
)
def test_restricted_wording_goes_out_without_its_text(instrument_id: str) -> None:
    """DAST-10, WSAS, C-SSRS, IIP-32: neutral labels only, no instructions."""
    instrument = REGISTRY[instrument_id]
    data = questionnaire.to_fhir(instrument)
    assert "description" not in data
    for item, sent in zip(instrument.items, data["item"], strict=False):
        assert item.text is None  # the product holds no wording to send
        assert sent["text"] == item.label  # the neutral label ("Item 3")


def test_phq9_questionnaire_carries_loinc_codes() -> None:
    data = questionnaire.to_fhir(REGISTRY["phq9"])
    assert data["code"] == [{"system": codes.LOINC, "code": "44249-1"}]
    first = data["item"][0]
    assert first["code"][0]["system"] == codes.LOINC
    assert first["answerOption"][0]["valueCoding"]["system"] == codes.LOINC


@pytest.mark.parametrize(
    ("instrument_id", "answers", "extra"),
    [
        ("phq9", [0, 1, 2, 3, None, 1, 0, 2, 1], [2]),
        ("audit", [1, 2, 0, 1, 0, 0, 1, 0, 2, 0], []),
        ("dast10", [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], []),
    ],
)
def test_questionnaire_response_round_trips(
    instrument_id: str, answers: list[Any], extra: list[Any]
) -> None:
    administration = AdministrationFactory(
        instrument_id=instrument_id,
        answers=answers,
        extra_answers=extra,
        source=Source.PATIENT_PORTAL,
        administered_at=timezone.now().replace(microsecond=0),
    )
    public = str(administration.patient.public_id)
    data = valid(
        QuestionnaireResponse, questionnaire_response.to_fhir(administration, public)
    )
    back = questionnaire_response.from_fhir(data)
    for field in [
        "instrument_id",
        "instrument_version",
        "answers",
        "extra_answers",
        "administered_at",
        "source",
    ]:
        assert back[field] == getattr(administration, field), field
    assert back["patient"] == public
    assert data["source"] == {"reference": f"Patient/{public}"}


def test_observations_round_trip_total_band_and_subscales() -> None:
    administration = AdministrationFactory(
        instrument_id="audit", answers=[2, 2, 1, 1, 1, 1, 1, 1, 2, 2]
    )
    public = str(administration.patient.public_id)
    resources = [
        valid(Observation, r) for r in observation.to_fhir(administration, public)
    ]
    total, *subscales = (observation.from_fhir(r) for r in resources)
    assert total["value"] == administration.total
    assert total["band"] == administration.band
    assert total["administration"] == str(administration.public_id)
    assert resources[0]["code"]["coding"][0] == {
        "system": codes.LOINC,
        "code": "75624-7",
    }
    assert {s["score"]: s["value"] for s in subscales} == administration.subscales


def test_a_score_that_could_not_be_computed_is_not_sent() -> None:
    administration = AdministrationFactory(instrument_id="phq9", answers=[None] * 9)
    assert administration.total is None
    assert observation.to_fhir(administration, "x") == []


def test_a_prorated_total_carries_a_note_saying_so() -> None:
    administration = AdministrationFactory(
        instrument_id="phq9", answers=[1, 1, 1, None, 1, 1, 1, 1, 0]
    )
    assert administration.total is not None
    total, *_ = observation.to_fhir(administration, "p")
    valid(Observation, total)
    assert total["note"] == [{"text": "Total prorated from 8 of 9 items"}]
    assert observation.from_fhir(total)["note"] == "Total prorated from 8 of 9 items"


def test_a_complete_total_carries_no_note() -> None:
    administration = AdministrationFactory(instrument_id="phq9", answers=[1] * 9)
    total, *_ = observation.to_fhir(administration, "p")
    assert "note" not in total
