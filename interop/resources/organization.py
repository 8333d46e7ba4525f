"""Organization ← ``accounts.Site`` (``site-<n>``) and ``accounts.Team`` (``team-<n>``,
part of its site). Neither holds patient data, so their keys may name them."""

from __future__ import annotations

from typing import Any

from accounts.models import Site, Team
from interop.resources._common import drop_empty, reference

RESOURCE_TYPE = "Organization"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"


def site_to_fhir(site: Site) -> dict[str, Any]:
    return drop_empty(
        {
            "resourceType": RESOURCE_TYPE,
            "id": f"site-{site.pk}",
            "active": True,
            "type": [{"coding": [{"system": ORGANIZATION_TYPE, "code": "prov"}]}],
            "name": site.name,
            "address": [{"text": site.address}] if site.address else [],
        }
    )


def team_to_fhir(team: Team) -> dict[str, Any]:
    return {
        "resourceType": RESOURCE_TYPE,
        "id": f"team-{team.pk}",
        "active": True,
        "type": [{"coding": [{"system": ORGANIZATION_TYPE, "code": "team"}]}],
        "name": team.name,
        "partOf": reference("Organization", f"site-{team.site_id}"),
    }


def from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    kind, _, pk = data["id"].partition("-")
    fields: dict[str, Any] = {"pk": int(pk), "name": data["name"]}
    if kind == "site":
        fields["address"] = (data.get("address") or [{}])[0].get("text", "")
    else:
        fields["site_id"] = int(data["partOf"]["reference"].rpartition("-")[2])
    return fields
