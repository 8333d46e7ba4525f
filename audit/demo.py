"""The demo clinic's audit trail: a year of the reads a service makes, so that the
trail is as long as a real one's when pages and exports are timed (issue #17).

One read of the course by its clinician on the day of each session held, and one read
of the patient's record when each course opened, each at a working hour of its day.
Written through ``audit.services.record_history``, chained and keyed like every row.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Staff
from audit import services as audit
from audit.choices import Action
from ipt.models import Course, CourseSession
from patients.models import Patient


def load_history(rng: random.Random) -> int:
    """Write the history; returns the number of rows."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    staff = {member.pk: member for member in Staff.objects.all()}
    events: list[tuple[datetime, Staff | None, audit.Entry]] = []

    def at(day: object) -> datetime:
        minutes = rng.randrange(8 * 60, 18 * 60)
        start = datetime.combine(day, time(0), tzinfo=zone)  # type: ignore[arg-type]
        return start + timedelta(minutes=minutes)

    courses = Course.objects.values_list(
        "id", "public_id", "patient_id", "clinician_id", "opened_on"
    ).order_by("id")
    by_id: dict[int, tuple[str, Patient, int]] = {}
    for course_id, public_id, patient_id, clinician_id, opened_on in courses:
        by_id[course_id] = (str(public_id), Patient(pk=patient_id), clinician_id)
        if opened_on <= today:
            events.append(
                (
                    at(opened_on),
                    staff.get(clinician_id),
                    audit.Entry(
                        Action.VIEW, "patient", Patient(pk=patient_id), "", "demo"
                    ),
                )
            )
    sessions = CourseSession.objects.filter(held_on__lte=today).values_list(
        "course_id", "held_on"
    )
    for course_id, held_on in sessions.iterator(chunk_size=5000):
        course_key, patient, clinician_id = by_id[course_id]
        events.append(
            (
                at(held_on),
                staff.get(clinician_id),
                audit.Entry(Action.VIEW, "ipt_course", patient, course_key, "demo"),
            )
        )
    events.sort(key=lambda event: event[0])
    return audit.record_history(events)
