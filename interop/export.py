"""Bulk ``$export`` (FHIR Bulk Data Access): the job's lifecycle and the writer.

Each type is its own NDJSON file and its own scan, so the job is split into parts —
one per type, and key ranges of the types with most rows (``SPLIT``) — written side by
side by worker processes (``IPTCARE_FHIR_EXPORT_WORKERS``, docs/decisions/0061). A
part streams its rows from the database with keyset pagination (``WHERE id > last
ORDER BY id LIMIT n``, never OFFSET) and ``iterator()``, validates every resource with
fhir.resources as it writes it (``interop.validation``) and appends it to its own file,
so memory stays flat in every process whatever the size. When every part is done, a
type's parts are joined in key order into its file, each patient whose records left is
written to the audit trail once (in batches, one insert each), and the manifest is
recorded; a part that fails fails the export and its files are removed.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import (
    Executor,
    Future,
    ProcessPoolExecutor,
    as_completed,
)
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from resource import RUSAGE_SELF, getrusage
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
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
)
from interop.release import release
from interop.requester import Requester
from interop.validation import Validator
from patients.models import Patient

CHUNK = 2000
NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
SPLIT = frozenset({"QuestionnaireResponse", "Observation"})
"""The types with most rows (about half the resources each), written in key ranges."""


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
            # In UTC, as it is stored: an offset must not carry it past 0001 or 9999.
            since = since.astimezone(UTC) if since.tzinfo is not None else None
        except (ValueError, OverflowError):
            since = None
        if since is None:
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


class ExportFailed(Exception):
    """An export failed. It names the job, the type being written and the kind of
    error only: the error itself is not chained, because a validation error quotes
    the resource it refused (patient data) and the worker logs what it raises."""


@dataclass(frozen=True)
class Part:
    """One unit of work: one type's rows with primary keys in ``(after, up_to]``
    (``None``: unbounded), written to its own file, ``number`` in pk order."""

    resource_type: str
    number: int = 0
    after: int = 0
    up_to: int | None = None

    @property
    def file_name(self) -> str:
        return f"{self.resource_type}.{self.number}.part"


@dataclass
class PartReport:
    """What a part wrote, and the process that wrote it (for the benchmark)."""

    part: Part
    count: int
    patients: set[int]
    pid: int
    peak_rss_mb: float
    cpu_seconds: float
    database_cpu_seconds: float | None = None
    """Its PostgreSQL backend's CPU so far, when the server is on this machine."""


@dataclass
class ExportReport:
    written: int
    parts: list[PartReport] = field(default_factory=list)


def _chunks(
    resource_type: ResourceType,
    requester: Requester,
    since: datetime | None,
    part: Part,
) -> Iterator[list[Any]]:
    """Every row of a type in the part's key range in chunks, keyset-paged on the
    primary key, streamed.

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
    if part.up_to is not None:
        queryset = queryset.filter(pk__lte=part.up_to)
    last = part.after
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


def _audit(client: ApiClient, patients: dict[int, str]) -> None:
    """Each exported patient once per export (the first type their records went out
    in), written in batches of one insert each."""
    ids = sorted(patients)
    for start in range(0, len(ids), CHUNK):
        batch = ids[start : start + CHUNK]
        found = Patient.objects.only("pk").in_bulk(batch)
        audit.record_many(
            actor=None,
            actor_label=client.label,
            entries=[
                audit.Entry(
                    Action.EXPORT,
                    "fhir_export",
                    found[pk],
                    "",
                    f"type={patients[pk]}; via=export",
                )
                for pk in batch
                if pk in found
            ],
        )


def plan_parts(types: list[str], ranges: int) -> list[Part]:
    """One part per type; the types with most rows (``SPLIT``) in ``ranges`` key
    ranges of about equal size, so that they spread over the workers."""
    parts: list[Part] = []
    for name in types:
        resource_type = TYPES[name]
        if ranges <= 1 or name not in SPLIT or resource_type.unscoped is None:
            parts.append(Part(name))
            continue
        bounds = resource_type.unscoped().aggregate(low=Min("pk"), high=Max("pk"))
        low, high = bounds["low"], bounds["high"]
        if low is None or high - low < ranges * CHUNK:
            parts.append(Part(name))
            continue
        step = (high - low + 1) // ranges
        edges = [low - 1 + step * n for n in range(ranges)] + [high]
        for number in range(ranges):
            parts.append(
                Part(
                    name,
                    number,
                    edges[number],
                    None if number == ranges - 1 else edges[number + 1],
                )
            )
    return parts


def export_part(job_id: int, part: Part, folder: Path) -> PartReport:
    """Write one part's file in ``folder`` (the job's, as the job's process has it):
    validate each resource as it is written, label and account for what the
    disclosure rules require, count progress on the job."""
    job = ExportJob.objects.select_related(
        "client__application", "client__team", "client__recipient"
    ).get(pk=job_id)
    requester = Requester(
        client=job.client, scopes=frozenset(f"system/{t}.read" for t in job.types)
    )
    name = part.resource_type
    resource_type = TYPES[name]
    validate = Validator(resource_type.model)
    patients: set[int] = set()
    count = 0
    with (folder / part.file_name).open("w", encoding="utf-8") as out:
        for chunk in _chunks(resource_type, requester, job.since, part):
            batches = [
                (resource_type.patient_of(row), resource_type.convert(row))
                for row in chunk
            ]
            release(requester, name, batches)
            written = 0
            for patient, resources in batches:
                if patient is not None and resources:
                    patients.add(patient.pk)
                for resource in resources:
                    out.write(to_json(validate(resource)))
                    out.write("\n")
                written += len(resources)
            count += written
            ExportJob.objects.filter(pk=job.pk).update(
                resources_written=F("resources_written") + written
            )
    usage = getrusage(RUSAGE_SELF)
    return PartReport(
        part=part,
        count=count,
        patients=patients,
        pid=os.getpid(),
        peak_rss_mb=usage.ru_maxrss / 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        database_cpu_seconds=_database_cpu_seconds(),
    )


def _database_cpu_seconds() -> float | None:
    """The CPU time of this connection's PostgreSQL backend, read from ``/proc`` when
    the server runs on this machine (the benchmark's: a process's own CPU leaves out
    the database's share of the work); ``None`` elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()
    except OSError:
        return None
    # the fields after the command's name, from the state on: utime, stime at 11, 12
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers() -> int:
    """How many processes write an export's parts (``IPTCARE_FHIR_EXPORT_WORKERS``;
    0, the default, is one per core)."""
    return max(1, settings.IPTCARE_FHIR_EXPORT_WORKERS or os.cpu_count() or 1)


class InProcess(Executor):
    """Runs each part at once in this process: one worker, and the tests."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller, as a pool would
            future.set_exception(error)
        return future


def executor(count: int) -> Executor:
    """Worker processes for the parts (fresh interpreters: the Huey worker that runs
    the job has threads, which forking would copy in whatever state they were)."""
    if count <= 1:
        return InProcess()
    from interop import export_worker

    database = connection.settings_dict["NAME"]
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=export_worker.start,
        initargs=(database,),
    )


def _assemble(folder: Path, parts: list[Part], name: str) -> None:
    """A type's parts, in key order, become its one NDJSON file."""
    own = sorted((p for p in parts if p.resource_type == name), key=lambda p: p.number)
    target = folder / f"{name}.ndjson"
    if len(own) == 1:
        (folder / own[0].file_name).rename(target)
        return
    with target.open("wb") as out:
        for part in own:
            with (folder / part.file_name).open("rb") as piece:
                shutil.copyfileobj(piece, out, 1 << 20)
            (folder / part.file_name).unlink()


def export_job(job_id: int) -> ExportReport:
    """Write the job's files, the types side by side; the manifest when all are done."""
    job = ExportJob.objects.select_related("client").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return ExportReport(written=0)
    job.status = ExportStatus.RUNNING
    job.transaction_time = timezone.now()
    job.resources_written = 0
    job.save(
        update_fields=["status", "transaction_time", "resources_written", "updated_at"]
    )
    folder = export_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    count = workers()
    failing = ""
    reports: dict[Part, PartReport] = {}
    try:
        parts = plan_parts(job.types, ranges=count * 2 if count > 1 else 1)
        # the largest first, so that the small types fill the gaps at the end
        order = sorted(parts, key=lambda p: p.resource_type not in SPLIT)
        with executor(min(count, len(parts))) as pool:
            futures = {
                pool.submit(export_part, job.pk, part, folder): part for part in order
            }
            try:
                for future in as_completed(futures):
                    failing = futures[future].resource_type
                    report = future.result()
                    reports[report.part] = report
                failing = ""
            except BaseException:
                # the parts not started never start; the running ones end before
                # their folder goes
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        for name in job.types:
            _assemble(folder, parts, name)
        exported: dict[int, str] = {}
        for part in parts:
            for patient in reports[part].patients:
                exported.setdefault(patient, part.resource_type)
        _audit(job.client, exported)
    except Exception as error:
        shutil.rmtree(folder, ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error="The export failed; ask again.",
            finished_at=timezone.now(),
        )
        where = f" writing {failing}" if failing else ""
        raise ExportFailed(
            f"Export {job.public_id} failed{where}: {type(error).__name__}."
        ) from None
    output = [
        {
            "type": name,
            "file": f"{name}.ndjson",
            "count": sum(
                r.count for p, r in reports.items() if p.resource_type == name
            ),
        }
        for name in job.types
    ]
    written = sum(entry["count"] for entry in output)
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        output=output,
        resources_written=written,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.IPTCARE_FHIR_EXPORT_HOURS),
    )
    return ExportReport(written=written, parts=[reports[p] for p in parts])


def export_run(job_id: int) -> int:
    """Write the job's files; returns the number of resources written."""
    return export_job(job_id).written


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
