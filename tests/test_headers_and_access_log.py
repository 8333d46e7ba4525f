"""No patient data where it does not belong: staff pages are never stored by a browser
or proxy, the served process's access log carries no search terms (read from a real
gunicorn), and production refuses to start with mail printed to the log."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from tests.access_matrix import ROUTES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_every_staff_page_with_patient_data_says_no_store(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    checked = 0
    for name, route in ROUTES.items():
        if route.method != "get" or route.expect.get("therapist_on_team") != 200:
            continue
        if name.startswith("portal:") or name == "health":
            continue
        response = client.get(reverse(name, kwargs=route.kwargs(clinic)))
        if response.status_code != 200:
            continue
        assert "no-store" in response.get("Cache-Control", ""), name
        checked += 1
    assert checked > 30  # the caseload, the patient's pages, the course's pages…


def _free_port() -> int:
    for port in range(21300, 21400):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 21300-21399")


def test_the_served_access_log_carries_no_search_terms(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "iptcare.settings",
        "IPTCARE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "IPTCARE_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "iptcare.wsgi",
            "-c",
            "python:iptcare.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/sign-in/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        for path in (
            "/?q=Novakcanary",
            "/?q=T-000123&page=2",
            "/sign-in/?next=/%3Fq%3DNovakcanary",
        ):
            request = urllib.request.Request(  # noqa: S310 - our own server
                base + path, headers={"Referer": f"{base}/?q=Novakcanary"}
            )
            with contextlib.suppress(OSError):  # a redirect to sign in is enough
                urllib.request.urlopen(request, timeout=5)  # noqa: S310
    finally:
        server.terminate()
        server.wait(timeout=10)
    written = log.read_text()
    assert "GET / HTTP/1.1" in written and "GET /sign-in/ HTTP/1.1" in written
    assert "Novakcanary" not in written
    assert "T-000123" not in written


def test_production_refuses_to_start_without_a_mail_server(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "IPTCARE_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "clinic.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "IPTCARE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "iptcare.settings",
        "EMAIL_HOST": "",
        "IPTCARE_AUDIT_KEY": "a" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "EMAIL_HOST must be set in production" in result.stderr
