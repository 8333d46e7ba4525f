"""FHIR JSON responses and OperationOutcome errors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"
# The media types a FHIR JSON body or answer comes as.
JSON_TYPES = (FHIR_JSON, "application/json")
_ACCEPTED = (*JSON_TYPES, "*/*", "application/*")


def fhir_response(data: dict[str, Any], status: int = 200) -> HttpResponse:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    response = HttpResponse(
        body, status=status, content_type=f"{FHIR_JSON}; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response


def operation_outcome(
    status: int, diagnostics: str, code: str = "invalid"
) -> HttpResponse:
    """An error as FHIR says: an OperationOutcome with one issue (no patient data)."""
    return fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
        },
        status,
    )


def accepts_json(accept: str) -> bool:
    """True unless the client asked only for something other than JSON (XML, turtle)."""
    if not accept.strip():
        return True
    offered = [part.split(";")[0].strip() for part in accept.split(",")]
    return any(kind in _ACCEPTED for kind in offered)
