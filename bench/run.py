"""``make bench``: serve IPT Care with gunicorn on 127.0.0.1 and time its pages.

Loads the demo clinic at the requested size into a database of its own, starts gunicorn
(2 × cores + 1 sync workers, DEBUG off), signs in as the demo clinician and requests each
page a bounded number of times from a few client threads. Reports p50/p95/p99 latency,
throughput and queries per request (counted in-process), beside two floors: /health (the
framework with the full middleware stack) and the raw SQL of the caseload.

Only 127.0.0.1 is ever contacted; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class Timing:
    name: str
    latencies_ms: list[float]
    seconds: float
    errors: int

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds


class Session:
    """A signed-in browser-like client over one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def sign_in(self, username: str, password: str) -> float:
        _, page = self.request("GET", "/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        body = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
            }
        )
        started = time.perf_counter()
        status, _ = self.request("POST", "/sign-in/", body)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 302:
            raise RuntimeError(f"sign-in failed with {status}")
        return elapsed


def measure(name: str, port: int, path: str, requests: int, threads: int) -> Timing:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(count: int) -> None:
        nonlocal errors
        session = Session(port)
        session.sign_in("clinician", "demo-pass-2026")
        for _ in range(count):
            started = time.perf_counter()
            status, _ = session.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += status != 200

    per_thread = max(1, requests // threads)
    pool = [threading.Thread(target=worker, args=(per_thread,)) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=600)
    return Timing(name, latencies, time.perf_counter() - started, errors)


def queries_per_page(env: dict[str, str]) -> dict[str, int]:
    script = """
import django, json
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.access import caseload_for
from accounts.models import Staff
staff = Staff.objects.get(username="clinician")
patient = caseload_for(staff).order_by("family_name").first()
client = Client()
client.force_login(staff)
pages = {"caseload": "/", "caseload search": "/?q=an",
         "patient": f"/patients/{patient.public_id}/"}
counts = {}
for name, url in pages.items():
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    counts[name] = len(queries)
print(json.dumps(counts))
"""
    out = subprocess.run(
        [str(BIN / "python"), "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def raw_caseload_sql(env: dict[str, str], repeats: int) -> Timing:
    script = f"""
import django, json, time
django.setup()
from django.db import connection
from accounts.access import caseload_for
from accounts.models import Staff
staff = Staff.objects.get(username="clinician")
sql, params = caseload_for(staff).order_by("family_name", "given_name", "id")[:25].query.sql_with_params()
out = []
with connection.cursor() as cursor:
    for _ in range({repeats}):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        out.append((time.perf_counter() - started) * 1000)
print(json.dumps(out))
"""
    out = subprocess.run(
        [str(BIN / "python"), "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    latencies = json.loads(out.stdout.strip().splitlines()[-1])
    # one client, back to back: throughput is the inverse of the summed latency
    return Timing(
        "raw SQL: caseload page (1 client)", latencies, sum(latencies) / 1000, 0
    )


def wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=400, help="per page")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--report", default=str(ROOT / "bench" / "results" / "latest.md")
    )
    args = parser.parse_args()

    var = Path(tempfile.gettempdir()) / "iptcare-bench"
    var.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "IPTCARE_ENV": "development",
        "DEBUG": "false",
        "IPTCARE_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "iptcare.settings",
        "DATABASE_URL": args.database_url
        or f"sqlite:///{var}/bench-{args.patients}.sqlite3",
        "IPTCARE_SIGN_IN_FAILURE_LIMIT": "1000",
    }
    iptcare = str(BIN / "iptcare")
    subprocess.run([iptcare, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [iptcare, "demo", "--patients", str(args.patients)], env=env, check=True
    )
    subprocess.run([iptcare, "collectstatic", "--noinput", "-v0"], env=env, check=True)

    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "iptcare.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for(args.port, time.monotonic() + 60)
        sign_in_ms = [
            Session(args.port).sign_in("clinician", "demo-pass-2026") for _ in range(10)
        ]
        pages: list[tuple[str, str]] = [
            ("/health (framework floor, full middleware)", "/health"),
            ("caseload", "/"),
            ("caseload search", "/?q=an"),
        ]
        probe = Session(args.port)
        probe.sign_in("clinician", "demo-pass-2026")
        _, caseload = probe.request("GET", "/")
        match = re.search(r'href="(/patients/[0-9a-f-]{36}/)"', caseload)
        if match:
            pages.append(("patient record", match.group(1)))
        timings = [raw_caseload_sql(env, args.requests)]
        timings += [
            measure(n, args.port, p, args.requests, args.threads) for n, p in pages
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = queries_per_page(env)
    write_report(args, workers, timings, sign_in_ms, counts)


def write_report(
    args: argparse.Namespace,
    workers: int,
    timings: list[Timing],
    sign_in_ms: list[float],
    counts: dict[str, int],
) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        f"# Benchmark: {args.patients:,} patients",
        "",
        f"commit {commit}; {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"database `{(args.database_url or 'sqlite').split(':')[0]}`; gunicorn {workers} sync "
        f"workers; {args.threads} client threads on the same machine; {args.requests} requests "
        "per page.",
        "",
        "| page | p50 ms | p95 ms | p99 ms | req/s | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.name} | {timing.percentile(0.5):.1f} | {timing.percentile(0.95):.1f} "
            f"| {timing.percentile(0.99):.1f} | {timing.throughput:.0f} | {timing.errors} |"
        )
    lines += [
        "",
        f"Sign-in (Argon2 verify and session): median {statistics.median(sign_in_ms):.0f} ms "
        f"over {len(sign_in_ms)}.",
        "",
        "Queries per page (in-process): "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + ".",
    ]
    report = "\n".join(lines) + "\n"
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(report, encoding="utf-8")
    sys.stdout.write(report)


if __name__ == "__main__":
    main()
