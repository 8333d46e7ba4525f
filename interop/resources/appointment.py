"""Appointment ← ``scheduling.Attendee``: one patient at one appointment (id: the
attendee's), so a group session's Appointment names only its own patient, never the
other members. Status from the appointment and the attendance recorded:

| appointment / attendance | status |
|---|---|
| cancelled | ``cancelled`` |
| attended | ``fulfilled`` |
| did not attend | ``noshow`` |
| late cancellation | ``cancelled`` (attendance extension says which) |
| not yet recorded | ``booked`` |

The place and the video link stay out: a link is a key to the session.
"""

from __future__ import annotations

from typing import Any

from interop import codes
from interop.resources._common import drop_empty, instant, parse_instant, reference
from scheduling.choices import AppointmentStatus, AttendanceOutcome
from scheduling.models import Attendee

RESOURCE_TYPE = "Appointment"
ATTENDANCE_EXTENSION = f"{codes.EXT}attendance"

_STATUS = {
    AttendanceOutcome.ATTENDED: "fulfilled",
    AttendanceOutcome.DID_NOT_ATTEND: "noshow",
    AttendanceOutcome.LATE_CANCELLATION: "cancelled",
    "": "booked",
}


def to_fhir(attendee: Attendee) -> dict[str, Any]:
    appointment = attendee.appointment
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(attendee.public_id),
            "extension": (
                [{"url": ATTENDANCE_EXTENSION, "valueCode": attendee.attendance}]
                if attendee.attendance
                else []
            ),
            "status": "cancelled" if cancelled else _STATUS[attendee.attendance],
            "serviceCategory": [
                {
                    "coding": [
                        {
                            "system": codes.SNOMED,
                            "code": codes.FORMAL_PSYCHOLOGICAL_THERAPY,
                            "display": "Formal psychological therapy",
                        }
                    ]
                }
            ],
            "appointmentType": {
                "coding": [{"system": codes.DELIVERY, "code": appointment.kind}]
            },
            "start": instant(appointment.starts_at),
            "end": instant(appointment.ends_at),
            "minutesDuration": appointment.duration_minutes,
            "participant": [
                {
                    "actor": reference("Patient", attendee.patient.public_id),
                    "required": "required",
                    "status": "declined" if cancelled else "accepted",
                },
                {
                    "actor": reference("Practitioner", appointment.clinician.public_id),
                    "required": "required",
                    "status": "accepted",
                },
            ],
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    attendance = next(
        (
            e["valueCode"]
            for e in data.get("extension", [])
            if e["url"] == ATTENDANCE_EXTENSION
        ),
        "",
    )
    patient, clinician = (p["actor"]["reference"] for p in data["participant"])
    return {
        "public_id": data["id"],
        "attendance": attendance,
        "cancelled": data["participant"][0]["status"] == "declined",
        "kind": data["appointmentType"]["coding"][0]["code"],
        "starts_at": parse_instant(data["start"]),
        "ends_at": parse_instant(data["end"]),
        "patient": patient.removeprefix("Patient/"),
        "clinician": clinician.removeprefix("Practitioner/"),
    }
