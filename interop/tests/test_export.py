"""Bulk $export: kick-off, polling, the manifest, NDJSON files that match the single
reads resource by resource, scopes, another client's job, and removal of old files."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from disclosures import rules
from disclosures.choices import Channel, ContentKind
from disclosures.models import Disclosure, Recipient
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from interop import export
from interop.choices import ExportStatus
from interop.models import ApiClient, ExportJob
from interop.tests.conftest import Api, make_client
from ipt.choices import Phase
from ipt.models import GoalRating
from ipt.tests.factories import course_in_phase
from measures.tests.factories import AdministrationFactory
from patients.tests.factories import DiagnosisFactory, PatientFactory
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db
ASYNC = {"Prefer": "respond-async"}


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.IPTCARE_FHIR_EXPORT_DIR = str(tmp_path)
    yield tmp_path


def kick_off(api: Api, capture: Any, **params: str) -> Any:
    with capture(execute=True):
        return api.get("/fhir/$export", params, **ASYNC)


def seed(clinic: Clinic, recipient: Recipient | None = None) -> None:
    """Two patients of team A with a record of every type (consents naming the
    recipient, when there is one), and one patient at the other site."""
    for patient in [clinic.patient, PatientFactory(team=clinic.team_a)]:
        AdministrationFactory(patient=patient, instrument_id="audit", answers=[1] * 10)
        AdministrationFactory(patient=patient, answers=[1, 1, None, 1, 1, 1, 1, 1, 0])
        DiagnosisFactory(patient=patient)
        course = course_in_phase(
            Phase.MIDDLE, patient=patient, clinician=clinic.therapist_on_team
        )
        GoalRating.objects.create(
            goal=course.goals.get(),
            level=-1,
            rated_on=timezone.localdate(),
            rated_by=clinic.therapist_on_team,
        )
        booked(patient, clinic.therapist_on_team, course=course)
        if recipient is not None:
            ConsentFactory(
                patient=patient, scopes=[ContentKind.SCORES], recipients=[recipient]
            )
    AdministrationFactory(patient=clinic.patient_other_site)


def test_an_export_matches_the_single_reads_resource_by_resource(
    api: Api,
    team_client: ApiClient,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given every type seeded, the consents naming the client's recipient
    team_client.recipient = RecipientFactory()
    team_client.save()
    seed(clinic, team_client.recipient)
    # when
    response = kick_off(api, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    status_url = response["Content-Location"]
    manifest = api.get(status_url.removeprefix("http://testserver"))
    # then
    assert manifest.status_code == 200, manifest.content
    body = manifest.json()
    assert body["requiresAccessToken"] is True
    types = [entry["type"] for entry in body["output"]]
    assert types == [
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Condition",
        "QuestionnaireResponse",
        "Observation",
        "Appointment",
        "Encounter",
        "EpisodeOfCare",
        "CarePlan",
        "Goal",
        "Consent",
    ]
    # every type has something to compare
    assert all(entry["count"] > 0 for entry in body["output"]), body["output"]
    counted = 0
    for entry in body["output"]:
        ndjson = b"".join(
            api.get(entry["url"].removeprefix("http://testserver")).streaming_content
        )
        lines = [json.loads(line) for line in ndjson.decode().splitlines()]
        assert len(lines) == entry["count"]
        assert {resource["resourceType"] for resource in lines} <= {entry["type"]}
        for resource in lines:
            single = api.get(f"/fhir/{resource['resourceType']}/{resource['id']}")
            assert single.status_code == 200
            assert single.json() == resource
        counted += len(lines)
    assert counted == ExportJob.objects.get().resources_written
    # the other site's patient is not in it
    patients = b"".join(
        api.get(
            body["output"][0]["url"].removeprefix("http://testserver")
        ).streaming_content
    )
    assert str(clinic.patient_other_site.public_id).encode() not in patients
    assert str(clinic.patient.public_id).encode() in patients


def test_each_exported_patient_is_audited_once(
    api: Api, clinic: Clinic, team_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seed(clinic)
    kick_off(api, django_capture_on_commit_callbacks)
    rows = AuditEvent.objects.filter(category="fhir_export")
    assert rows.count() == 2
    assert set(rows.values_list("actor_label", flat=True)) == {team_client.label}


def test_type_and_since_narrow_the_export(
    api: Api, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    old = timezone.now() - datetime.timedelta(days=30)
    with time_machine.travel(old, tick=False):
        AdministrationFactory(patient=clinic.patient)
    recent = AdministrationFactory(patient=clinic.patient)
    since = (
        (timezone.now() - datetime.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    )
    kick_off(
        api,
        django_capture_on_commit_callbacks,
        _type="QuestionnaireResponse",
        _since=since,
    )
    job = ExportJob.objects.get()
    assert job.output == [
        {
            "type": "QuestionnaireResponse",
            "file": "QuestionnaireResponse.ndjson",
            "count": 1,
        }
    ]
    text = (export.export_dir(job) / "QuestionnaireResponse.ndjson").read_text()
    assert str(recent.public_id) in text


def test_polling_a_running_export_is_202_with_progress(
    api: Api, clinic: Clinic
) -> None:
    response = api.get("/fhir/$export", **ASYNC)  # the worker has not run (no commit)
    status = api.get(response["Content-Location"].removeprefix("http://testserver"))
    assert status.status_code == 202
    assert "X-Progress" in status


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, {}),  # no Prefer: respond-async
        ({"_type": "Nope"}, ASYNC),
        ({"_type": "Questionnaire"}, ASYNC),
        ({"_since": "last week"}, ASYNC),
        ({"_since": "2026-01-01T00:00:00"}, ASYNC),  # no zone
        ({"_since": "0001-01-01T00:00:00+01:00"}, ASYNC),  # before 0001 in UTC
        ({"_since": "9999-12-31T23:00:00-05:00"}, ASYNC),  # past 9999 in UTC
        ({"_outputFormat": "text/csv"}, ASYNC),
        ({"patient": "x"}, ASYNC),
    ],
)
def test_a_bad_kick_off_is_400_and_starts_nothing(
    api: Api, params: dict[str, str], headers: dict[str, str]
) -> None:
    response = api.get("/fhir/$export", params, **headers)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not ExportJob.objects.exists()


def test_a_type_outside_the_scopes_cannot_be_exported(
    api_for: Callable[..., Api], clinic: Clinic
) -> None:
    narrow = api_for(make_client(team=clinic.team_a, scopes="system/Patient.read"))
    response = narrow.get("/fhir/$export", {"_type": "Observation"}, **ASYNC)
    assert response.status_code == 400
    assert narrow.get("/fhir/$export", **ASYNC).status_code == 202
    assert ExportJob.objects.get().types == ["Patient"]


def test_another_clients_export_does_not_exist(
    api: Api,
    api_for: Callable[..., Api],
    other_site_client: Any,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    seed(clinic)
    kick_off(api, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    other = api_for(other_site_client)
    assert other.get(f"/fhir/$export-status/{job.public_id}").status_code == 404
    assert (
        other.get(f"/fhir/$export-file/{job.public_id}/Patient.ndjson").status_code
        == 404
    )
    assert (
        api.get(f"/fhir/$export-file/{job.public_id}/Secret.ndjson").status_code == 404
    )


def test_files_are_removed_after_their_time(
    api: Api, clinic: Clinic, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seed(clinic)
    kick_off(api, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    folder = export.export_dir(job)
    assert folder.exists()
    assert export.exports_remove_expired() == 0
    with time_machine.travel(
        timezone.now()
        + datetime.timedelta(hours=settings.IPTCARE_FHIR_EXPORT_HOURS + 1)
    ):
        assert export.exports_remove_expired() == 1
    assert not folder.exists()
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED
    assert api.get(f"/fhir/$export-status/{job.public_id}").status_code == 404


def test_a_client_may_cancel_its_export(
    api: Api, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    kick_off(api, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert (
        api.client.delete(
            f"/fhir/$export-status/{job.public_id}", headers=api.headers
        ).status_code
        == 202
    )
    assert not export.export_dir(job).exists()


def test_an_export_keeps_to_the_disclosure_rules(
    api_for: Callable[..., Api],
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A Part 2 patient's scores go under their consent, labelled and accounted for;
    a Part 2 patient without one is not in the export at all."""
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    gp = RecipientFactory()
    ConsentFactory(patient=clinic.patient, scopes=[ContentKind.SCORES], recipients=[gp])
    consented = AdministrationFactory(patient=clinic.patient)
    withheld = AdministrationFactory(patient=PatientFactory(team=clinic.team_a))
    registry = make_client(team=clinic.team_a)
    registry.recipient = gp
    registry.save()
    kick_off(api_for(registry), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    text = (export.export_dir(job) / "QuestionnaireResponse.ndjson").read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["id"] for line in lines] == [str(consented.public_id)]
    assert str(withheld.public_id) not in text
    assert lines[0]["meta"]["security"] == [rules.PART2_SECURITY_LABEL]
    assert (export.export_dir(job) / "Patient.ndjson").read_text() == ""
    assert Disclosure.objects.filter(
        patient=clinic.patient, channel=Channel.API
    ).exists()


def test_a_part2_course_is_not_exported_without_a_consent(
    api_for: Callable[..., Api],
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Consented attendance goes; the course summary, not consented, stays."""
    seed(clinic)
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    registry = make_client(team=clinic.team_a)
    registry.recipient = RecipientFactory()
    registry.save()
    ConsentFactory(
        patient=clinic.patient,
        scopes=[ContentKind.ATTENDANCE],
        recipients=[registry.recipient],
    )
    kick_off(api_for(registry), django_capture_on_commit_callbacks)
    folder = export.export_dir(ExportJob.objects.get())
    for name in ["EpisodeOfCare", "CarePlan", "Goal", "Consent"]:
        assert (folder / f"{name}.ndjson").read_text() == "", name
    for name in ["Appointment", "Encounter"]:
        lines = (folder / f"{name}.ndjson").read_text().splitlines()
        # the consenting patient's only, not their Part 2 team-mate's
        assert lines and all(str(clinic.patient.public_id) in x for x in lines), name
        assert all(
            json.loads(line)["meta"]["security"] == [rules.PART2_SECURITY_LABEL]
            for line in lines
        )


def test_since_finds_a_goal_whose_only_change_is_a_new_rating(
    api: Api, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30), tick=False):
        seed(clinic)
    rated = clinic.patient.ipt_courses.get().goals.get()
    GoalRating.objects.create(
        goal=rated, level=1, rated_on=timezone.localdate(), rated_by=clinic.supervisor
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    kick_off(
        api,
        django_capture_on_commit_callbacks,
        _type="Goal,CarePlan",
        _since=since.replace("+00:00", "Z"),
    )
    folder = export.export_dir(ExportJob.objects.get())
    goals = [
        json.loads(line)["id"]
        for line in (folder / "Goal.ndjson").read_text().splitlines()
    ]
    assert goals == [str(rated.public_id)]
    assert (folder / "CarePlan.ndjson").read_text() == ""
