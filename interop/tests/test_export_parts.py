"""Bulk $export in parts written side by side: the manifest, the order within a file,
a part that fails, and the worker processes themselves (PostgreSQL)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from audit.models import AuditEvent
from conftest import Clinic
from interop import export
from interop.choices import ExportStatus
from interop.models import ApiClient, ExportJob
from interop.registry import EXPORTABLE, TYPES
from interop.tests.conftest import Api
from interop.tests.test_export import ASYNC, kick_off, seed
from measures.models import Administration
from measures.tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.IPTCARE_FHIR_EXPORT_DIR = str(tmp_path)
    yield tmp_path


@pytest.fixture
def in_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three workers' worth of parts (the large types in six key ranges, of a row's
    chunks), all run in this process, where the test's rows are."""
    monkeypatch.setattr(export, "CHUNK", 1)
    monkeypatch.setattr(export, "workers", lambda: 3)
    monkeypatch.setattr(export, "executor", lambda count: export.InProcess())


def lines_of(job: ExportJob, name: str) -> list[dict[str, Any]]:
    text = (export.export_dir(job) / f"{name}.ndjson").read_text()
    return [json.loads(line) for line in text.splitlines()]


def test_the_large_types_are_split_into_key_ranges_that_cover_every_row(
    clinic: Clinic, in_ranges: None
) -> None:
    first = AdministrationFactory(patient=clinic.patient).pk
    for _ in range(12):
        last = AdministrationFactory(patient=clinic.patient).pk
    parts = export.plan_parts(["Patient", "QuestionnaireResponse"], ranges=3)
    assert parts[0] == export.Part("Patient")
    ranges = [p for p in parts if p.resource_type == "QuestionnaireResponse"]
    assert [p.number for p in ranges] == [0, 1, 2]
    # (after, up_to] ranges meet end to end from before the first row to past the last
    assert ranges[0].after == first - 1 and ranges[-1].up_to is None
    assert all(a.up_to == b.after for a, b in itertools.pairwise(ranges))
    assert ranges[1].after < last


def test_a_split_export_lists_every_type_once_in_the_order_asked(
    api: Api,
    clinic: Clinic,
    in_ranges: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    seed(clinic)
    for _ in range(12):
        AdministrationFactory(patient=clinic.patient)
    kick_off(api, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    assert [entry["type"] for entry in job.output] == EXPORTABLE
    assert sorted(p.name for p in export.export_dir(job).iterdir()) == sorted(
        f"{name}.ndjson" for name in EXPORTABLE
    )  # no part's file is left over
    assert job.resources_written == sum(entry["count"] for entry in job.output)
    for entry in job.output:
        assert len(lines_of(job, entry["type"])) == entry["count"], entry


def test_a_split_file_is_in_the_same_order_as_one_written_whole(
    api: Api,
    team_client: ApiClient,
    clinic: Clinic,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for _ in range(15):
        AdministrationFactory(patient=clinic.patient)
    types = ["QuestionnaireResponse", "Observation"]
    whole = ExportJob.objects.create(client=team_client, types=types, request_url="x")
    export.export_run(whole.pk)
    monkeypatch.setattr(export, "CHUNK", 1)
    monkeypatch.setattr(export, "workers", lambda: 3)
    monkeypatch.setattr(export, "executor", lambda count: export.InProcess())
    split = ExportJob.objects.create(client=team_client, types=types, request_url="x")
    report = export.export_job(split.pk)
    assert len(report.parts) == 12  # six key ranges of each
    ids = [
        str(a.public_id)
        for a in Administration.objects.filter(patient=clinic.patient).order_by("pk")
    ]
    for name in types:
        assert lines_of(split, name) == lines_of(whole, name)
    assert [r["id"] for r in lines_of(split, "QuestionnaireResponse")] == ids


def test_a_failing_part_fails_the_export_and_leaves_no_file(
    api: Api,
    clinic: Clinic,
    in_ranges: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    seed(clinic)

    def broken(row: Any) -> list[dict[str, Any]]:
        raise RuntimeError("a mapper bug")

    monkeypatch.setitem(
        TYPES, "Observation", dataclasses.replace(TYPES["Observation"], convert=broken)
    )
    response = kick_off(api, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED
    assert not export.export_dir(job).exists()
    status = api.get(response["Content-Location"].removeprefix("http://testserver"))
    assert status.status_code == 500
    body = status.json()
    assert body["resourceType"] == "OperationOutcome"
    assert "a mapper bug" not in json.dumps(body)  # no internals in the answer
    assert not AuditEvent.objects.filter(category="fhir_export").exists()
    for entry in ("Patient.ndjson", "Observation.ndjson"):
        download = api.get(f"/fhir/$export-file/{job.public_id}/{entry}")
        assert download.status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="worker processes need a database they share with this one (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_worker_processes_write_what_one_process_writes(
    team_client: ApiClient, clinic: Clinic, settings: Any
) -> None:
    seed(clinic)
    for _ in range(5):
        AdministrationFactory(patient=clinic.patient)
    alone = ExportJob.objects.create(
        client=team_client, types=EXPORTABLE, request_url="x"
    )
    export.export_run(alone.pk)
    settings.IPTCARE_FHIR_EXPORT_WORKERS = 2
    together = ExportJob.objects.create(
        client=team_client, types=EXPORTABLE, request_url="x"
    )
    report = export.export_job(together.pk)
    together.refresh_from_db()
    assert together.status == ExportStatus.DONE
    assert {r.pid for r in report.parts} - {os.getpid()}  # not this process
    assert together.output == ExportJob.objects.get(pk=alone.pk).output
    for name in EXPORTABLE:
        assert lines_of(together, name) == lines_of(alone, name), name
    assert AuditEvent.objects.filter(category="fhir_export").count() == 2 * 2


def test_kick_off_answers_before_any_part_runs(api: Api, clinic: Clinic) -> None:
    response = api.get("/fhir/$export", **ASYNC)  # no commit: the worker has not run
    assert response.status_code == 202
    assert ExportJob.objects.get().status == ExportStatus.QUEUED


def test_a_failure_names_no_patient_data(
    team_client: ApiClient, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the worker logs of a failed export: the job, the type and the kind of
    error, never the refused resource a validation error quotes."""
    seed(clinic)
    name = clinic.patient.family_name

    def refusing(row: Any) -> list[dict[str, Any]]:
        raise ValueError(f"input_value={{'family': {name!r}}}")

    monkeypatch.setitem(
        TYPES, "Patient", dataclasses.replace(TYPES["Patient"], convert=refusing)
    )
    job = ExportJob.objects.create(
        client=team_client, types=["Patient"], request_url="x"
    )
    with pytest.raises(export.ExportFailed) as failed:
        export.export_job(job.pk)
    assert str(failed.value) == (
        f"Export {job.public_id} failed writing Patient: ValueError."
    )
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert name not in "".join(traceback.format_exception(failed.value))
