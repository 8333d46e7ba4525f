"""The files in deploy/ tell the same story as the code: every environment variable
the settings read is listed with its meaning, the units run commands that exist, and
the proxy sets the headers the settings trust."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _settings_variables() -> set[str]:
    text = (ROOT / "iptcare" / "settings.py").read_text()
    return set(
        re.findall(r"env_(?:str|int|bool|list|secret)\(\s*[\"']([A-Z_0-9]+)", text)
    )


def test_every_environment_variable_is_listed_with_its_meaning() -> None:
    listed = (DEPLOY / "iptcare.env.example").read_text()
    names = set(re.findall(r"^#?([A-Z][A-Z_0-9]+)=", listed, flags=re.M))
    missing = _settings_variables() - names
    assert not missing, f"deploy/iptcare.env.example does not list {sorted(missing)}"


def test_the_units_run_the_web_the_workers_and_one_scheduler() -> None:
    web = (DEPLOY / "iptcare-web.service").read_text()
    worker = (DEPLOY / "iptcare-worker.service").read_text()
    scheduler = (DEPLOY / "iptcare-scheduler.service").read_text()
    assert "gunicorn iptcare.wsgi" in web and "127.0.0.1:8000" in web
    assert "run_huey" in get_commands()
    assert "run_huey" in worker and "--no-periodic" in worker
    assert "run_huey" in scheduler and "--no-periodic" not in scheduler
    for unit in (web, worker, scheduler):
        assert "EnvironmentFile=/etc/iptcare/iptcare.env" in unit
        assert "User=iptcare" in unit and "Restart=always" in unit


def test_the_proxy_sets_the_headers_the_settings_trust() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "listen 443 ssl" in conf and "return 301 https://" in conf
    assert "alias /var/lib/iptcare/static/;" in conf
    # No request paths in the access log: portal links carry a token in the path.
    log_format = next(line for line in conf.splitlines() if "log_format" in line)
    assert "$request " not in log_format and "$request_uri" not in log_format
