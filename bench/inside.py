"""The benchmark's work inside Django, run by ``bench/run.py`` as a separate process
against the benchmark's database (its environment names the database and settings).

    python bench/inside.py analyze          # PostgreSQL: vacuum and statistics after the load
    python bench/inside.py portal-links N   # N patients with a PHQ-9 due, a link each
    python bench/inside.py queries          # queries per request, staff and portal
    python bench/inside.py targets USER     # the objects bench/pages.py names, for USER
    python bench/inside.py profile USER PATH [HEADER=VALUE] # pyinstrument, as text

Each prints one line of JSON. Nothing here is timed; ``run.py`` times the requests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import django

INSTRUMENT = "phq9"
# PHQ-9: nine scored items and the unscored "how difficult" screen. Item 9 (thoughts
# of self-harm) is answered 0, so no risk alert is raised and no crisis page shown.
ANSWERS = (1, 2, 1, 0, 1, 2, 1, 0, 0, 1)


def _due_patients(limit: int) -> Iterator[Any]:
    """Patients whose open course is in the middle phase and who have a PHQ-9 due and
    not yet started. Patients a previous run used are skipped (their response exists),
    so a reused database serves several runs. Bounded: at most ``40 * limit + 2000``
    courses are looked at."""
    from ipt.choices import Phase
    from ipt.models import Course
    from portal.services.questionnaires import questionnaires_due

    seen: set[int] = set()
    found = 0
    courses = (
        Course.objects.filter(phase=Phase.MIDDLE)
        .select_related("patient")
        .order_by("id")[: 40 * limit + 2000]
    )
    for course in courses.iterator(chunk_size=500):
        patient = course.patient
        if patient.pk in seen:
            continue
        seen.add(patient.pk)
        if any(
            item.instrument.id == INSTRUMENT and item.response is None
            for item in questionnaires_due(patient)
        ):
            yield patient
            found += 1
            if found >= limit:
                return


def portal_links(count: int) -> list[dict[str, Any]]:
    """A fresh single-use sign-in link for each of ``count`` due patients, with the
    date of birth that completes the sign-in."""
    from portal.services.links import link_issue

    out = []
    for patient in _due_patients(count):
        issued = link_issue(patient=patient, channel="email", by=None)
        dob = patient.date_of_birth
        out.append(
            {"path": issued.path, "day": dob.day, "month": dob.month, "year": dob.year}
        )
    if len(out) < count:
        raise SystemExit(
            f"only {len(out)} of {count} patients have a {INSTRUMENT} due: load a larger "
            "demo clinic or a fresh database"
        )
    return out


def queries() -> dict[str, int]:
    """Queries per request, counted in-process with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.access import caseload_for
    from accounts.models import Staff
    from portal.models import QuestionnaireResponse

    counts: dict[str, int] = {}

    def count(
        name: str, client: Client, method: str, url: str, status: int, **kw: Any
    ) -> Any:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(url, HTTP_HOST="127.0.0.1", **kw)
        assert response.status_code == status, (name, response.status_code)
        counts[name] = max(counts.get(name, 0), len(captured))
        return response

    staff = Staff.objects.get(username="clinician")
    patient = caseload_for(staff).order_by("family_name", "given_name", "id").first()
    assert patient is not None
    client = Client()
    client.force_login(staff)
    count("caseload", client, "get", "/", 200)
    count("caseload search `?q=an`", client, "get", "/?q=an", 200)
    count("caseload search `?q=ann`", client, "get", "/?q=ann", 200)
    count(
        "caseload search `?q=ann`, HTMX partial",
        client,
        "get",
        "/?q=ann",
        200,
        HTTP_HX_REQUEST="true",
    )
    count("patient record", client, "get", f"/patients/{patient.public_id}/", 200)
    count(
        "recovery page", client, "get", f"/patients/{patient.public_id}/recovery/", 200
    )

    link = portal_links(1)[0]
    portal = Client()
    assert portal.get(link["path"], HTTP_HOST="127.0.0.1").status_code == 302
    dob = {k: link[k] for k in ("day", "month", "year")}
    count(
        "portal sign-in (date of birth)",
        portal,
        "post",
        "/portal/sign-in/",
        302,
        data=dob,
    )
    count("portal home", portal, "get", "/portal/home/", 200)
    started = count(
        "portal questionnaire start",
        portal,
        "post",
        f"/portal/questionnaires/{INSTRUMENT}/start/",
        302,
    )
    response_id = started["Location"].rstrip("/").split("/")[-2]
    response = QuestionnaireResponse.objects.get(public_id=response_id)
    base = f"/portal/answers/{response.public_id}/"
    count("portal question page", portal, "get", f"{base}1/", 200)
    for number, answer in enumerate(ANSWERS, start=1):
        count(
            "portal answer (POST)",
            portal,
            "post",
            f"{base}{number}/",
            302,
            data={"answer": str(answer)},
        )
    count("portal questionnaire submit (POST)", portal, "post", f"{base}check/", 302)
    return counts


def targets(username: str) -> dict[str, str]:
    """What the page paths name, for ``username``: a patient on their caseload with an
    open course in its middle phase, a session of it with a note, the inbox's current
    fingerprint (the poll that finds nothing new)."""
    from accounts.models import Staff
    from alerts.selectors import inbox_fingerprint
    from ipt.choices import Phase
    from ipt.models import Course, SessionNote

    staff = Staff.objects.get(username=username)
    out: dict[str, str] = {}
    note = (
        SessionNote.objects.filter(
            session__course__clinician=staff, session__course__phase=Phase.MIDDLE
        )
        .select_related("session__course__patient")
        .order_by("-session__course__sessions_attended", "id")
        .first()
    )
    if note is not None:
        course = note.session.course
    else:
        course = (
            Course.objects.filter(clinician=staff)
            .select_related("patient")
            .order_by("id")
            .first()
        )
    if course is not None:
        out["patient"] = str(course.patient.public_id)
        out["course"] = str(course.public_id)
    if note is not None:
        out["session"] = str(note.session.public_id)
    if staff.role in {"clinician", "supervisor"}:
        out["alerts_seen"] = inbox_fingerprint(staff=staff, state="open")
    return out


def profile(username: str, path: str, *headers: str) -> str:
    """The page's profile (pyinstrument) over 30 requests in this process, after two
    to warm it; returned as text."""
    from django.test import Client
    from pyinstrument import Profiler

    from accounts.models import Staff

    client = Client()
    client.force_login(Staff.objects.get(username=username))
    extra = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, _, value in (header.partition("=") for header in headers)
    }
    for _ in range(2):
        client.get(path, HTTP_HOST="127.0.0.1", **extra)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(30):
            response = client.get(path, HTTP_HOST="127.0.0.1", **extra)
            assert response.status_code < 400, response.status_code
    return profiler.output_text(unicode=True, color=False, show_all=False)


def analyze() -> str:
    """PostgreSQL: vacuum and gather the planner's statistics now, as autovacuum would
    soon after a bulk load (a benchmark started at once would otherwise time plans made
    without them, over the dead rows the load's updates left: 300,000 of the record
    versions' at 20,000 patients, on a server whose autovacuum is off). SQLite is left as
    Django leaves it, without ``ANALYZE``."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return connection.vendor


def main() -> None:
    django.setup()
    command = sys.argv[1]
    result: object
    if command == "analyze":
        result = analyze()
    elif command == "portal-links":
        result = portal_links(int(sys.argv[2]))
    elif command == "queries":
        result = queries()
    elif command == "has-user":
        from accounts.models import Staff

        result = Staff.objects.filter(username=sys.argv[2]).exists()
    elif command == "targets":
        result = targets(sys.argv[2])
    elif command == "profile":
        result = profile(sys.argv[2], sys.argv[3], *sys.argv[4:])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
