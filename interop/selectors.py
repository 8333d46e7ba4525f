"""Reads of the FHIR API: one resource, or a page of a search, access-filtered through
the requester and audited like a page read (one audit row per patient on a page, all
in one insert, so a page of 100 costs the same few queries as a page of 1)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404

from audit import services as audit
from audit.choices import Action
from interop.registry import (
    QUESTIONNAIRE,
    BadParameter,
    ResourceType,
    patients_of,
    validated,
)
from interop.release import release
from interop.requester import Requester
from measures.instruments import REGISTRY
from patients.models import Patient

CATEGORY = "fhir"
CONTROL_PARAMETERS = {"_count", "_cursor", "_format"}


def audit_read(
    requester: Requester,
    resource_type: ResourceType,
    patients: list[Patient],
    *,
    action: Action,
    object_id: str = "",
) -> None:
    """One row per patient whose records were read; none for a page without patients."""
    via = "session" if requester.staff is not None else "api"
    entries = [
        audit.Entry(
            action,
            CATEGORY,
            patient,
            object_id,
            f"type={resource_type.name}; via={via}",
        )
        for patient in patients
    ]
    audit.record_many(
        actor=requester.staff, entries=entries, actor_label=requester.audit_label
    )


def resource_read(
    requester: Requester, resource_type: ResourceType, resource_id: str
) -> dict[str, Any]:
    """The resource, or ``Http404`` for one that does not exist for this requester."""
    if resource_type is QUESTIONNAIRE:
        instrument = REGISTRY.get(resource_id)
        if instrument is None:
            raise Http404
        return validated(resource_type, resource_type.convert(instrument)[0])
    try:
        rows = resource_type.read_filter(resource_type.rows(requester), resource_id)
    except BadParameter:
        raise Http404 from None
    row = rows.first()
    resource = None
    if row is not None:
        resource = next(
            (r for r in resource_type.convert(row) if r["id"] == resource_id), None
        )
    if row is None or resource is None:
        raise Http404
    release(
        requester, resource_type.name, [(resource_type.patient_of(row), [resource])]
    )
    audit_read(
        requester,
        resource_type,
        patients_of(resource_type, [row]),
        action=Action.VIEW,
        object_id=resource_id,
    )
    return validated(resource_type, resource)


def _count(params: dict[str, str]) -> int:
    raw = params.get("_count", "")
    if raw == "":
        return int(settings.IPTCARE_FHIR_PAGE_SIZE)
    if not raw.isdigit() or not 1 <= int(raw) <= settings.IPTCARE_FHIR_MAX_PAGE_SIZE:
        raise BadParameter(
            f"_count must be a whole number from 1 to {settings.IPTCARE_FHIR_MAX_PAGE_SIZE}."
        )
    return int(raw)


def _cursor(resource_type: ResourceType, raw: str) -> object:
    try:
        if resource_type.keyset == "public_id":
            return uuid.UUID(raw)
        if resource_type.keyset == "pk":
            return int(raw)
    except ValueError:
        pass
    if resource_type.keyset == "id":
        return raw
    raise BadParameter("_cursor is not one this server gave out; follow the next link.")


def search(
    requester: Requester,
    resource_type: ResourceType,
    params: dict[str, str],
    base_url: str,
) -> dict[str, Any]:
    """A searchset Bundle of one page; its ``next`` link carries the keyset cursor
    (the last row's key), never an offset."""
    unknown = set(params) - set(resource_type.search) - CONTROL_PARAMETERS
    if unknown:
        raise BadParameter(
            f"Unknown search parameter {sorted(unknown)[0]!r}. "
            f"Known: {', '.join([*sorted(resource_type.search), '_count'])}."
        )
    if params.get("_format", "json") not in {"json", "application/fhir+json"}:
        raise BadParameter("_format: this server answers in JSON only.")
    count = _count(params)
    cursor = params.get("_cursor")
    key = resource_type.keyset
    if resource_type is QUESTIONNAIRE:
        instruments = sorted(REGISTRY.values(), key=lambda i: i.id)
        if cursor is not None:
            instruments = [i for i in instruments if i.id > cursor]
        rows: list[Any] = instruments[: count + 1]
    else:
        queryset = resource_type.rows(requester)
        for name, apply in resource_type.search.items():
            if name in params:
                queryset = apply(queryset, params[name])
        if cursor is not None:
            queryset = queryset.filter(**{f"{key}__gt": _cursor(resource_type, cursor)})
        rows = list(queryset.order_by(key)[: count + 1])
    more = len(rows) > count
    rows = rows[:count]
    batches = [
        (
            resource_type.patient_of(row),
            [r for r in resource_type.convert(row) if resource_type.keep(r, params)],
        )
        for row in rows
    ]
    release(requester, resource_type.name, batches)
    resources = [
        validated(resource_type, resource)
        for _patient, converted in batches
        for resource in converted
    ]
    if resource_type is not QUESTIONNAIRE:
        audit_read(
            requester,
            resource_type,
            patients_of(resource_type, rows),
            action=Action.LIST,
        )
    own = {k: v for k, v in params.items() if k != "_cursor"}
    links = [{"relation": "self", "url": f"{base_url}?{urlencode(params)}"}]
    if more:
        last = rows[-1]
        value = last.id if resource_type is QUESTIONNAIRE else getattr(last, key)
        links.append(
            {
                "relation": "next",
                "url": f"{base_url}?{urlencode({**own, '_cursor': str(value)})}",
            }
        )
    root = base_url.rsplit("/", 1)[0]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": f"{root}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
