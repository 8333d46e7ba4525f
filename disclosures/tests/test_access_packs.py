"""The patient's own copy: asked for in the portal, made by the job, logged as a
disclosure to the patient, downloadable for a limited time, without private notes."""

from __future__ import annotations

import datetime
import io
import json

import pypdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from disclosures import services
from disclosures.models import Disclosure, PrivateNote, SubjectAccessPack
from ipt.models import CourseSession
from ipt.tests import matrix as ipt_matrix
from measures.tests.factories import AdministrationFactory
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db

CANARY = "Canary sentence: the yellow kite sleeps under the bridge"


@pytest.fixture
def record(clinic):
    session = CourseSession.objects.get(
        public_id=ipt_matrix.session_kwargs(clinic)["session_id"]
    )
    PrivateNote.objects.create(
        session=session, author=clinic.therapist_on_team, text=CANARY
    )
    AdministrationFactory(patient=clinic.patient, instrument_id="phq9")
    return clinic.patient


def test_asking_in_the_portal_makes_both_files_and_logs_the_disclosure(
    client, clinic, record, django_capture_on_commit_callbacks
):
    sign_in_patient(client, clinic.patient)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("disclosures:portal-packs"))
    assert response.status_code == 302
    pack = SubjectAccessPack.objects.get()
    assert pack.status == "ready"  # Huey runs immediately in tests
    disclosure = Disclosure.objects.get()
    assert disclosure.to_patient
    assert pack.disclosure == disclosure
    page = client.get(reverse("disclosures:portal-packs")).content.decode()
    assert "my-records/" in page
    pdf = client.get(
        reverse("disclosures:portal-pack-download", args=[pack.public_id, "pdf"])
    )
    text = " ".join(
        (p.extract_text() or "") for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert clinic.patient.record_number in text
    assert "PHQ9" in text
    assert "yellow kite" not in text
    bundle = client.get(
        reverse("disclosures:portal-pack-download", args=[pack.public_id, "json"])
    )
    assert bundle["Content-Type"] == "application/fhir+json"
    body = json.loads(bundle.content)
    Bundle.model_validate(body)
    assert body["type"] == "collection"
    resources = [entry["resource"] for entry in body["entry"]]
    by_type = {r["resourceType"] for r in resources}
    assert {"Patient", "QuestionnaireResponse", "Observation"} <= by_type
    (own,) = [r for r in resources if r["resourceType"] == "Patient"]
    assert own["id"] == str(clinic.patient.public_id)
    assert clinic.patient.record_number in json.dumps(own["identifier"])
    # Only this patient's resources: every reference to a patient is to them.
    subjects = {r["subject"]["reference"] for r in resources if "subject" in r}
    assert subjects == {f"Patient/{clinic.patient.public_id}"}
    assert "yellow kite" not in bundle.content.decode()
    # The copy shows in the accounting as a disclosure to the patient.
    accounting = client.get(reverse("disclosures:portal-accounting")).content.decode()
    assert "Your own copy of your record" in accounting


def test_the_copy_is_offered_for_a_limited_time(
    client, clinic, record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.access_pack_request(patient=clinic.patient)
    pack.refresh_from_db()
    url = reverse("disclosures:portal-pack-download", args=[pack.public_id, "pdf"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=13)):
        sign_in_patient(client, clinic.patient)
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        sign_in_patient(client, clinic.patient)
        assert client.get(url).status_code == 404


def test_another_patients_copy_is_a_404(
    client, clinic, record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.access_pack_request(patient=clinic.patient)
    sign_in_patient(client, clinic.patient_other_site)
    url = reverse("disclosures:portal-pack-download", args=[pack.public_id, "pdf"])
    assert client.get(url).status_code == 404
    bad_format = reverse(
        "disclosures:portal-pack-download", args=[pack.public_id, "exe"]
    )
    sign_in_patient(client, clinic.patient)
    assert client.get(bad_format).status_code == 404


def test_one_copy_is_prepared_at_a_time(
    clinic, record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.access_pack_request(patient=clinic.patient)
    with pytest.raises(services.Refused):
        services.access_pack_request(patient=clinic.patient)
    assert SubjectAccessPack.objects.count() == 1


def test_making_a_pack_twice_logs_one_disclosure(clinic, record):
    pack = services.access_pack_request(patient=clinic.patient)
    services.access_pack_make(pack_id=pack.pk)
    assert Disclosure.objects.count() == 1


def test_staff_ask_on_the_patients_behalf(
    as_therapist, clinic, record, django_capture_on_commit_callbacks
):
    url = reverse("disclosures:pack-request", args=[clinic.patient.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert as_therapist.post(url).status_code == 302
    pack = SubjectAccessPack.objects.get()
    assert pack.requested_by == clinic.therapist_on_team
    assert pack.status == "ready"


def test_a_resource_type_added_to_the_registry_joins_the_pack(
    clinic, record, monkeypatch
):
    """The pack is built from interop.registry.TYPES, so a type another engineer adds
    there (Encounter, CarePlan…) comes with it; another patient's rows never do."""
    from dataclasses import replace

    from disclosures import access_packs
    from interop import registry
    from patients.tests.factories import PatientFactory

    other = PatientFactory(team=clinic.patient.team)
    extra = replace(
        registry.PATIENT,
        name="Flag",
        # Rows of every patient: the pack must keep only its owner's.
        rows=lambda requester: type(clinic.patient).objects.filter(
            pk__in=[clinic.patient.pk, other.pk]
        ),
        convert=lambda p: [
            {
                "resourceType": "Patient",
                "id": f"flag-{p.public_id}",
                "active": True,
            }
        ],
    )
    monkeypatch.setitem(registry.TYPES, "Flag", extra)
    ids = [r["id"] for r in access_packs.pack_resources(clinic.patient)]
    assert f"flag-{clinic.patient.public_id}" in ids
    assert f"flag-{other.public_id}" not in ids
    assert str(other.public_id) not in " ".join(ids)
