"""The crash harness (docs/operations.md; QUALITY.md A10 test 12): portal questionnaire
submissions while the web server is killed with SIGKILL at random and restarted.

    .venv/bin/python scripts/fault_harness.py --engine postgres --submissions 10000 --kills 20
    .venv/bin/python scripts/fault_harness.py --engine sqlite ...

A fresh database (PostgreSQL ``--database-url`` or a SQLite file in WAL mode) gets the
demo clinic and, for ``--patients`` patients, ``submissions / patients`` answered
GAD-7 drafts each. Client threads, one signed-in patient each, send every draft's
submit and retry it — same response, same address: the response's id is the
idempotency key — on a dropped connection, a timeout or a 5xx, until it is
acknowledged (302 to the "sent" page). Meanwhile a supervisor kills gunicorn (master
and workers) with SIGKILL ``--kills`` times at random moments and starts it again.

Then: every acknowledged submission is stored exactly once (one administration, one
"submitted" audit row), none is lost, the audit chain is intact and the database's own
integrity check is clean (``PRAGMA integrity_check``; amcheck's ``bt_index_check`` on
every B-tree index). Prints one JSON line; exit 1 if anything is lost, duplicated or
corrupt. Everything listens on 127.0.0.1; bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INSTRUMENT = "gad7"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["postgres", "sqlite"], required=True)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/iptcare_fault",
        help="PostgreSQL only: recreated for the run",
    )
    parser.add_argument("--dir", default=str(ROOT / "var" / "fault"))
    parser.add_argument("--port", type=int, default=21850)
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--patients", type=int, default=40)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--max-seconds", type=int, default=3600)
    parser.add_argument("--seed", type=int, default=18)
    return parser.parse_args()


# --- The database, prepared and checked from here (Django, the same settings) --------


def server_env(args: argparse.Namespace, database_url: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))
    }
    env.update(
        IPTCARE_ENV="development",
        DEBUG="false",
        DATABASE_URL=database_url,
        IPTCARE_VAR_DIR=str(Path(args.dir) / "var"),
        HUEY_IMMEDIATE="false",
        REDIS_URL="",
        ALLOWED_HOSTS="127.0.0.1",
        IPTCARE_BASE_URL=f"http://127.0.0.1:{args.port}",
        # One address signs every harness patient in; sessions must outlive the run.
        IPTCARE_PORTAL_RATE_LIMIT="100000",
        IPTCARE_PORTAL_IDLE_MINUTES="600",
        IPTCARE_PORTAL_ABSOLUTE_HOURS="24",
    )
    return env


def fresh_database(args: argparse.Namespace) -> str:
    directory = Path(args.dir)
    subprocess.run(["rm", "-rf", str(directory)], check=True)
    (directory / "var").mkdir(parents=True)
    if args.engine == "sqlite":
        return f"sqlite:///{directory / 'fault.sqlite3'}"
    url = args.database_url
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    ):
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)
    return url


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "iptcare.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Demo clinic, drafts and a sign-in link per harness patient."""
    from measures.instruments import REGISTRY
    from measures.models import Administration
    from patients.models import Patient
    from portal.models import QuestionnaireResponse
    from portal.services.links import Redeemed, link_issue, link_redeem

    instrument = REGISTRY[INSTRUMENT]
    patients = list(Patient.objects.order_by("id")[: args.patients])
    if len(patients) < args.patients:
        raise SystemExit(f"the demo clinic has only {len(patients)} patients")
    per_patient = -(-args.submissions // len(patients))
    drafts = []
    for n in range(args.submissions):
        patient = patients[n % len(patients)]
        drafts.append(
            QuestionnaireResponse(
                patient=patient,
                instrument_id=INSTRUMENT,
                due_key=f"fault-{n:06d}",
                answers=[1] * len(instrument.items),
                extra_answers=[0] * len(instrument.extra_items),
            )
        )
    QuestionnaireResponse.objects.bulk_create(drafts, batch_size=1000)
    args.baseline = Administration.objects.filter(
        patient__in=patients, instrument_id=INSTRUMENT
    ).count()
    by_patient: dict[int, list[str]] = {p.pk: [] for p in patients}
    for patient_id, public_id in QuestionnaireResponse.objects.filter(
        due_key__startswith="fault-"
    ).values_list("patient_id", "public_id"):
        by_patient[patient_id].append(str(public_id))
    out = []
    for n, patient in enumerate(patients):
        issued = link_issue(patient=patient, channel="email", by=None)
        dob = patient.date_of_birth
        if n == 0:
            # The first patient's link is spent before the run, as a sign-in that
            # committed and lost its response to a kill leaves it: every run goes
            # the way such a patient must (ask for a new link), not only an unlucky one.
            redeemed = link_redeem(digest=issued.link.token_digest, date_of_birth=dob)
            assert redeemed.outcome == Redeemed.SIGNED_IN
        out.append(
            {
                "patient_id": patient.pk,
                "link": issued.path,
                "dob": {"day": dob.day, "month": dob.month, "year": dob.year},
                "responses": by_patient[patient.pk],
            }
        )
    assert sum(len(p["responses"]) for p in out) == args.submissions
    assert max(len(p["responses"]) for p in out) <= per_patient
    return out


def verify(args: argparse.Namespace, acknowledged: set[str]) -> dict[str, Any]:
    from django.db import connection

    from audit.models import AuditEvent
    from audit.services import verify_chain
    from measures.models import Administration
    from portal.models import QuestionnaireResponse

    responses = QuestionnaireResponse.objects.filter(due_key__startswith="fault-")
    ours = {str(r) for r in responses.values_list("public_id", flat=True)}
    stored = {
        str(r)
        for r in responses.filter(administration__isnull=False).values_list(
            "public_id", flat=True
        )
    }
    patient_ids = set(responses.values_list("patient_id", flat=True))
    administrations = (
        Administration.objects.filter(
            patient_id__in=patient_ids, instrument_id=INSTRUMENT
        ).count()
        - args.baseline
    )
    submitted_audit = AuditEvent.objects.filter(
        category="portal_questionnaire", detail__startswith="submitted;"
    ).values_list("object_id", flat=True)
    audit_counts: dict[str, int] = {}
    for object_id in submitted_audit:
        if object_id not in ours:
            continue
        audit_counts[object_id] = audit_counts.get(object_id, 0) + 1
    lost = sorted(acknowledged - stored)
    duplicated_audit = sum(1 for c in audit_counts.values() if c > 1)
    chain = verify_chain()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = [row[0] for row in cursor.fetchall()]
        integrity_ok = integrity == ["ok"]
        integrity_text = "PRAGMA integrity_check: " + "; ".join(integrity[:3])
    else:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            cursor.execute(
                "SELECT count(*) FROM (SELECT bt_index_check(c.oid, true) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE a.amname = 'btree' "
                "AND n.nspname = 'public') AS checked"
            )
            checked = cursor.fetchone()[0]
        integrity_ok = True  # bt_index_check raises on any corruption
        integrity_text = (
            f"amcheck bt_index_check(heapallindexed): {checked} indexes clean"
        )
    return {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": len(lost),
        "administrations": administrations,
        "duplicated": administrations - len(stored) + duplicated_audit,
        "submitted_audit_rows": sum(audit_counts.values()),
        "audit_chain_intact": chain.intact,
        "integrity": integrity_text,
        "integrity_ok": integrity_ok,
    }


# --- The server and its supervisor ----------------------------------------------------


@dataclass
class Server:
    args: argparse.Namespace
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    log: Any = None

    def start(self) -> None:
        if self.log is None:
            self.log = (Path(self.args.dir) / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "iptcare.wsgi",
                "--chdir",
                str(ROOT),
                "--bind",
                f"127.0.0.1:{self.args.port}",
                "--workers",
                str(self.args.web_workers),
                "--timeout",
                "60",
            ],
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,  # its own process group: master and workers
        )
        self.starts += 1
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url("/health"), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.args.port}{path}"


@dataclass
class Tally:
    acknowledged: set[str] = field(default_factory=set)
    attempts: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)
    # Clients start no new submission once this many are acknowledged, until the
    # supervisor has made its next kill: a server that restarts slowly cannot let the
    # writes run out before the last kill (the first full run made 14 of 20).
    hold_at: float = math.inf

    def acknowledge(self, response_id: str) -> None:
        with self.lock:
            self.acknowledged.add(response_id)
            self.lock.notify_all()

    def wait_for_turn(self, deadline: float) -> bool:
        """False if the deadline passed while held."""
        with self.lock:
            while len(self.acknowledged) >= self.hold_at:
                if time.monotonic() > deadline:
                    return False
                self.lock.wait(0.5)
        return True

    def hold(self, at: float) -> None:
        with self.lock:
            self.hold_at = at
            self.lock.notify_all()


# What the portal answers for a link already used (portal/views/patient.py).
SPENT = 410


def _new_link(patient: dict[str, Any]) -> str:
    """What a patient does when their link is spent by a sign-in that a kill cut short
    after it committed (the response never came): ask the clinic for another."""
    from django.db import connection

    from patients.models import Patient
    from portal.services.links import link_issue

    try:
        issued = link_issue(
            patient=Patient.objects.get(pk=patient["patient_id"]),
            channel="email",
            by=None,
        )
    finally:
        connection.close()  # this thread's own connection
    patient["new_links"] = patient.get("new_links", 0) + 1
    return issued.path


def sign_in(
    server: Server, patient: dict[str, Any], deadline: float
) -> requests.Session:
    session = requests.Session()
    last = "no answer"
    while time.monotonic() < deadline:  # the server may be down: retry until it answers
        try:
            session.cookies.clear()
            first = session.get(
                server.url(patient["link"]), allow_redirects=False, timeout=10
            )
            if first.status_code != 302:
                raise requests.RequestException(f"link answered {first.status_code}")
            # The link itself always redirects; a spent one shows on the sign-in page.
            page = session.get(server.url("/portal/sign-in/"), timeout=10)
            if page.status_code == SPENT:
                patient["link"] = _new_link(patient)
            token = CSRF.search(page.text)
            if page.status_code != 200 or token is None:
                raise requests.RequestException(f"sign-in page {page.status_code}")
            done = session.post(
                server.url("/portal/sign-in/"),
                data={"csrfmiddlewaretoken": token.group(1), **patient["dob"]},
                headers={"Referer": server.url("/portal/sign-in/")},
                allow_redirects=False,
                timeout=10,
            )
            if done.status_code == 302 and done.headers["Location"].endswith(
                "/portal/home/"
            ):
                return session
            if done.status_code == SPENT:
                patient["link"] = _new_link(patient)
            raise requests.RequestException(f"sign-in answered {done.status_code}")
        except requests.RequestException as failure:
            last = str(failure)
            time.sleep(0.5)
    raise RuntimeError(f"could not sign in (last: {last})")


def submit_all(
    server: Server, patients: list[dict[str, Any]], tally: Tally, deadline: float
) -> None:
    for patient in patients:
        # A link works once; a session lost with its cookie would need a new one.
        try:
            session = sign_in(server, patient, deadline)
        except RuntimeError as failure:
            tally.failures.append(f"patient {patient['patient_id']}: {failure}")
            return
        token = session.cookies.get("csrftoken", "")
        for response_id in patient["responses"]:
            if not tally.wait_for_turn(deadline):
                tally.failures.append(f"{response_id}: out of time, held for a kill")
                return
            path = f"/portal/answers/{response_id}/check/"
            for attempt in range(1, 101):
                if time.monotonic() > deadline:
                    tally.failures.append(f"{response_id}: out of time")
                    return
                with tally.lock:
                    tally.attempts += 1
                    tally.retries += attempt > 1
                try:
                    answer = session.post(
                        server.url(path),
                        data={"csrfmiddlewaretoken": token},
                        headers={"Referer": server.url(path)},
                        allow_redirects=False,
                        timeout=15,
                    )
                except requests.RequestException:
                    time.sleep(0.2)
                    continue
                if answer.status_code == 302 and answer.headers["Location"].endswith(
                    f"/portal/answers/{response_id}/sent/"
                ):
                    tally.acknowledge(response_id)
                    break
                if answer.status_code >= 500 or answer.status_code == 429:
                    time.sleep(0.2)
                    continue
                tally.failures.append(f"{response_id}: answered {answer.status_code}")
                break
            else:
                tally.failures.append(f"{response_id}: not acknowledged in 100 tries")


@dataclass(frozen=True)
class Kill:
    mark: int  # kill once this many submissions are acknowledged
    hold: int  # and let the clients start none past this many until it is made


def kill_plan(total: int, kills: int, rng: random.Random) -> list[Kill]:
    """From 2% to 95% of the total, cut into ``kills`` equal slices (each at least
    one submission wide), a mark drawn at random in each — random, yet never two
    kills on top of each other. The clients may run a slice past a mark before its
    kill is made, never to the end: the last kill would then be lost."""
    if kills < 1:
        return []
    low = max(int(total * 0.02), 1)
    high = max(int(total * 0.95), low + kills)
    width = (high - low) / kills
    plan = []
    for n in range(kills):
        mark = rng.randrange(low + int(n * width), low + int((n + 1) * width))
        plan.append(Kill(mark, max(min(mark + math.ceil(width), total - 1), mark)))
    return plan


def supervise(
    server: Server,
    tally: Tally,
    plan: list[Kill],
    stop: threading.Event,
    rng: random.Random,
) -> list[int]:
    """Kill gunicorn when the count of acknowledged submissions passes each mark,
    then a random fraction of a second later, so every kill lands among the writes;
    restart it after a moment down. Kills are spaced by acknowledged submissions, not
    by time: the clients are held at the kill's ``hold`` until it is made (the caller
    holds them at the first before they start). Returns the marks killed at."""
    done: list[int] = []
    try:
        for kill in plan:
            tally.hold(kill.hold)
            while len(tally.acknowledged) < kill.mark:
                if stop.wait(0.05):
                    return done
            time.sleep(rng.uniform(0.0, 0.5))
            server.kill()
            done.append(kill.mark)
            time.sleep(rng.uniform(0.0, 1.0))  # down for a moment, as after a crash
            server.start()
    finally:
        tally.hold(math.inf)
    return done


def main() -> None:
    args = arguments()
    rng = random.Random(args.seed)
    database_url = fresh_database(args)
    env = server_env(args, database_url)
    for command in (["migrate", "--noinput"], ["demo", "--patients", "60"]):
        subprocess.run(
            [str(BIN / "iptcare"), *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    django_setup(env)
    patients = prepare(args)
    with socket.socket() as probe:  # refuse to run if the port is taken
        probe.bind(("127.0.0.1", args.port))
    server = Server(args=args, env=env)
    server.start()
    try:
        run(args, rng, server, patients)
    finally:
        server.stop()


def run(
    args: argparse.Namespace,
    rng: random.Random,
    server: Server,
    patients: list[dict[str, Any]],
) -> None:
    tally = Tally()
    plan = kill_plan(args.submissions, args.kills, rng)
    if plan:
        tally.hold(plan[0].hold)  # before any client starts
    deadline = time.monotonic() + args.max_seconds
    shares: list[list[dict[str, Any]]] = [[] for _ in range(args.threads)]
    for n, patient in enumerate(patients):
        shares[n % args.threads].append(patient)
    started = time.monotonic()
    clients = [
        threading.Thread(target=submit_all, args=(server, share, tally, deadline))
        for share in shares
        if share
    ]
    for client in clients:
        client.start()
    stop = threading.Event()
    moments: list[int] = []
    supervisor = threading.Thread(
        target=lambda: moments.extend(supervise(server, tally, plan, stop, rng))
    )
    supervisor.start()
    for client in clients:
        client.join()
    stop.set()  # kills after the last write would prove nothing
    supervisor.join()
    elapsed = time.monotonic() - started
    server.stop()
    result = {
        "engine": args.engine,
        "submissions": args.submissions,
        "kills": len(moments),
        "kill_marks": moments,
        "server_starts": server.starts,
        "attempts": tally.attempts,
        "retries": tally.retries,
        "seconds": round(elapsed, 1),
        "failures": tally.failures[:10],
        "new_links": sum(p.get("new_links", 0) for p in patients),
        **verify(args, tally.acknowledged),
    }
    (Path(args.dir) / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    ok = (
        result["lost"] == 0
        and result["duplicated"] == 0
        and result["acknowledged"] == args.submissions
        and result["kills"] == args.kills
        and result["new_links"] >= 1  # the spent link was met and replaced
        and result["audit_chain_intact"]
        and result["integrity_ok"]
        and not tally.failures
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
