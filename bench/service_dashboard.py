"""Time the service dashboard (#14) at the benchmark's M scale, inside Django (no web
server).

    DATABASE_URL=postgres://…/bench python bench/service_dashboard.py \
        --patients 21500 --scores 600000

1. Loads the demo clinic at that size unless the database has it already (``iptcare
   demo`` is idempotent; about 0.93 courses per patient, so 21,500 patients make the
   M scale's 20,000 courses).
2. Pads the scores (PostgreSQL only) to ``--scores``: the demo measures three patients
   in four weekly for 1–12 weeks (about 200,000 scores at 21,500 patients), the M
   scale has 600,000. Each pass copies the demo's own scores a few days earlier
   (``INSERT … SELECT``), so the copies fall in the same courses.
3. Times the periodic job that precomputes the per-course rows
   (``service_outcomes_refresh``) on those scores.
4. Requests the dashboard as the demo clinical lead (whole service) and supervisor
   (their team) with each filter combination, and the supervisor's caseload review,
   ``--repeat`` times each, and prints p50 and p95 in milliseconds as one line of
   JSON, with the 1-minute load average.

Pages for ``bench/run.py``'s list (``bench/pages.py``): ``/service/outcomes/`` (as
``lead``) and ``/supervision/review/`` (as ``supervisor``). Not a test: timings live
here and in docs/benchmarks.md, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _p95(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "requests": len(ordered),
    }


def pad_scores(target: int) -> int:
    """Copy the demo's current scores a few days earlier until there are ``target``
    (PostgreSQL: ``gen_random_uuid``); returns the number added."""
    from django.db import connection

    from measures.models import Administration

    have = Administration.objects.count()
    if connection.vendor != "postgresql" or have >= target:
        return 0
    shifted = "administered_at"
    columns = [
        f.column
        for f in Administration._meta.concrete_fields
        if f.column not in {"id", "public_id", "series", shifted}
    ]
    names = ", ".join(columns)
    table = Administration._meta.db_table
    added, days = 0, 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608 - our own names
        (last_original,) = cursor.fetchone()
        while have + added < target:
            cursor.execute(
                f"INSERT INTO {table} (public_id, series, {shifted}, {names}) "  # noqa: S608
                f"SELECT gen_random_uuid(), gen_random_uuid(), "
                f"{shifted} - make_interval(days => %s), {names} FROM {table} "
                f"WHERE id <= %s AND superseded_at IS NULL ORDER BY id LIMIT %s",
                [days, last_original, target - have - added],
            )
            added += cursor.rowcount
            days += 2
        cursor.execute(f"ANALYZE {table}")
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=21500)
    parser.add_argument("--scores", type=int, default=600_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="time the page on the rows already computed (the demo computes them)",
    )
    args = parser.parse_args()
    os.environ.setdefault("IPTCARE_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    os.environ.setdefault("HUEY_IMMEDIATE", "1")
    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Staff
    from ipt.models import Course, Program
    from measures.models import Administration
    from outcomes.service_refresh import service_outcomes_refresh

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", "--patients", str(args.patients), verbosity=0)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    padded = pad_scores(args.scores)
    pad_s = round(time.perf_counter() - started, 1)
    refresh = None
    if not args.no_refresh:
        started = time.perf_counter()
        service_outcomes_refresh()
        refresh = round(time.perf_counter() - started, 1)

    today = timezone.localdate()
    supervisor = Staff.objects.get(username="supervisor")
    team = supervisor.teams.order_by("id").first()
    assert team is not None, "the demo supervisor leads a team"
    program = Program.objects.get(code="ipt16")
    clinician = Staff.objects.get(username="clinician")
    period = {"start": f"{today.year - 4}-01-01", "end": today.isoformat()}
    filters: dict[str, dict[str, Any]] = {
        "none (last 12 months)": {},
        "period of four years": period,
        "site": {"site": team.site_id},
        "team": {"team": team.pk},
        "clinician": {"clinician": clinician.pk},
        "program": {"program": program.pk},
        "problem area": {"problem_area": "disputes"},
        "four years, team, program, problem area": {
            **period,
            "team": team.pk,
            "program": program.pk,
            "problem_area": "disputes",
        },
        "site, clinician, program": {
            "site": team.site_id,
            "clinician": clinician.pk,
            "program": program.pk,
        },
    }
    results: dict[str, Any] = {}
    every: list[float] = []
    for username in ("lead", "supervisor"):
        client = Client()
        client.force_login(Staff.objects.get(username=username))
        client.get("/service/outcomes/")  # warm: imports, the chart's first drawing
        timings: dict[str, list[float]] = {name: [] for name in filters}
        for _ in range(args.repeat):
            for name, query in filters.items():
                begin = time.perf_counter()
                response = client.get("/service/outcomes/", query)
                timings[name].append(1000 * (time.perf_counter() - begin))
                if response.status_code != 200:
                    raise SystemExit(f"{username} {query}: {response.status_code}")
        results[username] = {name: _p95(t) for name, t in timings.items()}
        every += [t for ts in timings.values() for t in ts]
    review: list[float] = []
    client = Client()
    client.force_login(supervisor)
    client.get("/supervision/review/")
    for _ in range(args.repeat):
        begin = time.perf_counter()
        response = client.get("/supervision/review/")
        review.append(1000 * (time.perf_counter() - begin))
        if response.status_code != 200:
            raise SystemExit(f"review: {response.status_code}")
    print(
        json.dumps(
            {
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "courses": Course.objects.count(),
                "scores": Administration.objects.count(),
                "scores_padded": padded,
                "pad_s": pad_s,
                "demo_load_s": round(loaded, 1),
                "refresh_s": refresh,
                "dashboard_all": _p95(every),
                "dashboard": results,
                "review_supervisor": _p95(review),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
