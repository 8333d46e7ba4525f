"""Time the service dashboard (#14) at scale, inside Django (no web server).

    DATABASE_URL=postgres://…/bench python bench/service_dashboard.py --patients 21500

Loads the demo clinic at that size unless the database has it already (``iptcare
demo`` is idempotent; about 0.93 courses per patient, so 21,500 patients make the
benchmark's M scale of 20,000 courses), times the refresh job that precomputes the
per-course rows, then requests the dashboard as the demo clinical lead (whole service)
and supervisor (their team) with each filter, ``--repeat`` times each, and prints the
p50 and p95 in milliseconds as one line of JSON. Pages for ``bench/run.py``'s list:
``/service/outcomes/`` (signed in as ``lead`` or ``supervisor``) and
``/supervision/review/`` (``supervisor``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=21500)
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

    from accounts.models import Staff, Team
    from ipt.models import Course, Program
    from measures.models import Administration
    from outcomes.service_refresh import service_outcomes_refresh

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", "--patients", str(args.patients), verbosity=0)
    loaded = time.perf_counter() - started
    refresh = None
    if not args.no_refresh:
        started = time.perf_counter()
        service_outcomes_refresh()
        refresh = round(time.perf_counter() - started, 1)

    today = timezone.localdate()
    team = Team.objects.order_by("id").first()
    program = Program.objects.order_by("id").first()
    clinician = Staff.objects.get(username="clinician")
    filters = [
        {},
        {"start": f"{today.year - 4}-01-01", "end": today.isoformat()},
        {"team": team.pk if team else ""},
        {"site": team.site_id if team else ""},
        {"clinician": clinician.pk},
        {"program": program.pk if program else ""},
        {"problem_area": "disputes"},
    ]
    results: dict[str, dict[str, float]] = {}
    for username in ("lead", "supervisor"):
        client = Client()
        client.force_login(Staff.objects.get(username=username))
        client.get("/service/outcomes/")  # warm: imports, the chart's first drawing
        timings = []
        for _ in range(args.repeat):
            for query in filters:
                begin = time.perf_counter()
                response = client.get("/service/outcomes/", query)
                timings.append(1000 * (time.perf_counter() - begin))
                if response.status_code != 200:
                    raise SystemExit(f"{username} {query}: {response.status_code}")
        timings.sort()
        results[username] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
            "requests": len(timings),
        }
    print(
        json.dumps(
            {
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "courses": Course.objects.count(),
                "scores": Administration.objects.count(),
                "demo_load_s": round(loaded, 1),
                "refresh_s": refresh,
                "dashboard": results,
            }
        )
    )


if __name__ == "__main__":
    main()
