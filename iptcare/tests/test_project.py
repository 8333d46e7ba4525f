"""Project-wide promises: health, deployment settings, headers, the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
IPTCARE = Path(sys.executable).parent / "iptcare"


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # the browser fixture allows async-unsafe ORM calls in its own process only
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        IPTCARE_ENV="production",
        SECRET_KEY="k" * 20 + "-production-test-key-" + "q" * 30,
        ALLOWED_HOSTS="clinic.example.org",
        EMAIL_HOST="mail.example.org",
        IPTCARE_AUDIT_KEY="a" * 20 + "-production-audit-key-" + "b" * 30,
        # a database of the test's own: parallel test processes must not share one
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        IPTCARE_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="iptcare.settings",
        **extra,
    )
    return env


@pytest.mark.django_db
def test_health_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_answers_503_when_the_database_does_not(client: Client) -> None:
    with mock.patch(
        "iptcare.views.connection.cursor", side_effect=DatabaseError("down")
    ):
        response = client.get("/health")
    assert response.status_code == 503


def test_production_settings_pass_the_deployment_checklist(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=_production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_demo_refuses_to_load_under_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(IPTCARE), "demo"],
        env=_production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "never loaded in production" in result.stderr


def test_production_requires_the_second_factor(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; "
            "print(settings.IPTCARE_REQUIRE_2FA, settings.SESSION_COOKIE_SECURE)",
        ],
        env=_production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "True"]


def test_the_iptcare_command_runs_management_commands() -> None:
    result = subprocess.run(
        [str(IPTCARE), "help"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "[iptcare]" in result.stdout
    assert "demo" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_htmx_is_served_by_the_app_itself(client: Client) -> None:
    page = client.get("/sign-in/").content.decode()
    script = re.search(r'<script src="([^"]+htmx[^"]*)"', page)
    assert script is not None
    assert script.group(1).startswith("/static/")
    assert client.get(script.group(1)).status_code == 200


def test_no_template_loads_anything_from_another_origin() -> None:
    """No CDN: clinics run strict CSPs and sometimes closed networks."""
    external = re.compile(r"""(src|href)=["'](https?:)?//""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/templates/**/*.html")
        if external.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_template_has_inline_script_or_style() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=")
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/templates/**/*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_an_unknown_page_shows_no_debug_information(client: Client) -> None:
    response = client.get("/health/../../etc/passwd")
    assert response.status_code in {302, 404}
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_an_expired_form_shows_the_crisis_resources(settings: object) -> None:
    """Someone in crisis whose public form expired must still see where to get help."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    from django.utils.html import escape

    crisis = escape(settings.IPTCARE_CRISIS_TEXT)  # type: ignore[attr-defined]
    assert crisis in response.content.decode()
