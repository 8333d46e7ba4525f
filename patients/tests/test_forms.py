"""Patient forms: good input is saved and audited; bad input says why and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from patients.models import CareTeamMember, ConcurrentTreatment, Diagnosis, Patient


def _new_patient(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    data = {
        "given_name": "Rosa",
        "family_name": "Example",
        "date_of_birth": "1988-04-02",
        "phone": "07700 900123",
        "email": "rosa@example.org",
        "preferred_language": "en",
        "team": clinic.team_a.pk,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _counts() -> tuple[int, ...]:
    return (
        Patient.objects.count(),
        Diagnosis.objects.count(),
        ConcurrentTreatment.objects.count(),
        CareTeamMember.objects.count(),
        AuditEvent.objects.exclude(action__in=[Action.VIEW, Action.LIST]).count(),
    )


def test_a_clinician_registers_a_patient_and_becomes_primary(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    response = client.post(reverse("patients:create"), _new_patient(clinic))
    patient = Patient.objects.get(family_name="Example")
    assert response["Location"] == reverse("patients:detail", args=[patient.public_id])
    assert patient.record_number == f"IPT-{patient.pk:06d}"
    assert patient.care_team.get().staff == clinic.therapist_on_team
    event = AuditEvent.objects.get(action=Action.CREATE, patient=patient)
    assert "Rosa" not in event.detail


@pytest.mark.parametrize("persona", ["administrator", "clinical_lead"])
def test_a_role_that_sees_no_patient_registers_none(
    client: Client, clinic: Clinic, persona: str
) -> None:
    # A patient they registered would be one they could not open (docs/access.md).
    client.force_login(getattr(clinic, persona))
    before = _counts()
    response = client.post(reverse("patients:create"), _new_patient(clinic))
    assert response.status_code == 404
    assert _counts() == before


BAD_PATIENTS = [
    ({"given_name": ""}, "given_name", "This field is required."),
    ({"date_of_birth": "2999-01-01"}, "date_of_birth", "in the future"),
    ({"date_of_birth": "1901-01-01"}, "date_of_birth", "Check the year of birth"),
    ({"date_of_birth": "1801-01-01"}, "date_of_birth", "The date is before 1900"),
    ({"date_of_birth": "31/02/1990"}, "date_of_birth", "Enter a valid date"),
    ({"phone": "call me"}, "phone", "7 to 15 digits"),
    ({"email": "not-an-address"}, "email", "valid email"),
    ({"phone": "", "email": ""}, "phone", "telephone number or an e-mail"),
    ({"phone": "", "may_text": "on"}, "may_text", "Texts need a telephone number"),
    ({"preferred_language": "other"}, "language_note", "Say which language"),
    ({"team": "999999"}, "team", "Select a valid choice"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_PATIENTS)
def test_bad_registration_shows_the_error_and_saves_nothing(
    client: Client, clinic: Clinic, change: dict[str, str], field: str, message: str
) -> None:
    client.force_login(clinic.coordinator)
    before = _counts()
    response = client.post(reverse("patients:create"), _new_patient(clinic, **change))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert _counts() == before


def test_a_team_from_another_site_cannot_be_chosen(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.coordinator)
    before = _counts()
    response = client.post(
        reverse("patients:create"), _new_patient(clinic, team=clinic.team_b.pk)
    )
    assert "team" in response.context["form"].errors
    assert _counts() == before


def test_editing_records_which_fields_changed_not_their_values(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.coordinator)
    url = reverse("patients:edit", args=[clinic.patient.public_id])
    data = client.get(url).context["form"].initial
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data.update(
        phone="07700 900999", team=clinic.team_a.pk, date_of_birth=data["date_of_birth"]
    )
    response = client.post(url, data)
    assert response.status_code == 302
    clinic.patient.refresh_from_db()
    assert clinic.patient.phone == "07700 900999"
    event = AuditEvent.objects.get(action=Action.UPDATE, patient=clinic.patient)
    assert event.detail == "fields: phone"


def test_bad_edit_changes_nothing(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    before = Patient.objects.values().get(pk=clinic.patient.pk)
    response = client.post(
        reverse("patients:edit", args=[clinic.patient.public_id]),
        {"given_name": "", "date_of_birth": "tomorrow", "team": clinic.team_a.pk},
    )
    assert response.status_code == 200
    assert Patient.objects.values().get(pk=clinic.patient.pk) == before


BAD_DIAGNOSES = [
    ({"code": "Z99.9"}, "code", "Select a valid choice"),
    ({"diagnosed_on": "2999-01-01"}, "diagnosed_on", "in the future"),
    ({"resolved_on": "2020-01-01"}, "resolved_on", "Resolved before it was diagnosed"),
    ({"rank": "tertiary"}, "rank", "Select a valid choice"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_DIAGNOSES)
def test_bad_diagnosis_shows_the_error_and_saves_nothing(
    client: Client, clinic: Clinic, change: dict[str, str], field: str, message: str
) -> None:
    client.force_login(clinic.therapist_on_team)
    data = {"code": "F32.1", "rank": "primary", "diagnosed_on": "2026-03-01", **change}
    before = _counts()
    response = client.post(
        reverse("patients:diagnosis-add", args=[clinic.patient.public_id]), data
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert _counts() == before


def test_a_diagnosis_is_added_with_its_icd10_title(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    client.post(
        reverse("patients:diagnosis-add", args=[clinic.patient.public_id]),
        {"code": "F10.2", "rank": "secondary", "diagnosed_on": "2026-03-01"},
    )
    diagnosis = clinic.patient.diagnoses.get()
    assert diagnosis.title.endswith("alcohol: dependence syndrome")
    assert diagnosis.is_substance_use
    page = client.get(reverse("patients:detail", args=[clinic.patient.public_id]))
    assert b"dependence syndrome" in page.content


BAD_TREATMENTS = [
    ({"kind": "medication"}, "medication_name", "Name the medication"),
    ({"kind": "medication", "medication_name": "Sertraline"}, "dose", "Give the dose"),
    ({"kind": "other"}, "description", "Describe the treatment"),
    ({"ended_on": "2020-01-01"}, "ended_on", "Ended before it started"),
    ({"kind": "hypnosis"}, "kind", "Select a valid choice"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_TREATMENTS)
def test_bad_treatment_shows_the_error_and_saves_nothing(
    client: Client, clinic: Clinic, change: dict[str, str], field: str, message: str
) -> None:
    client.force_login(clinic.therapist_on_team)
    data = {"kind": "dbt", "started_on": "2026-03-01", **change}
    before = _counts()
    response = client.post(
        reverse("patients:treatment-add", args=[clinic.patient.public_id]), data
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert _counts() == before


def test_a_medication_is_recorded_with_dose_and_prescriber(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    client.post(
        reverse("patients:treatment-add", args=[clinic.patient.public_id]),
        {
            "kind": "medication",
            "medication_name": "Naltrexone",
            "dose": "50 mg daily",
            "prescriber": "Dr Example",
            "started_on": "2026-03-01",
        },
    )
    treatment = clinic.patient.concurrent_treatments.get()
    assert treatment.label == "Naltrexone 50 mg daily"
    assert treatment.is_current


def test_care_team_only_offers_clinicians_of_the_patients_site(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.supervisor)
    url = reverse("patients:care-team", args=[clinic.patient.public_id])
    before = _counts()
    for outsider in [
        clinic.therapist_other_site,
        clinic.coordinator,
        clinic.administrator,
    ]:
        response = client.post(url, {"staff": outsider.pk, "role": "clinician"})
        assert "staff" in response.context["form"].errors
    assert _counts() == before


def test_adding_to_the_care_team_gives_access_and_is_audited(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.supervisor)
    url = reverse("patients:care-team", args=[clinic.patient.public_id])
    client.post(url, {"staff": clinic.therapist_off_team.pk, "role": "primary"})
    roles = dict(clinic.patient.care_team.values_list("staff__username", "role"))
    # the new primary clinician demotes the old one: one primary at a time
    assert roles == {"therapist_off_team": "primary", "therapist_on_team": "clinician"}
    assert AuditEvent.objects.filter(
        category="care_team", action=Action.CREATE
    ).exists()
    client.force_login(clinic.therapist_off_team)
    detail = reverse("patients:detail", args=[clinic.patient.public_id])
    assert client.get(detail).status_code == 200
