"""Encounter ← ``ipt.CourseSession``: a session of a course as attendance recorded it
(attended, numbered; or missed or cancelled), part of the course's EpisodeOfCare, with
the Appointment it was booked as when the calendar booked it.

An attended session is ``finished``; a missed or cancelled one ``cancelled``, its
attendance extension saying which. The session's note is not mapped (progress notes
are a content kind of their own), nor is any private note (never).
"""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import day, drop_empty, parse_day, reference
from ipt.choices import Attendance
from ipt.models import CourseSession

RESOURCE_TYPE = "Encounter"
ATTENDANCE_EXTENSION = f"{codes.EXT}attendance"
SESSION_NUMBER_EXTENSION = f"{codes.EXT}session-number"
PHASE_EXTENSION = f"{codes.EXT}ipt-phase"
V3_ACT_CODE = codes.V3_ACT_CODE


def to_fhir(session: CourseSession) -> dict[str, Any]:
    course = session.course
    attendee = getattr(session, "attendee", None)
    extension: list[dict[str, Any]] = [
        {"url": ATTENDANCE_EXTENSION, "valueCode": session.attendance},
        {
            "url": PHASE_EXTENSION,
            "valueCoding": {"system": codes.IPT_PHASE, "code": session.phase},
        },
    ]
    if session.number is not None:
        extension.append(
            {"url": SESSION_NUMBER_EXTENSION, "valuePositiveInt": session.number}
        )
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(session.public_id),
            "extension": extension,
            "status": (
                "finished" if session.attendance == Attendance.ATTENDED else "cancelled"
            ),
            "class": {"system": V3_ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "type": [
                {
                    "coding": [
                        {
                            "system": codes.SNOMED,
                            "code": codes.FORMAL_PSYCHOLOGICAL_THERAPY,
                            "display": "Formal psychological therapy",
                        },
                        {"system": codes.DELIVERY, "code": session.delivery},
                    ]
                }
            ],
            "subject": reference("Patient", course.patient.public_id),
            "episodeOfCare": [reference("EpisodeOfCare", course.public_id)],
            "participant": [
                {"individual": reference("Practitioner", course.clinician.public_id)}
            ],
            "appointment": (
                [reference("Appointment", attendee.public_id)] if attendee else []
            ),
            "period": {"start": day(session.held_on)},
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    extensions = {e["url"]: e for e in data.get("extension", [])}
    number = extensions.get(SESSION_NUMBER_EXTENSION)
    delivery = next(
        c["code"] for c in data["type"][0]["coding"] if c["system"] == codes.DELIVERY
    )
    appointment = data.get("appointment") or [{"reference": ""}]
    return {
        "public_id": data["id"],
        "attendance": extensions[ATTENDANCE_EXTENSION]["valueCode"],
        "phase": extensions[PHASE_EXTENSION]["valueCoding"]["code"],
        "number": number["valuePositiveInt"] if number else None,
        "delivery": delivery,
        "held_on": parse_day(data["period"]["start"]),
        "course": data["episodeOfCare"][0]["reference"].removeprefix("EpisodeOfCare/"),
        "patient": data["subject"]["reference"].removeprefix("Patient/"),
        "clinician": data["participant"][0]["individual"]["reference"].removeprefix(
            "Practitioner/"
        ),
        "appointment": appointment[0]["reference"].removeprefix("Appointment/"),
    }
