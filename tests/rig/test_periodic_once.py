"""Periodic jobs run once per due time with two workers, even when one is killed in
the middle of an escalation (docs/decisions/0034).

Both rig workers run the periodic schedule, so each due time is enqueued twice. The
test holds the audit chain's lock, so the escalation that takes the alert first stops
half-way (alert row updated, audit row not yet written); the second copy waits on the
alert's row lock. That first worker is killed with SIGKILL: its transaction is rolled
back, the second copy escalates, and the alert is escalated exactly once."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import psycopg
import pytest

from audit import services as audit_services
from tests.rig.client import CLUSTER, ROOT, rig_env

# The audit chain's transaction-level advisory lock (audit/services.py).
CHAIN_LOCK_KEY = getattr(audit_services, "_CHAIN_LOCK_KEY", 0x1A7D17)

pytestmark = [pytest.mark.rig, pytest.mark.usefixtures("rig")]

DATABASE = os.environ.get(
    "RIG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iptcare_rig"
).replace("postgres://", "postgresql://", 1)


def django(code: str) -> str:
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "iptcare"), "shell", "-c", code],
        cwd=ROOT,
        env=rig_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def enqueue_escalation(times: int) -> None:
    """What each worker's scheduler does at a due time: enqueue the scan."""
    django(
        f"from alerts.tasks import alerts_escalate\nfor _ in range({times}): alerts_escalate()"
    )


def wait_for(what: str, probe: object, seconds: float = 90) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()  # type: ignore[operator]
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def db() -> Iterator[psycopg.Connection]:
    with psycopg.connect(DATABASE, autocommit=True) as conn:
        yield conn


def test_an_escalation_is_done_once_when_a_worker_dies_during_it(
    db: psycopg.Connection,
) -> None:
    alert_id, public_id = (
        django(
            "from alerts.models import Alert\n"
            "from alerts.choices import AlertKind, SourceType, Urgency\n"
            "from patients.models import Patient\n"
            "import uuid\n"
            "a = Alert.objects.create(patient=Patient.objects.order_by('id').first(),"
            " kind=AlertKind.RISK, rule='rig', urgency=Urgency.URGENT,"
            " reason='rig test', source_type=SourceType.COURSE,"
            " source_key='rig-' + uuid.uuid4().hex)\n"
            "print(a.pk, a.public_id)"
        )
        .splitlines()[-1]
        .split()
    )

    with psycopg.connect(DATABASE) as chain:  # a transaction holding the chain lock
        chain.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        db.execute(  # overdue now: raised three hours ago
            "UPDATE alerts_alert SET created_at = now() - interval '3 hours' "
            "WHERE id = %s",
            [int(alert_id)],
        )
        enqueue_escalation(2)  # two schedulers, one due time

        def half_way() -> str | None:
            row = db.execute(
                "SELECT application_name FROM pg_stat_activity "
                "WHERE application_name LIKE 'iptcare-worker%%' "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            ).fetchone()
            return row[0] if row else None

        victim = str(wait_for("an escalation half-way", half_way))
        number = victim.removeprefix("iptcare-worker")
        subprocess.run([str(CLUSTER), "kill-worker", number], cwd=ROOT, check=True)
        enqueue_escalation(1)  # the next due time, should both copies have died
    # The chain lock is released. The dead worker's server process, still waiting for
    # it, finds its client gone once granted and rolls back; the survivor finishes.
    wait_for(
        "the killed worker's transaction to end",
        lambda: db.execute(
            "SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = %s",
            [victim],
        ).fetchone()[0],
    )

    wait_for(
        "the escalation",
        lambda: db.execute(
            "SELECT escalated_at IS NOT NULL FROM alerts_alert WHERE id = %s",
            [int(alert_id)],
        ).fetchone()[0],
    )
    subprocess.run([str(CLUSTER), "start-worker", number], cwd=ROOT, check=True)
    enqueue_escalation(2)  # later due times find nothing to do
    time.sleep(5)
    escalations = db.execute(
        "SELECT count(*) FROM audit_auditevent WHERE object_id = %s "
        "AND detail LIKE 'escalated;%%'",
        [public_id],
    ).fetchone()[0]
    assert escalations == 1
