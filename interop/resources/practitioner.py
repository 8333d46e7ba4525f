"""Practitioner ← ``accounts.Staff`` (clinicians, supervisors, intake coordinators)."""

from __future__ import annotations

from typing import Any

from accounts.choices import Role
from accounts.models import Staff
from interop import codes
from interop.resources._common import drop_empty

RESOURCE_TYPE = "Practitioner"
PRACTITIONER_ROLES = (Role.CLINICIAN, Role.SUPERVISOR, Role.INTAKE)


def to_fhir(staff: Staff) -> dict[str, Any]:
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": str(staff.public_id),
            "identifier": [{"system": codes.STAFF_USERNAME, "value": staff.username}],
            "active": staff.is_active,
            "name": [
                drop_empty(
                    {
                        "family": staff.last_name,
                        "given": [staff.first_name] if staff.first_name else [],
                        "text": staff.display_name,
                    }
                )
            ],
            "qualification": (
                [{"code": {"text": staff.professional_title}}]
                if staff.professional_title
                else []
            ),
        }
    )


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    name = data["name"][0]
    qualification = data.get("qualification") or [{"code": {"text": ""}}]
    return {
        "public_id": data["id"],
        "username": data["identifier"][0]["value"],
        "is_active": data["active"],
        "last_name": name.get("family", ""),
        "first_name": (name.get("given") or [""])[0],
        "professional_title": qualification[0]["code"]["text"],
    }
