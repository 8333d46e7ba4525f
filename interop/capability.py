"""The CapabilityStatement at ``/fhir/metadata`` (SMART-style: OAuth2 endpoints in the
security extension) and the OpenAPI description at ``/fhir/openapi.json``, both built
from the one registry so they cannot drift from the routes."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from interop.registry import EXPORTABLE, QUESTIONNAIRE, TYPES, scope_names

SMART_OAUTH = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
SEARCH_PARAMETER_TYPES = {
    "date": "date",
    "patient": "reference",
    "practitioner": "reference",
    "episode-of-care": "reference",
}


def capability_statement(base: str) -> dict[str, Any]:
    resources = []
    for resource_type in TYPES.values():
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if resource_type.name == "QuestionnaireResponse":
            interactions.append({"code": "create"})
        resources.append(
            {
                "type": resource_type.name,
                "documentation": resource_type.description,
                "interaction": interactions,
                "searchParam": [
                    {
                        "name": name,
                        "type": SEARCH_PARAMETER_TYPES.get(name, "token"),
                        "documentation": resource_type.search_help.get(name, ""),
                    }
                    for name in resource_type.search
                ],
            }
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-04",
        "kind": "instance",
        "software": {"name": "IPT Care"},
        "implementation": {"description": settings.IPTCARE_ORGANISATION, "url": base},
        "fhirVersion": "4.3.0",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": SMART_OAUTH,
                            "extension": [
                                {"url": "token", "valueUri": f"{base}/auth/token"}
                            ],
                        }
                    ],
                    "description": "OAuth2 client credentials; scopes "
                    + ", ".join(sorted(scope_names())),
                },
                "resource": resources,
                "operation": [
                    {
                        "name": "export",
                        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                    }
                ],
            }
        ],
    }


# --- OpenAPI -------------------------------------------------------------------------
_OUTCOME = {"$ref": "#/components/schemas/OperationOutcome"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/fhir+json": {"schema": schema}},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        400: "Bad input",
        401: "No or bad credentials",
        403: "Not in the client's scopes",
        404: "No such resource for this requester",
        406: "Only JSON is served",
        422: "Idempotency-Key reused with another body",
    }
    return {str(s): _json(_OUTCOME, words[s]) for s in statuses}


def _resource_schema(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["resourceType", "id"],
        "properties": {"resourceType": {"const": name}, "id": {"type": "string"}},
    }


_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "patient": {"type": "string", "pattern": f"^(Patient/)?{_UUID}$"},
    "_id": {"type": "string", "pattern": f"^{_UUID}$"},
    "practitioner": {"type": "string", "pattern": f"^(Practitioner/)?{_UUID}$"},
    # A session is held on a day: its date takes no time of day.
    "Encounter.date": {
        "type": "string",
        "pattern": "^(eq|ge|le|gt|lt)?[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    },
    "episode-of-care": {"type": "string", "pattern": f"^(EpisodeOfCare/)?{_UUID}$"},
    "date": {
        "type": "string",
        "pattern": "^(eq|ge|le|gt|lt)?[0-9]{4}-[0-9]{2}-[0-9]{2}"
        "(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2}))?$",
    },
}


def openapi(base_path: str = "/fhir") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    count = {
        "name": "_count",
        "in": "query",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": settings.IPTCARE_FHIR_MAX_PAGE_SIZE,
        },
    }
    cursor = {"name": "_cursor", "in": "query", "schema": {"type": "string"}}
    for name, resource_type in TYPES.items():
        params = [
            {
                "name": param,
                "in": "query",
                "description": resource_type.search_help.get(param, ""),
                "schema": PARAMETER_SCHEMAS.get(
                    f"{name}.{param}",
                    PARAMETER_SCHEMAS.get(param, {"type": "string", "minLength": 1}),
                ),
            }
            for param in resource_type.search
        ]
        search: dict[str, Any] = {
            "get": {
                "operationId": f"search{name}",
                "summary": f"Search {name}",
                "parameters": [*params, count, cursor],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Bundle"}, "A page"),
                    **_errors(400, 401, 403, 406),
                },
            }
        }
        if name == "QuestionnaireResponse":
            search["post"] = {
                "operationId": "createQuestionnaireResponse",
                "summary": "Submit a completed questionnaire (idempotent)",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/fhir+json": {"schema": _resource_schema(name)}
                    },
                },
                "responses": {
                    "200": _json(_resource_schema(name), "A retry: the first answer"),
                    "201": _json(_resource_schema(name), "Stored and scored"),
                    **_errors(400, 401, 403, 404, 422),
                },
            }
        paths[f"{base_path}/{name}"] = search
        id_pattern = (
            "^[A-Za-z0-9\\-\\.]{1,64}$"
            if resource_type is not QUESTIONNAIRE
            else "^[a-z0-9]{1,32}$"
        )
        paths[f"{base_path}/{name}/{{id}}"] = {
            "get": {
                "operationId": f"read{name}",
                "summary": f"Read one {name}",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": id_pattern},
                    }
                ],
                "responses": {
                    "200": _json(_resource_schema(name), name),
                    **_errors(401, 403, 404, 406),
                },
            }
        }
    paths[f"{base_path}/metadata"] = {
        "get": {
            "operationId": "capabilities",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "CapabilityStatement")},
        }
    }
    paths[f"{base_path}/$export"] = {
        "get": {
            "operationId": "export",
            "summary": "Bulk export kick-off (Prefer: respond-async)",
            "parameters": [
                {
                    "name": "Prefer",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "enum": ["respond-async"]},
                },
                {
                    "name": "_type",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Comma-separated: " + ",".join(EXPORTABLE),
                },
                {"name": "_since", "in": "query", "schema": {"type": "string"}},
                {"name": "_outputFormat", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "202": {
                    "description": "Accepted; Content-Location names the status URL"
                },
                **_errors(400, 401, 403),
            },
        }
    }
    paths[f"{base_path}/$export-status/{{job}}"] = {
        "get": {
            "operationId": "exportStatus",
            "parameters": [
                {
                    "name": "job",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                }
            ],
            "responses": {
                "200": {
                    "description": "The manifest",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "202": {"description": "Still running; X-Progress"},
                **_errors(401, 404),
            },
        },
        "delete": {
            "operationId": "exportCancel",
            "parameters": [
                {
                    "name": "job",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                }
            ],
            "responses": {
                "202": {"description": "Cancelled and removed"},
                **_errors(401, 404),
            },
        },
    }
    paths[f"{base_path}/$export-file/{{job}}/{{name}}"] = {
        "get": {
            "operationId": "exportFile",
            "parameters": [
                {
                    "name": "job",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                },
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[A-Za-z]+\\.ndjson$"},
                },
            ],
            "responses": {
                "200": {
                    "description": "NDJSON, one resource a line",
                    "content": {
                        "application/fhir+ndjson": {"schema": {"type": "string"}}
                    },
                },
                **_errors(401, 404),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "IPT Care FHIR R4 API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"oauth2": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": f"{base_path}/auth/token",
                            "scopes": scope_names(),
                        }
                    },
                }
            },
            "schemas": {
                "OperationOutcome": {
                    "type": "object",
                    "required": ["resourceType", "issue"],
                    "properties": {
                        "resourceType": {"const": "OperationOutcome"},
                        "issue": {"type": "array", "minItems": 1},
                    },
                },
                "Bundle": {
                    "type": "object",
                    "required": ["resourceType", "type", "link"],
                    "properties": {
                        "resourceType": {"const": "Bundle"},
                        "type": {"const": "searchset"},
                        "entry": {"type": "array"},
                    },
                },
            },
        },
    }
