"""Bulk ``$export`` (FHIR Bulk Data Access): the job's lifecycle and the writer.

The writer streams each type from the database with keyset pagination
(``WHERE id > last ORDER BY id LIMIT n``, never OFFSET) and ``iterator()``, validates
every resource with fhir.resources as it writes it, and appends it to one NDJSON file
per type, so memory stays flat whatever the size. Each patient whose records leave is
written to the audit trail once per export (in batches, one insert each).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from interop.choices import ExportStatus
from interop.models import ApiClient, ExportJob
from interop.registry import (
    EXPORTABLE,
    TYPES,
    BadParameter,
    ResourceType,
    to_json,
    validated,
)
from interop.release import release
from interop.requester import Requester

CHUNK = 2000
NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}


def export_dir(job: ExportJob) -> Path:
    return Path(settings.IPTCARE_FHIR_EXPORT_DIR) / str(job.public_id)


def parse_request(
    requester: Requester, params: dict[str, str]
) -> tuple[list[str], datetime | None]:
    """The types and ``_since`` of a kick-off; ``BadParameter`` says what is wrong."""
    unknown = set(params) - {"_type", "_since", "_outputFormat"}
    if unknown:
        raise BadParameter(f"$export does not take {sorted(unknown)[0]!r}.")
    output_format = params.get("_outputFormat")
    if output_format is not None and output_format not in NDJSON_FORMATS:
        raise BadParameter("_outputFormat: only application/fhir+ndjson.")
    types = [t for t in params.get("_type", "").split(",") if t] or [
        t for t in EXPORTABLE if requester.may(t)
    ]
    for name in types:
        if name not in EXPORTABLE:
            raise BadParameter(
                f"_type: {name!r} is not exported. Known: {', '.join(EXPORTABLE)}."
            )
        if not requester.may(name):
            raise BadParameter(f"_type: the token's scopes do not cover {name}.")
    if not types:
        raise BadParameter("The token's scopes cover no exported type.")
    since = None
    if params.get("_since"):
        try:
            since = datetime.fromisoformat(params["_since"].replace("Z", "+00:00"))
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            raise BadParameter(
                "_since must be an instant with a zone (2026-01-01T00:00:00Z)."
            )
    return list(dict.fromkeys(types)), since


@transaction.atomic
def export_start(
    *, client: ApiClient, types: list[str], since: datetime | None, request_url: str
) -> ExportJob:
    job = ExportJob.objects.create(
        client=client, types=types, since=since, request_url=request_url[:1000]
    )
    from interop.tasks import export_run

    transaction.on_commit(lambda: export_run(job.pk))
    return job


def _chunks(
    resource_type: ResourceType, requester: Requester, since: datetime | None
) -> Iterator[list[Any]]:
    """Every row of a type in chunks, keyset-paged on the primary key, streamed.

    Patient-data types walk the whole table by primary key and keep the rows of the
    requester's patients (a set of ids, read once): the planner cannot misjudge that,
    where a join to the access subquery made it fetch every patient's rows and sort.
    """
    allowed: set[int] | None = None
    queryset = resource_type.rows(requester)
    if resource_type.unscoped is not None:
        patients = requester.patients(
            resource_type.name, clinical=resource_type.clinical
        )
        allowed = set(patients.values_list("pk", flat=True))
        queryset = resource_type.unscoped()
    if since is not None and resource_type.since_fields:
        changed = Q()
        for column in resource_type.since_fields:
            changed |= Q(**{f"{column}__gte": since})
        if resource_type.since_fields == ("updated_at",):
            queryset = queryset.filter(changed)
        else:  # ids from a subquery: a join to a goal's ratings would repeat the goal
            queryset = queryset.filter(
                pk__in=queryset.model.objects.filter(changed).values("pk")
            )
    last = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last)
            .order_by("pk")[:CHUNK]
            .iterator(chunk_size=CHUNK)
        )
        if not chunk:
            return
        last = chunk[-1].pk
        if allowed is not None:
            chunk = [
                row for row in chunk if resource_type.patient_id_of(row) in allowed
            ]
        if chunk:
            yield chunk


class _Audit:
    """Each patient once per export, written in batches."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.seen: set[int] = set()
        self.pending: list[audit.Entry] = []

    def add(self, patient: Any, resource_type: str) -> None:
        if patient is None or patient.pk in self.seen:
            return
        self.seen.add(patient.pk)
        self.pending.append(
            audit.Entry(
                Action.EXPORT,
                "fhir_export",
                patient,
                "",
                f"type={resource_type}; via=export",
            )
        )
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        audit.record_many(
            actor=None, entries=self.pending, actor_label=self.client.label
        )
        self.pending = []


def export_run(job_id: int) -> int:
    """Write the job's files; returns the number of resources written."""
    job = ExportJob.objects.select_related(
        "client__application", "client__team", "client__recipient"
    ).get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return 0
    client = job.client
    requester = Requester(
        client=client, scopes=frozenset(f"system/{t}.read" for t in job.types)
    )
    job.status = ExportStatus.RUNNING
    job.transaction_time = timezone.now()
    job.save(update_fields=["status", "transaction_time", "updated_at"])
    folder = export_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    auditor = _Audit(client)
    output: list[dict[str, Any]] = []
    written = 0
    try:
        for name in job.types:
            resource_type = TYPES[name]
            path = folder / f"{name}.ndjson"
            count = 0
            with path.open("w", encoding="utf-8") as out:
                for chunk in _chunks(resource_type, requester, job.since):
                    batches = [
                        (resource_type.patient_of(row), resource_type.convert(row))
                        for row in chunk
                    ]
                    release(requester, name, batches)
                    for patient, resources in batches:
                        auditor.add(patient, name)
                        for resource in resources:
                            out.write(to_json(validated(resource_type, resource)))
                            out.write("\n")
                    count += sum(len(resources) for _, resources in batches)
                    ExportJob.objects.filter(pk=job.pk).update(
                        resources_written=written + count
                    )
            auditor.flush()
            written += count
            output.append({"type": name, "file": path.name, "count": count})
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error="The export failed; ask again.",
            finished_at=timezone.now(),
        )
        raise
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        output=output,
        resources_written=written,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.IPTCARE_FHIR_EXPORT_HOURS),
    )
    return written


def export_remove(job: ExportJob) -> None:
    shutil.rmtree(export_dir(job), ignore_errors=True)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, output=[])


def exports_remove_expired() -> int:
    """Remove the files of finished exports past their time (and of stale jobs)."""
    now = timezone.now()
    stale = now - timedelta(hours=settings.IPTCARE_FHIR_EXPORT_HOURS)
    jobs = ExportJob.objects.filter(
        expires_at__lte=now, status=ExportStatus.DONE
    ) | ExportJob.objects.filter(status=ExportStatus.FAILED, created_at__lte=stale)
    removed = 0
    for job in jobs:
        export_remove(job)
        removed += 1
    return removed
