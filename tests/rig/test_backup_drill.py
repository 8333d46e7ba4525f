"""The backup drill on both engines: back up a demo clinic, restore it into a fresh
database, migrate, match every table against the manifest, verify the audit chain.
A restore that does not match its manifest fails and names the table."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.rig.client import ROOT

pytestmark = pytest.mark.rig

DRILL = ROOT / "scripts" / "backup_drill.sh"


def _drill(engine: str, directory: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    rig_db = os.environ.get(
        "RIG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iptcare_rig"
    )
    env.update(
        PATIENTS="60", DRILL_DIR=str(directory), DRILL_DATABASE_URL=rig_db + "_drill"
    )
    out = subprocess.run(
        [str(DRILL), engine],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("engine", ["postgres", "sqlite"])
def test_the_drill_restores_every_row_and_the_audit_chain(
    engine: str, tmp_path: Path
) -> None:
    report = _drill(engine, tmp_path / "drill")
    assert "every table matched the manifest" in report
    assert "The audit trail is intact" in report
    restored = json.loads((tmp_path / "drill" / "restore.json").read_text())
    assert restored["verified"] is True and restored["rows"] > 1000


def test_a_restore_that_differs_from_its_manifest_fails(tmp_path: Path) -> None:
    _drill("sqlite", tmp_path / "drill")
    backup = tmp_path / "drill" / "backup"
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["tables"]["patients_patient"]["rows"] += 1  # as if a row went missing
    (backup / "manifest.json").write_text(json.dumps(manifest))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        IPTCARE_ENV="development",
        IPTCARE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'again.sqlite3'}",
    )
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "iptcare"), "restore", str(backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert "patients_patient: 60 rows, the backup has 61" in out.stderr
