"""Crashes lose nothing: portal submissions with retries while gunicorn is killed with
SIGKILL and restarted (scripts/fault_harness.py, here at a small scale; the full
10,000-submission, 20-kill run is `make fault`, figures in docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rig.client import ROOT

pytestmark = pytest.mark.rig


@pytest.mark.parametrize(("engine", "port"), [("postgres", 21855), ("sqlite", 21856)])
def test_every_acknowledged_submission_is_stored_once_across_kills(
    engine: str, port: int, tmp_path: Path
) -> None:
    rig_db = os.environ.get(
        "RIG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iptcare_rig"
    )
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "fault_harness.py"),
            "--engine",
            engine,
            "--database-url",
            rig_db + "_fault",
            "--submissions",
            "200",
            "--kills",
            "3",
            "--patients",
            "8",
            "--threads",
            "4",
            "--port",
            str(port),
            "--dir",
            str(tmp_path / "fault"),
            "--max-seconds",
            "600",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["kills"] == 3 and result["server_starts"] == 4
    assert result["acknowledged"] == result["stored"] == 200
    assert result["lost"] == 0 and result["duplicated"] == 0
    assert result["submitted_audit_rows"] == 200
    assert result["audit_chain_intact"] and result["integrity_ok"]
    assert result["new_links"] >= 1  # a patient whose link was spent asked again
