"""``make bench``: serve IPT Care with gunicorn on 127.0.0.1 and time its pages with wrk.

Loads the demo clinic at the requested size into a database of its own (a database
already loaded is reused: ``iptcare demo`` is idempotent), then serves three things side
by side: a bare Django "hello world" (``bench/hello.py``: no middleware, no database),
IPT Care's ``/health`` (the full middleware stack) and every page of ``bench/pages.py``,
each under gunicorn with 5 sync workers and DEBUG off. ``wrk`` drives each one twice:
one connection (p50/p95/p99) and eight connections (req/s), with the cookie of a
signed-in demo user. Sampled requests read the ``Server-Timing`` header of the
benchmark's middleware (``bench/timing.py``): queries per request and the time in SQL
against the time in Python. The slowest page is profiled with pyinstrument. Then the
portal's writes: patients answer and send a PHQ-9 from a few client threads. The report
(``bench/results/latest.md``) gives each page's ratio to ``/health`` and to hello-world,
and whether it meets the targets of issue #17.

Only 127.0.0.1 is ever contacted; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
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
from pages import HEAVY, PAGES, Page

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


WRK_SCRIPT = ROOT / "bench" / "report.lua"
WORKERS = 5


@dataclass
class Load:
    """One wrk run: requests, seconds, latency percentiles in milliseconds."""

    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Result:
    page: Page
    path: str
    one: Load | None = None  # one connection
    eight: Load | None = None  # eight connections
    # /health with eight connections in turns with the page's own: the floor its
    # share is taken of, measured beside it (the machine drifts over a run).
    beside: Load | None = None
    queries: int = 0
    sql_ms: float = 0.0
    python_ms: float = 0.0
    problem: str = ""


def ensure_wrk() -> str:
    """wrk from Debian; installed here when missing (as root), as CI machines start bare."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "wrk"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("make bench needs wrk: apt-get install wrk")
    return found


def wrk(
    binary: str,
    port: int,
    path: str,
    connections: int,
    seconds: float,
    headers: dict[str, str],
) -> Load:
    command = [
        binary,
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    line = next(
        line for line in reversed(out.stdout.splitlines()) if line.startswith("{")
    )
    data = json.loads(line)
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=data["socket_errors"] + data["bad_status"],
    )


def server_timing(
    port: int, path: str, headers: dict[str, str], samples: int
) -> tuple[int, float, float]:
    """Queries, SQL ms and Python ms per request: medians of ``samples`` requests."""
    queries, sql, python = [], [], []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(samples):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        fields = dict(
            re.findall(r"(\w+);dur=([0-9.]+)", response.getheader("Server-Timing", ""))
        )
        count = re.search(r'"(\d+) queries"', response.getheader("Server-Timing", ""))
        queries.append(int(count.group(1)) if count else 0)
        sql.append(float(fields.get("db", 0)))
        python.append(float(fields.get("app", 0)))
    return (
        int(statistics.median(queries)),
        statistics.median(sql),
        statistics.median(python),
    )


def serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--pythonpath",
            str(ROOT / "bench"),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def wait_for(port: int, path: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {port}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def run_page(
    binary: str,
    port: int,
    page: Page,
    path: str,
    headers: dict[str, str],
    args: argparse.Namespace,
) -> Result:
    result = Result(page, path)
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    probe.request("GET", path, headers=headers)
    answer = probe.getresponse()
    answer.read()
    if answer.status != page.status:
        result.problem = f"answered {answer.status}, expected {page.status}"
        return result
    if args.warmup > 0:
        # Every worker's first requests import, compile and connect: a stall of a
        # second or more that once fell inside /health's own timing and halved it.
        wrk(binary, port, path, 8, args.warmup, headers)
    result.one = wrk(binary, port, path, 1, args.seconds, headers)
    if page.kind == "floor":
        result.eight = wrk(binary, port, path, 8, args.seconds, headers)
    else:
        result.eight, result.beside = side_by_side(binary, port, path, headers, args)
    result.queries, result.sql_ms, result.python_ms = server_timing(
        port, path, headers, args.samples
    )
    return result


# The page and /health take turns (a second each at the default 5 s), this many times: the machine is
# shared and its speed drifts by a third within a minute, so a floor timed once, or
# even straight after the page, is not the floor the page ran beside.
TURNS = 5


def side_by_side(
    binary: str,
    port: int,
    path: str,
    headers: dict[str, str],
    args: argparse.Namespace,
) -> tuple[Load, Load]:
    """The page's load with eight connections and /health's, in turns of a second,
    ``args.seconds`` in all for each: their requests and seconds summed."""
    turn = max(1, round(args.seconds / TURNS))  # wrk takes whole seconds
    page, floor = [], []
    for _ in range(TURNS):
        page.append(wrk(binary, port, path, 8, turn, headers))
        floor.append(wrk(binary, port, "/health", 8, turn, {}))
    return _summed(page), _summed(floor)


def _summed(loads: list[Load]) -> Load:
    """Requests, seconds and errors summed; the latencies of the slowest turn."""
    slowest = max(loads, key=lambda load: load.p95)
    return Load(
        requests=sum(load.requests for load in loads),
        seconds=sum(load.seconds for load in loads),
        p50=slowest.p50,
        p95=slowest.p95,
        p99=slowest.p99,
        errors=sum(load.errors for load in loads),
    )


def shared_cache(url: str) -> str:
    """The Redis a deployment serves with, emptied for this run; '' when none answers
    (the product then keeps sessions in the database and caches per process)."""
    if not url:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        print(f"No Redis at {url}: serving without a shared cache.")
        return ""
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument(
        "--seconds", type=float, default=5, help="per page and connection count"
    )
    parser.add_argument(
        "--samples", type=int, default=20, help="requests read for Server-Timing"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=2,
        help="seconds of untimed load on each page first, 8 connections (0: none)",
    )
    parser.add_argument("--threads", type=int, default=4, help="portal send threads")
    parser.add_argument(
        "--submits",
        type=int,
        default=40,
        help="questionnaire sends to time, each by its own patient (default 40)",
    )
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--only", default="", help="time only the pages whose name contains this"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="default: $BENCH_DATABASE_URL, else SQLite in the temporary directory, "
        "one file per size; a database already loaded is reused",
    )
    parser.add_argument(
        "--report", default=str(ROOT / "bench" / "results" / "latest.md")
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="the shared cache a deployment has (sessions, rate limits); emptied at "
        "the start; '' or unreachable: none, as make run serves",
    )
    args = parser.parse_args()
    binary = ensure_wrk()

    var = Path(tempfile.gettempdir()) / "iptcare-bench"
    var.mkdir(exist_ok=True)
    args.redis_url = shared_cache(args.redis_url)  # "" when none answers
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
        "PYTHONPATH": str(ROOT / "bench"),
        "REDIS_URL": args.redis_url,
    }
    iptcare = str(BIN / "iptcare")
    subprocess.run([iptcare, "migrate", "-v0"], env=env, check=True)
    loaded = time.monotonic()
    subprocess.run(
        [iptcare, "demo", "--patients", str(args.patients)], env=env, check=True
    )
    load_seconds = time.monotonic() - loaded
    subprocess.run([iptcare, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    inside(env, "analyze")
    # One patient for the question page, one per timed send.
    links = inside(env, "portal-links", str(1 + args.submits))
    targets = {"clinician": inside(env, "targets", "clinician")}
    heavy = inside(env, "has-user", "supervisor-large")
    if heavy:
        targets["supervisor-large"] = inside(env, "targets", "supervisor-large")

    load = os.getloadavg()[0]  # before the servers start: other work on the machine
    floors: dict[str, Result] = {}
    hello = serve(
        "hello:application", args.port + 1, {**env, "DJANGO_SETTINGS_MODULE": "hello"}
    )
    try:
        wait_for(args.port + 1, "/hello", time.monotonic() + 60)
        floors["hello"] = run_page(
            binary,
            args.port + 1,
            Page("hello world (bare Django, no middleware)", "/hello", "floor"),
            "/hello",
            {},
            args,
        )
    finally:
        stop(hello)
    server = serve(
        "iptcare.wsgi", args.port, {**env, "DJANGO_SETTINGS_MODULE": "settings_bench"}
    )
    results: list[Result] = []
    submits: list[Timing] = []
    sign_in_ms: list[float] = []
    try:
        wait_for(args.port, "/health", time.monotonic() + 60)
        floors["health"] = run_page(
            binary,
            args.port,
            Page("/health (full middleware)", "/health", "floor"),
            "/health",
            {},
            args,
        )
        cookies: dict[str, dict[str, str]] = {}
        for user in {page.user for page in PAGES + HEAVY} - {"patient"}:
            if user == "supervisor-large" and not heavy:
                continue
            session = Session(args.port)
            sign_in_ms.append(session.sign_in(user, "demo-pass-2026"))
            cookies[user] = session.cookies
        patient = Session(args.port)
        patient.portal_sign_in(links[0])
        answers = patient.start_questionnaire().rstrip("/").rsplit("/", 1)[-1]
        cookies["patient"] = patient.cookies
        for page in PAGES + (HEAVY if heavy else []):
            if args.only and args.only not in page.name:
                continue
            names = {**targets.get(page.user, targets["clinician"]), "answers": answers}
            try:
                path = page.path.format(**names)
            except KeyError as missing:
                results.append(
                    Result(page, page.path, problem=f"no {missing} in the demo")
                )
                continue
            headers = {
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies[page.user].items()),
                **page.headers,
            }
            results.append(run_page(binary, args.port, page, path, headers, args))
            print(f"  {page.name}: done", file=sys.stderr)
        submits = measure_submits(args.port, links[1:], args.threads)
    finally:
        stop(server)
    timed = [r for r in results if r.one is not None]
    slowest = max(timed, key=lambda r: r.one.p95 if r.one else 0.0, default=None)
    profile = ""
    if slowest is not None and slowest.page.user != "patient":
        extra = [f"{k}={v}" for k, v in slowest.page.headers.items()]
        profile = inside(env, "profile", slowest.page.user, slowest.path, *extra)
    write_report(
        args, load_seconds, floors, results, submits, sign_in_ms, slowest, profile, load
    )


def _ratio(value: float, floor: Result | None) -> float:
    rate = floor.eight.rate if floor and floor.eight else 0.0
    return value / rate if rate else 0.0


def share(result: Result, health: Result | None) -> float:
    """The page's req/s with eight connections ÷ /health's measured beside it (the
    run's own /health for a page timed without one)."""
    assert result.eight is not None
    if result.beside is not None and result.beside.rate:
        return result.eight.rate / result.beside.rate
    return _ratio(result.eight.rate, health)


def verdict(result: Result, health: Result | None) -> str:
    """Whether the page meets issue #17's targets: p95 with one connection, and its
    share of /health's throughput with eight."""
    if result.one is None or result.eight is None:
        return "—"
    misses = []
    target = result.page.target_p95_ms
    if target is not None and result.one.p95 > target:
        misses.append(f"p95 > {target:.0f}")
    if share(result, health) < result.page.floor_share:
        misses.append(f"share < {result.page.floor_share:g}")
    if result.one.errors or result.eight.errors:
        misses.append("errors")
    return "yes" if not misses else "no: " + ", ".join(misses)


def write_report(
    args: argparse.Namespace,
    load_seconds: float,
    floors: dict[str, Result],
    results: list[Result],
    submits: list[Timing],
    sign_in_ms: list[float],
    slowest: Result | None,
    profile: str,
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
    health, hello = floors.get("health"), floors.get("hello")
    lines = [
        f"# Benchmark: {args.patients:,} patients",
        "",
        f"commit {commit}; {cpu}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}; database "
        f"`{(args.database_url or 'sqlite').split(':')[0]}`; gunicorn {WORKERS} sync "
        f"workers; shared cache {'Redis' if args.redis_url else 'none'}; "
        f"wrk on the same machine, {args.seconds:g} s per page with 1 "
        f"connection and again with 8; {time.strftime('%Y-%m-%d %H:%M')}; 1-minute "
        f"load average {load:.1f} before the servers started (other work on the "
        f"machine skews every figure: compare the ratios). Demo loaded or checked in "
        f"{load_seconds:.0f} s.",
        "",
        "| page | kind | p50 ms | p95 ms | p99 ms | req/s (8 conn.) | /health beside "
        "| ÷ /health | ÷ hello | queries | SQL ms | Python ms | target met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in [*floors.values(), *results]:
        if result.one is None or result.eight is None:
            lines.append(
                f"| {result.page.name} | {result.page.kind} | {result.problem} |"
            )
            continue
        lines.append(
            f"| {result.page.name} | {result.page.kind} | {result.one.p50:.1f} "
            f"| {result.one.p95:.1f} | {result.one.p99:.1f} | {result.eight.rate:.0f} "
            f"| {result.beside.rate if result.beside else result.eight.rate:.0f} "
            f"| {share(result, health):.2f} "
            f"| {_ratio(result.eight.rate, hello):.3f} | {result.queries} "
            f"| {result.sql_ms:.1f} | {result.python_ms:.1f} "
            f"| {verdict(result, health) if result.page.kind != 'floor' else ''} |"
        )
    lines += [
        "",
        "p50/p95/p99: one connection, back to back. SQL and Python ms: medians of "
        f"{args.samples} sampled requests, inside Django (the `Server-Timing` of "
        "`bench/timing.py`); the rest of the latency is gunicorn, the network stack "
        "and wrk. ÷ /health: the page's req/s with 8 connections ÷ /health's with 8, "
        f"the two timed in {TURNS} turns each (the machine is shared and "
        "its speed drifts within a minute; the run's own /health is the floors' "
        "line). Targets (issue #17): pages "
        "p95 ≤ 100 ms, HTMX partials ≤ 50 ms; req/s with 8 connections ≥ 0.15 of "
        "/health's (≥ 0.5 for the alert counter and the portal question page).",
        "",
    ]
    if sign_in_ms:
        lines.append(
            f"Sign-in (Argon2 verify and session): median "
            f"{statistics.median(sign_in_ms):.0f} ms over {len(sign_in_ms)}."
        )
    for timing in submits:
        if timing.latencies_ms:
            lines.append(
                f"{timing.name}: p50 {timing.percentile(0.5):.1f} ms, p95 "
                f"{timing.percentile(0.95):.1f} ms over {len(timing.latencies_ms)} "
                f"({args.threads} patients at once), {timing.errors} errors."
            )
    if slowest is not None and profile:
        lines += [
            "",
            f"## Profile of the slowest page: {slowest.page.name}",
            "",
            "pyinstrument, 30 requests in one process (Django's test client, "
            "`bench/inside.py profile`):",
            "",
            "```",
            profile.rstrip(),
            "```",
        ]
    report = "\n".join(lines) + "\n"
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(report, encoding="utf-8")
    sys.stdout.write(report)


if __name__ == "__main__":
    main()
