"""Bulk $export throughput and memory at about a million resources (docs/benchmarks.md).

    DATABASE_URL=postgres://…/benchdb .venv/bin/python bench/fhir_export.py \
        --patients 2000 --target 1000000

1. Loads the demo clinic (``iptcare demo --patients N --if-empty``).
2. Pads it (PostgreSQL only) to about ``--target`` resources by copying the demo's
   scored administrations with new ids (``INSERT … SELECT``), because generating a
   million resources' worth of demo patients takes far longer than exporting them.
3. Runs the export job's own code (``interop.export.export_job``, what the Huey worker
   runs: the parts side by side in ``IPTCARE_FHIR_EXPORT_WORKERS`` processes, 0 = one
   per core) for an API client bound to the larger site, with every read scope, and
   prints resources written, wall seconds, CPU seconds across the job's process and
   its workers (PostgreSQL's own not counted), resources per wall- and per
   CPU-second, the load average, and the peak RSS of each process.

Not a test: timings live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """CPU time: on a shared, overloaded machine the wall clock measures the
    neighbours; CPU time measures the export's own Python work."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--target", type=int, default=1_000_000)
    parser.add_argument("--no-pad", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("IPTCARE_ENV", "development")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["HUEY_IMMEDIATE"] = "false"
    iptcare = str(ROOT / ".venv" / "bin" / "iptcare")
    subprocess.run([iptcare, "migrate", "-v0"], check=True)
    subprocess.run(
        [iptcare, "demo", "--patients", str(args.patients), "--if-empty"], check=True
    )

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Count
    from oauth2_provider.models import Application

    from accounts.models import Site
    from interop.export import export_job, workers
    from interop.models import ApiClient, ExportJob
    from interop.registry import EXPORTABLE, TYPES
    from interop.requester import Requester

    site = Site.objects.annotate(n=Count("teams__patients")).order_by("-n").first()
    assert site is not None
    application, _ = Application.objects.get_or_create(
        name="bench-export",
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
        },
    )
    scopes = " ".join(f"system/{name}.read" for name in EXPORTABLE)
    client, _ = ApiClient.objects.update_or_create(
        application=application, defaults={"site": site, "allowed_scopes": scopes}
    )
    requester = Requester(client=client, scopes=frozenset(scopes.split()))

    def estimate() -> int:
        administrations = TYPES["QuestionnaireResponse"].rows(requester).count()
        return (
            TYPES["Patient"].rows(requester).count()
            + TYPES["Condition"].rows(requester).count()
            + administrations * 2  # a response and at least its total
        )

    resources = estimate()
    print(f"site {site.name}: about {resources:,} resources before padding")
    if (
        not args.no_pad
        and resources < args.target
        and connection.vendor == "postgresql"
    ):
        started = time.perf_counter()
        visible = TYPES["QuestionnaireResponse"].rows(requester).values("pk")
        ids_sql, params = visible.query.sql_with_params()
        columns = (
            "patient_id, instrument_id, instrument_version, answers, extra_answers, "
            "total, band, caseness, critical_items, subscales, flags, "
            "incomplete_reason, administered_at, entered_by_id, source, revision, "
            "supersedes_id, superseded_at, correction_reason, created_at, updated_at"
        )
        with connection.cursor() as cursor:
            while resources < args.target:
                cursor.execute(
                    f"INSERT INTO measures_administration (public_id, series, {columns}) "  # noqa: S608 - our own SQL
                    f"SELECT gen_random_uuid(), gen_random_uuid(), {columns} "
                    f"FROM measures_administration WHERE id IN ({ids_sql}) "
                    f"LIMIT %s",
                    [*params, (args.target - resources) // 2 + 1],
                )
                resources = estimate()
            cursor.execute("ANALYZE measures_administration")
        print(f"padded to about {resources:,} in {time.perf_counter() - started:.0f} s")

    job = ExportJob.objects.create(client=client, types=EXPORTABLE, request_url="bench")
    baseline = rss_mb()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    children_started = cpu_seconds(resource.RUSAGE_CHILDREN)
    report = export_job(job.pk)
    seconds = time.perf_counter() - started
    own_cpu = cpu_seconds() - cpu_started
    workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - children_started
    cpu = own_cpu + workers_cpu
    written = report.written
    job.refresh_from_db()
    size = sum(
        f.stat().st_size
        for f in Path(
            os.environ.get("IPTCARE_FHIR_EXPORT_DIR", ROOT / "var" / "fhir-exports"),
            str(job.public_id),
        ).glob("*.ndjson")
    )
    kinds = ", ".join(f"{o['type']} {o['count']:,}" for o in job.output)
    print(f"types: {kinds}")
    processes: dict[int, tuple[float, float, int, float]] = {}
    for part in report.parts:  # a process's last report holds its peak and CPU
        rss, process_cpu, done, database = processes.get(part.pid, (0.0, 0.0, 0, 0.0))
        processes[part.pid] = (
            max(rss, part.peak_rss_mb),
            max(process_cpu, part.cpu_seconds),
            done + part.count,
            max(database, part.database_cpu_seconds or 0.0),
        )
    database_cpu = sum(p[3] for p in processes.values())
    print(
        f"{len(report.parts)} parts in {len(processes)} process(es), "
        f"{workers()} wanted:"
    )
    for pid, (rss, process_cpu, done, database) in sorted(processes.items()):
        own = " (the job's own)" if pid == os.getpid() else ""
        print(
            f"  pid {pid}{own}: {done:,} resources, peak RSS {rss:.0f} MB, "
            f"CPU {process_cpu:.1f} s since it started, its PostgreSQL backend's "
            f"CPU {database:.1f} s"
        )
    load_after = os.getloadavg()[0]
    print(
        f"written {written:,} resources in {seconds:.1f} s wall = "
        f"{written / seconds:,.0f} resources/s; {size / 1e6:,.0f} MB NDJSON; "
        f"CPU {cpu:.1f} s (job {own_cpu:.1f} s + workers {workers_cpu:.1f} s) = "
        f"{written / cpu:,.0f} resources per CPU-second; with the PostgreSQL "
        f"backends' {database_cpu:.1f} s: {written / (cpu + database_cpu):,.0f} "
        f"resources per CPU-second; job process peak RSS "
        f"{rss_mb():.0f} MB (after start-up {baseline:.0f} MB); workers' peak RSS "
        f"total {sum(p[0] for pid, p in processes.items() if pid != os.getpid()):.0f} MB;"
        f" load average {load_before:.1f} before, {load_after:.1f} after, on "
        f"{os.cpu_count()} cores"
    )
    from interop.export import export_remove

    export_remove(job)


if __name__ == "__main__":
    main()
