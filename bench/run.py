"""``make bench``: serve IPT Care with gunicorn on 127.0.0.1 and time its pages.

Loads the demo clinic at the requested size into a database of its own (a database
already loaded is reused: ``iptcare demo`` is idempotent), starts gunicorn (2 × cores + 1
sync workers, DEBUG off), signs in as the demo clinician and requests each page a bounded
number of times from a few client threads. Then the patient portal: patients with a
PHQ-9 due sign in with a one-time link and their date of birth, open the portal home
and the questionnaire's question pages, and answer and send the questionnaire (each
timed send on a fresh response: ``--submits`` patients are prepared beforehand). Reports
p50/p95/p99 latency, throughput and queries per request (counted in-process), beside two
floors: /health (the framework with the full middleware stack) and the raw SQL of the
caseload.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from inside import ANSWERS, INSTRUMENT

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORTAL_INSTRUMENT = INSTRUMENT
PORTAL_ANSWERS = ANSWERS


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
    """A browser-like client over one keep-alive connection, keeping its cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.location = ""  # the last answer's Location header

    def request(
        self,
        method: str,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = "http://127.0.0.1/"
        sent.update(headers or {})
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        text = response.read().decode()
        self.location = response.getheader("Location", "")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def form(self, fields: dict[str, object] | None = None) -> str:
        """A form body with the CSRF token (the cookie's value, as Django accepts)."""
        token = self.cookies.get("csrftoken", "")
        return urlencode({"csrfmiddlewaretoken": token, **(fields or {})})

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

    def portal_sign_in(self, link: dict[str, Any]) -> float:
        """The patient's way in: the one-time link, then the date of birth. Returns the
        milliseconds of the date-of-birth POST."""
        status, _ = self.request("GET", link["path"])
        assert status == 302, f"portal link answered {status}"
        status, _ = self.request("GET", "/portal/sign-in/")
        assert status == 200, f"portal sign-in page answered {status}"
        body = self.form({k: link[k] for k in ("day", "month", "year")})
        started = time.perf_counter()
        status, _ = self.request("POST", "/portal/sign-in/", body)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 302 or not self.location.endswith("/portal/home/"):
            raise RuntimeError(f"portal sign-in failed with {status}")
        return elapsed

    def start_questionnaire(self) -> str:
        """Start the due PHQ-9; return its answers' base path (``/portal/answers/<id>/``)."""
        status, _ = self.request(
            "POST", f"/portal/questionnaires/{PORTAL_INSTRUMENT}/start/", self.form()
        )
        match = re.search(r"(/portal/answers/[0-9a-f-]{36}/)1/$", self.location)
        if status != 302 or match is None:
            raise RuntimeError(f"questionnaire start answered {status} {self.location}")
        return match.group(1)


class Recorder:
    """Latencies of one kind of request, gathered from several threads."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.latencies: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()

    def request(
        self,
        session: Session,
        method: str,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> int:
        started = time.perf_counter()
        status, _ = session.request(method, path, body, headers)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies.append(elapsed)
            self.errors += status != expect
        return status

    def timing(self, seconds: float) -> Timing:
        return Timing(self.name, self.latencies, seconds, self.errors)


def in_threads(jobs: list[Callable[[], None]]) -> float:
    """Run each job in its own thread (bounded wait); return the wall-clock seconds."""
    pool = [threading.Thread(target=job) for job in jobs]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=600)
    return time.perf_counter() - started


def measure(
    name: str,
    port: int,
    path: str,
    requests: int,
    threads: int,
    headers: dict[str, str] | None = None,
) -> Timing:
    """A staff page: each thread signs in as the demo clinician and GETs it."""
    recorder = Recorder(name)
    per_thread = max(1, requests // threads)

    def worker() -> None:
        session = Session(port)
        session.sign_in("clinician", "demo-pass-2026")
        for _ in range(per_thread):
            recorder.request(session, "GET", path, headers=headers)

    return recorder.timing(in_threads([worker] * threads))


def measure_portal(
    port: int, links: list[dict[str, Any]], requests: int, threads: int
) -> tuple[list[Timing], list[float]]:
    """The portal home and the question pages. One patient per thread, signed in and
    with the PHQ-9 started; the question pages are fetched in turn, 1 to 10."""
    sessions: list[tuple[Session, str]] = []
    sign_in_ms = []
    for link in links[:threads]:
        session = Session(port)
        sign_in_ms.append(session.portal_sign_in(link))
        sessions.append((session, session.start_questionnaire()))
    per_thread = max(1, requests // threads)
    home = Recorder("portal home")
    question = Recorder("portal question page")

    def home_job(session: Session) -> Callable[[], None]:
        def job() -> None:
            for _ in range(per_thread):
                home.request(session, "GET", "/portal/home/")

        return job

    def question_job(session: Session, base: str) -> Callable[[], None]:
        def job() -> None:
            for n in range(per_thread):
                question.request(
                    session, "GET", f"{base}{n % len(PORTAL_ANSWERS) + 1}/"
                )

        return job

    home_seconds = in_threads([home_job(session) for session, _ in sessions])
    question_seconds = in_threads([question_job(s, base) for s, base in sessions])
    return [home.timing(home_seconds), question.timing(question_seconds)], sign_in_ms


def measure_submits(
    port: int, links: list[dict[str, Any]], threads: int
) -> list[Timing]:
    """Each patient signs in, starts the PHQ-9, answers its ten screens (each answer
    POST timed) and sends it (the send POST timed): one fresh response per send."""
    answer = Recorder("portal answer (POST, one screen)")
    submit = Recorder("portal questionnaire submit (POST)")
    shares = [links[i::threads] for i in range(threads)]

    def job(share: list[dict[str, Any]]) -> Callable[[], None]:
        def run() -> None:
            for link in share:
                session = Session(port)
                session.portal_sign_in(link)
                base = session.start_questionnaire()
                for number, position in enumerate(PORTAL_ANSWERS, start=1):
                    body = session.form({"answer": position})
                    answer.request(
                        session, "POST", f"{base}{number}/", body, expect=302
                    )
                submit.request(
                    session, "POST", f"{base}check/", session.form(), expect=302
                )
                if not session.location.endswith("/sent/"):
                    with submit.lock:
                        submit.errors += 1

        return run

    seconds = in_threads([job(share) for share in shares if share])
    return [answer.timing(seconds), submit.timing(seconds)]


def inside(env: dict[str, str], *args: str) -> Any:
    """Run ``bench/inside.py`` (Django's side of the benchmark); return its JSON."""
    out = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "inside.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench/inside.py {' '.join(args)} failed:\n{out.stderr}")
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
    parser.add_argument(
        "--submits",
        type=int,
        default=60,
        help="questionnaire sends to time, each by its own patient (default 60)",
    )
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--database-url",
        default="",
        help="default: SQLite in the temporary directory, one file per size; a "
        "database already loaded is reused",
    )
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
        # Every portal sign-in comes from 127.0.0.1: lift the per-address limit.
        "IPTCARE_PORTAL_RATE_LIMIT": "1000000",
    }
    iptcare = str(BIN / "iptcare")
    subprocess.run([iptcare, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [iptcare, "demo", "--patients", str(args.patients)], env=env, check=True
    )
    subprocess.run([iptcare, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    inside(env, "analyze")
    # One patient per client thread for the portal pages, one per timed send.
    links = inside(env, "portal-links", str(args.threads + args.submits))

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
    load = os.getloadavg()[0]  # before the server starts: other work on the machine
    try:
        wait_for(args.port, time.monotonic() + 60)
        sign_in_ms = [
            Session(args.port).sign_in("clinician", "demo-pass-2026") for _ in range(10)
        ]
        pages: list[tuple[str, str, dict[str, str] | None]] = [
            ("/health (framework floor, full middleware)", "/health", None),
            ("caseload", "/", None),
            # Two letters: no trigram, so no index can narrow it (docs/benchmarks.md).
            ("caseload search `?q=an`", "/?q=an", None),
            ("caseload search `?q=ann`", "/?q=ann", None),
            # What the search box sends as the clinician types: the table only.
            (
                "caseload search `?q=ann`, HTMX partial",
                "/?q=ann",
                {"HX-Request": "true"},
            ),
        ]
        probe = Session(args.port)
        probe.sign_in("clinician", "demo-pass-2026")
        _, caseload = probe.request("GET", "/")
        match = re.search(r'href="(/patients/[0-9a-f-]{36}/)"', caseload)
        if match:
            pages.append(("patient record", match.group(1), None))
            pages.append(("recovery page", f"{match.group(1)}recovery/", None))
        timings = [raw_caseload_sql(env, args.requests)]
        timings += [
            measure(n, args.port, p, args.requests, args.threads, h)
            for n, p, h in pages
        ]
        portal_timings, portal_sign_in_ms = measure_portal(
            args.port, links[: args.threads], args.requests, args.threads
        )
        timings += portal_timings
        timings += measure_submits(args.port, links[args.threads :], args.threads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = inside(env, "queries")
    write_report(args, workers, timings, sign_in_ms, portal_sign_in_ms, counts, load)


def write_report(
    args: argparse.Namespace,
    workers: int,
    timings: list[Timing],
    sign_in_ms: list[float],
    portal_sign_in_ms: list[float],
    counts: dict[str, int],
    load: float,
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
        f"per page; {time.strftime('%Y-%m-%d %H:%M')}; 1-minute load average {load:.1f} "
        "before the server started (other work on the machine skews every figure).",
        "",
        "| page | n | p50 ms | p95 ms | p99 ms | req/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for timing in timings:
        if not timing.latencies_ms:
            continue
        lines.append(
            f"| {timing.name} | {len(timing.latencies_ms)} | {timing.percentile(0.5):.1f} "
            f"| {timing.percentile(0.95):.1f} | {timing.percentile(0.99):.1f} "
            f"| {timing.throughput:.0f} | {timing.errors} |"
        )
    lines += [
        "",
        f"Sign-in (Argon2 verify and session): median {statistics.median(sign_in_ms):.0f} ms "
        f"over {len(sign_in_ms)}. Portal sign-in (date of birth): median "
        f"{statistics.median(portal_sign_in_ms):.0f} ms over {len(portal_sign_in_ms)}.",
        "",
        "The answer and submit rows share one phase (each patient signs in, starts the "
        "questionnaire, answers ten screens, sends): their req/s is over that phase.",
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
