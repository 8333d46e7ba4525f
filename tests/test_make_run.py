"""`make run` serves as a deployment does: gunicorn and the job worker, on SQLite in
WAL mode, and the links it prints (and the portal's QR codes) name the port served."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children_named(pid: int) -> list[str]:
    out = subprocess.run(
        ["ps", "-o", "args=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return out.stdout.splitlines()


@pytest.mark.rig
def test_make_run_serves_with_gunicorn_and_the_worker_on_the_port_asked(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "IPTCARE_BASE_URL"}
    }
    env.update(PORT=str(port), IPTCARE_VAR_DIR=str(tmp_path), IPTCARE_ENV="development")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'iptcare.sqlite3'}"
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen(
        ["scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / "run.log").read_text()
                assert time.monotonic() < deadline, "make run did not come up"
                time.sleep(1)
        output = (tmp_path / "run.log").read_text()
        for _ in range(30):  # the link is printed just after the server starts
            if "/portal/link/" in output:
                break
            time.sleep(1)
            output = (tmp_path / "run.log").read_text()
        assert re.search(rf"http://127\.0\.0\.1:{port}/portal/link/\w+/", output)
        children = _children_named(proc.pid)
        assert any("gunicorn iptcare.wsgi" in c for c in children), children
        assert any("run_huey" in c for c in children), children
        assert not any("runserver" in c for c in children)
        with sqlite3.connect(tmp_path / "iptcare.sqlite3") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()


def test_the_base_url_follows_port_when_not_given() -> None:
    env = {k: v for k, v in os.environ.items() if k != "IPTCARE_BASE_URL"}
    env.update(PORT="8123", DJANGO_SETTINGS_MODULE="iptcare.settings_test")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.IPTCARE_BASE_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "http://127.0.0.1:8123"
    env["IPTCARE_BASE_URL"] = "https://clinic.example.org"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.IPTCARE_BASE_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "https://clinic.example.org"
