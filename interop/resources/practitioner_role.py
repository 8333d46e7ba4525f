"""PractitionerRole ← ``accounts.Staff`` in each of their teams (``<staff>.team-<n>``),
or at their site when they belong to no team (``<staff>.site-<n>``): who works where,
in which role. No patient data."""

from __future__ import annotations

from typing import Any

from accounts.models import Staff
from interop import codes
from interop.resources._common import reference

RESOURCE_TYPE = "PractitionerRole"


def role_id(staff: Staff, organization: str) -> str:
    return f"{staff.public_id}.{organization}"


def to_fhir(staff: Staff) -> list[dict[str, Any]]:
    """One role per team of the staff member's site (teams elsewhere are not theirs
    to show here), or one at the site for someone in no team."""
    teams = sorted(
        (team for team in staff.teams.all() if team.site_id == staff.site_id),
        key=lambda team: team.pk,
    )
    organizations = [f"team-{team.pk}" for team in teams] or [f"site-{staff.site_id}"]
    return [
        {
            "resourceType": RESOURCE_TYPE,
            "id": role_id(staff, organization),
            "active": staff.is_active,
            "practitioner": reference("Practitioner", staff.public_id),
            "organization": reference("Organization", organization),
            "code": [
                {
                    "coding": [
                        {
                            "system": codes.STAFF_ROLE,
                            "code": staff.role,
                            "display": staff.get_role_display(),
                        }
                    ]
                }
            ],
        }
        for organization in organizations
    ]


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    organization = data["organization"]["reference"].removeprefix("Organization/")
    kind, _, pk = organization.partition("-")
    return {
        "public_id": data["practitioner"]["reference"].removeprefix("Practitioner/"),
        "is_active": data["active"],
        "role": data["code"][0]["coding"][0]["code"],
        "team_id" if kind == "team" else "site_id": int(pk),
    }
