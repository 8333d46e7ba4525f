"""The pages ``make bench`` times: one line each, easy to extend.

A path may name the demo's objects in braces; ``bench/inside.py targets`` finds them
for the user who requests the page (``{patient}``, ``{course}``, ``{session}``,
``{alerts_seen}``, and for the portal ``{answers}``). ``kind`` decides the target
(pages p95 ≤ 100 ms, HTMX partials ≤ 50 ms with one connection) and ``floor_share``
the throughput the page must reach beside ``/health`` with eight connections.

To add a page (the service dashboard, a FHIR route …): append a ``Page`` here; if it
needs an object of its own, teach ``targets`` in ``bench/inside.py`` to find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    kind: str = "page"  # "page", "partial", "floor" (the baselines)
    headers: dict[str, str] = field(default_factory=dict)
    user: str = "clinician"  # a demo sign-in, or "patient" (the portal)
    floor_share: float = 0.15  # req/s at 8 connections ÷ /health's, at least
    status: int = 200

    @property
    def target_p95_ms(self) -> float | None:
        return {"page": 100.0, "partial": 50.0}.get(self.kind)


PATIENT = "/patients/{patient}/"
COURSE = PATIENT + "courses/{course}/"

PAGES: list[Page] = [
    Page("caseload", "/"),
    Page("caseload search `?q=ann`, HTMX partial", "/?q=ann", "partial", HTMX),
    Page("today", "/today/"),
    Page("alerts inbox", "/alerts/"),
    Page("alerts list poll, nothing new (204)", "/alerts/?state=open&page=1&seen={alerts_seen}", "partial", HTMX, status=204),
    Page("alerts list, HTMX partial", "/alerts/?state=open&page=1", "partial", HTMX),
    Page("alert counter poll", "/alerts/count/", "partial", HTMX, floor_share=0.5),
    Page("patient record", PATIENT),
    Page("progress summary, HTMX partial", PATIENT + "progress/summary/", "partial", HTMX),
    Page("progress page", PATIENT + "progress/"),
    Page("course page", COURSE),
    Page("session note", COURSE + "sessions/{session}/note/"),
    Page("session preparation, HTMX partial", COURSE + "preparation/", "partial", HTMX),
    Page("inventory", COURSE + "inventory/"),
    Page("timeline", COURSE + "timeline/"),
    Page("intake queue", "/intake/", user="intake"),
    Page("waiting list", "/intake/waiting-list/", user="intake"),
    Page("portal question page", "/portal/answers/{answers}/1/", user="patient", floor_share=0.5),
    Page("service dashboard (whole service)", "/service/outcomes/", user="lead"),
    Page("caseload review", "/supervision/review/", user="supervisor"),
]  # fmt: skip

# The heavy case, reported apart: the supervisor of the very large team.
HEAVY: list[Page] = [
    Page("caseload (heavy: supervisor of the large team)", "/", user="supervisor-large"),
    Page("alerts inbox (heavy)", "/alerts/", user="supervisor-large"),
    Page("alert counter poll (heavy)", "/alerts/count/", "partial", HTMX, user="supervisor-large", floor_share=0.5),
]  # fmt: skip
