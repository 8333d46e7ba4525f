"""A small HTTP client for the rig: one person's browser (cookies, CSRF token), sent to
a chosen process. Used by the rig's tests, the fault harness and the drill."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "scripts" / "cluster.sh"
PORT = int(os.environ.get("RIG_PORT", "21810"))
DEMO_PASSWORD = "demo-pass-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def url(process: int, path: str) -> str:
    """``process`` 0 is HAProxy; 1 and 2 are the web processes themselves."""
    return f"http://127.0.0.1:{PORT + process}{path}"


def rig_env() -> dict[str, str]:
    """The environment the rig's processes run with, for commands against its data."""
    out = subprocess.run(
        [str(CLUSTER), "env"], capture_output=True, text=True, check=True
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "iptcare.settings"
    return env


def inside(*args: str) -> Any:
    """``bench/inside.py`` against the rig's database; its one line of JSON."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "inside.py"), *args],
        cwd=ROOT,
        env=rig_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@dataclass
class Browser:
    """One person's browser; each call names the process it goes to."""

    session: requests.Session
    address: str = "127.0.0.1"  # the client's address as the proxy would forward it

    @classmethod
    def new(cls, address: str = "127.0.0.1") -> Browser:
        return cls(requests.Session(), address)

    def _headers(self, process: int) -> dict[str, str]:
        # Straight to a web process, the browser's address arrives as a proxy sends it
        # (IPTCARE_CALLBACK_PROXY_COUNT=1); through HAProxy, HAProxy appends it.
        return {"X-Forwarded-For": self.address} if process else {}

    def get(self, process: int, path: str, **kw: Any) -> requests.Response:
        return self.session.get(
            url(process, path),
            headers=self._headers(process),
            allow_redirects=False,
            timeout=30,
            **kw,
        )

    def post(
        self, process: int, path: str, data: dict[str, Any] | None = None, **kw: Any
    ) -> requests.Response:
        token = self.session.cookies.get("csrftoken", "")
        headers = {**self._headers(process), "Referer": url(process, path)}
        return self.session.post(
            url(process, path),
            data={"csrfmiddlewaretoken": token, **(data or {})},
            headers=headers,
            allow_redirects=False,
            timeout=30,
            **kw,
        )

    def staff_sign_in(
        self, process: int, username: str, password: str = DEMO_PASSWORD
    ) -> requests.Response:
        page = self.get(process, "/sign-in/")
        token = CSRF.search(page.text)
        assert token, page.status_code
        return self.session.post(
            url(process, "/sign-in/"),
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
            },
            headers={**self._headers(process), "Referer": url(process, "/sign-in/")},
            allow_redirects=False,
            timeout=30,
        )

    def portal_sign_in(self, process: int, link: dict[str, Any]) -> None:
        assert self.get(process, link["path"]).status_code == 302
        assert self.get(process, "/portal/sign-in/").status_code == 200
        answer = self.post(
            process,
            "/portal/sign-in/",
            {k: link[k] for k in ("day", "month", "year")},
        )
        assert answer.status_code == 302, answer.status_code
        assert answer.headers["Location"].endswith("/portal/home/")
