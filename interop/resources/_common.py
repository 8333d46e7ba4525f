"""Small helpers every mapping shares: references and FHIR date-times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def reference(resource_type: str, resource_id: object) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id}"}


def reference_id(ref: dict[str, Any] | None, resource_type: str) -> str | None:
    """The id out of ``{"reference": "Patient/…"}``; ``None`` for another type."""
    if not ref:
        return None
    value = str(ref.get("reference", ""))
    prefix = f"{resource_type}/"
    return value[len(prefix) :] if value.startswith(prefix) else None


def instant(value: datetime) -> str:
    """An aware date-time in UTC, as FHIR's ``instant`` wants it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty strings, lists and objects: leave such keys out."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}
