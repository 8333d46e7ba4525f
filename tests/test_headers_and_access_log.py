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
from collections.abc import Iterator
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


@contextlib.contextmanager
def _served(tmp_path: Path) -> Iterator[str]:
    """A real gunicorn as ``make run`` starts it, writing its access log to
    ``access.log`` and everything else (the application's log) to ``server.log``;
    its address while the block runs."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "iptcare.settings",
        "IPTCARE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "IPTCARE_VAR_DIR": str(tmp_path),
    }
    with (tmp_path / "server.log").open("wb") as server_log:
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
                str(tmp_path / "access.log"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/sign-in/", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_the_served_access_log_carries_no_search_terms(tmp_path: Path) -> None:
    with _served(tmp_path) as base:
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
    written = (tmp_path / "access.log").read_text()
    assert "GET / HTTP/1.1" in written and "GET /sign-in/ HTTP/1.1" in written
    assert "Novakcanary" not in written
    assert "T-000123" not in written


def _sent(base: str, request: bytes) -> bytes:
    """``request`` sent as these bytes (no client library would send them); the
    status line of the answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        return connection.makefile("rb").readline()


# What a client sends after "GET ", and how its one access-log line shows it.
FORGERIES = [
    (b"/nonexist%0aFORGED1 HTTP/1.1\r\n", "GET /nonexist\\x0aFORGED1 HTTP/1.1"),
    (b"/return%0dFORGED2 HTTP/1.1\r\n", "GET /return\\x0dFORGED2 HTTP/1.1"),
    (b"/nul%00FORGED3 HTTP/1.1\r\n", "GET /nul\\x00FORGED3 HTTP/1.1"),
    (b"/caf%C3%A9%E2%80%A8FORGED4 HTTP/1.1\r\n", "GET /caf\\xe9\\u2028FORGED4"),
    (
        b"/agent HTTP/1.1\r\nUser-Agent: tab\tFORGED5 \xc3\xa9\xff\r\n",
        '"tab\\x09FORGED5 \\xc3\\xa9\\xff"',
    ),
    (b"/typed%5Cx0aFORGED6 HTTP/1.1\r\n", "GET /typed\\\\x0aFORGED6 HTTP/1.1"),
    (
        b'/agent HTTP/1.1\r\nUser-Agent: x\\" 200 0 "FORGED7\r\n',
        '"x\\\\\\" 200 0 \\"FORGED7"',  # a typed quote ends no field
    ),
]
# Refused by gunicorn before they are logged: they leave no line at all.
REFUSED = [
    b"/agent HTTP/1.1\r\nUser-Agent: a\nFORGED8\r\n",
    b"/agent HTTP/1.1\r\nUser-Agent: a\r\n FORGED9\r\n",  # a folded line
    b"/caf\xc3\xa9\nFORGED10 HTTP/1.1\r\n",
]


def test_whatever_a_client_sends_each_request_is_one_log_line(tmp_path: Path) -> None:
    # given: a served process; when: each request sent as raw bytes
    with _served(tmp_path) as base:
        for sent, _ in FORGERIES:
            assert b" 404 " in _sent(base, b"GET " + sent + b"Host: 127.0.0.1\r\n\r\n")
        for sent in REFUSED:
            assert b" 400 " in _sent(base, b"GET " + sent + b"Host: 127.0.0.1\r\n\r\n")
    # then: one access-log line for each request logged, with the escapes visible
    access = (tmp_path / "access.log").read_bytes()
    lines = access.decode("ascii").splitlines()
    forged = [line for line in lines if "FORGED" in line]
    assert len(forged) == len(FORGERIES), lines
    for (_, shown), line in zip(FORGERIES, forged, strict=True):
        assert shown in line
        assert line.startswith("127.0.0.1 [")
    assert b"\x00" not in access and b"\r" not in access
    # The application's log (Django's "Not Found") and gunicorn's refusals: no line
    # begins with what a client sent either.
    for line in (tmp_path / "server.log").read_bytes().splitlines():
        assert not line.lstrip().startswith(b"FORGED"), line
        assert b"\x00" not in line


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
