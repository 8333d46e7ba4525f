"""A clinical day against the rig (QUALITY.md B6), for Locust:

    scripts/load.sh            # starts the rig, 50 users for 10 minutes, CSV in var/load/

Clinicians (caseload, patient records, progress charts, the alert inbox and its
count polled by HTMX, search), intake coordinators (the queue, the waiting list) and
patients (portal home, their questionnaire one screen at a time and its send), in the
proportions of a clinical day. Every user signs in once, as people do. Patients'
one-time links come from ``LOAD_LINKS`` (a JSON file written by scripts/load.sh).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PATIENT = re.compile(r'href="/patients/([0-9a-f-]{36})/"')
PASSWORD = "demo-pass-2026"  # noqa: S105  the demo clinic's published password
LINKS: list[dict[str, Any]] = (
    json.loads(Path(os.environ["LOAD_LINKS"]).read_text())
    if "LOAD_LINKS" in os.environ
    else []
)
# PHQ-9 and its "how difficult" screen; item 9 answered 0 (no crisis page).
PHQ9 = (1, 2, 1, 0, 1, 2, 1, 0, 0, 1)


class Staff(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    username = "clinician"

    def on_start(self) -> None:
        page = self.client.get("/sign-in/", name="sign-in page")
        token = CSRF.search(page.text)
        assert token, "no CSRF token on the sign-in page"
        done = self.client.post(
            "/sign-in/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": self.username,
                "password": PASSWORD,
            },
            name="sign-in (POST)",
            allow_redirects=False,
        )
        assert done.status_code == 302, f"sign-in answered {done.status_code}"
        caseload = self.client.get("/", name="caseload")
        self.patients = PATIENT.findall(caseload.text) or []


class Clinician(Staff):
    weight = 30

    def on_start(self) -> None:
        self.username = random.choice(["clinician", "clinician2", "supervisor"])
        super().on_start()

    def _patient(self) -> str | None:
        return random.choice(self.patients) if self.patients else None

    @task(15)
    def caseload(self) -> None:
        self.client.get("/", name="caseload")

    @task(15)
    def record(self) -> None:
        if (patient := self._patient()) is not None:
            self.client.get(f"/patients/{patient}/", name="patient record")

    @task(7)
    def progress(self) -> None:
        if (patient := self._patient()) is not None:
            self.client.get(f"/patients/{patient}/progress/", name="progress chart")

    @task(8)
    def alerts(self) -> None:
        self.client.get("/alerts/", name="alert inbox")

    @task(15)
    def alert_count(self) -> None:
        self.client.get(
            "/alerts/count/",
            headers={"HX-Request": "true"},
            name="alert count (HTMX poll)",
        )

    @task(5)
    def search(self) -> None:
        self.client.get(
            f"/?q={random.choice(['an', 'ma', 'jo', 'li'])}",
            headers={"HX-Request": "true"},
            name="caseload search (HTMX)",
        )


class Intake(Staff):
    weight = 5
    username = "intake"

    @task(8)
    def queue(self) -> None:
        self.client.get("/intake/", name="intake queue")

    @task(2)
    def waiting(self) -> None:
        self.client.get("/intake/waiting-list/", name="waiting list")


class Patient(HttpUser):
    weight = 15
    wait_time = between(3, 8)

    def on_start(self) -> None:
        self.base = ""
        self.answered = 0
        if not LINKS:
            return
        link = LINKS.pop()
        self.client.get(link["path"], name="portal link", allow_redirects=False)
        page = self.client.get("/portal/sign-in/", name="portal sign-in page")
        token = CSRF.search(page.text)
        assert token, "no CSRF token on the portal sign-in page"
        done = self.client.post(
            "/portal/sign-in/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "day": link["day"],
                "month": link["month"],
                "year": link["year"],
            },
            name="portal sign-in (POST)",
            allow_redirects=False,
        )
        assert done.status_code == 302, f"portal sign-in answered {done.status_code}"
        started = self.client.post(
            "/portal/questionnaires/phq9/start/",
            {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            name="portal questionnaire start (POST)",
            allow_redirects=False,
        )
        location = started.headers.get("Location", "")
        if location.endswith("/1/"):
            self.base = location[: -len("1/")]

    def _post(self, path: str, data: dict[str, Any], name: str) -> Any:
        return self.client.post(
            path,
            {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data},
            name=name,
            allow_redirects=False,
        )

    @task(8)
    def home(self) -> None:
        self.client.get("/portal/home/", name="portal home")

    @task(7)
    def questionnaire(self) -> None:
        """One screen of the questionnaire per visit, then its send."""
        if not self.base:
            self.client.get("/portal/progress/", name="portal progress")
            return
        if self.answered < len(PHQ9):
            number = self.answered + 1
            self.client.get(f"{self.base}{number}/", name="portal question")
            saved = self._post(
                f"{self.base}{number}/",
                {"answer": PHQ9[number - 1]},
                "portal answer (POST)",
            )
            if saved.status_code == 302:
                self.answered += 1
            return
        self.client.get(f"{self.base}check/", name="portal review")
        self._post(f"{self.base}check/", {}, "portal submit (POST)")
        self.base = ""
