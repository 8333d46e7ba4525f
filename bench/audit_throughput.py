"""How many audited page reads per second two app processes sustain, and whether the
audit chain's one lock is what limits them (decision 0015).

    DATABASE_URL=postgres://…/db python bench/audit_throughput.py [--seconds 15] [--port 21300]

Needs a PostgreSQL database holding the demo clinic (``iptcare demo``). Measures:

1. *chain only*: two processes appending audit rows, one per transaction as a page
   read does, as fast as they can — the ceiling the lock sets;
2. *pages*: gunicorn with two workers serving a patient's page (one audit row each)
   to eight concurrent clients — what the service sustains.

If (2) is far below (1), the lock is not the ceiling and the chain stays one chain.
Prints one JSON object. Not part of ``make test``; timings belong here, not in tests.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo clinic's published sign-in


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    import django

    django.setup()


def _append_rows(seconds: float, counter: multiprocessing.Value) -> None:  # type: ignore[valid-type]
    _django()
    from audit import services as audit
    from audit.choices import Action
    from patients.models import Patient

    patient = Patient.objects.order_by("id").first()
    done = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        audit.record(actor=None, action=Action.VIEW, category="bench", patient=patient)
        done += 1
    with counter.get_lock():
        counter.value += done


def chain_only(seconds: float) -> float:
    counter = multiprocessing.Value("i", 0)
    workers = [
        multiprocessing.Process(target=_append_rows, args=(seconds, counter))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter.value / seconds


def _signed_in_opener(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    data = urllib.parse.urlencode(
        {
            "username": "clinician",
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        }
    ).encode()
    opener.open(urllib.request.Request(f"{base}/sign-in/", data=data))  # noqa: S310
    return opener


def pages(seconds: float, port: int, path: str) -> float:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "iptcare.settings"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "iptcare.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        openers = [_signed_in_opener(base) for _ in range(8)]
        count = [0]
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(opener: urllib.request.OpenerDirector) -> None:
            done = 0
            while time.monotonic() < stop:
                with opener.open(base + path) as response:
                    response.read()
                    assert response.status == 200
                done += 1
            with lock:
                count[0] += done

        threads = [threading.Thread(target=client, args=(o,)) for o in openers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return count[0] / seconds
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=21300)
    arguments = parser.parse_args()
    _django()
    from django.urls import reverse

    from patients.models import Patient

    patient = Patient.objects.filter(care_team__staff__username="clinician").first()
    assert patient is not None, "load the demo clinic first: iptcare demo"
    path = reverse("patients:detail", args=[patient.public_id])
    from django.db import connection

    connection.close()  # the worker processes open their own
    rows = chain_only(arguments.seconds)
    served = pages(arguments.seconds, arguments.port, path)
    print(
        json.dumps(
            {
                "chain_only_rows_per_second_2_processes": round(rows, 1),
                "audited_page_reads_per_second_2_workers": round(served, 1),
                "lock_headroom": round(rows / served, 1) if served else None,
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
