"""The FHIR API's views: thin — who is asking, one selector or service, a FHIR JSON
answer. Authentication is the API's own (a bearer token or a staff session, 401
otherwise), so the views are exempt from the sign-in redirect; writes take only a
bearer token, so cookies cannot ride them (and CSRF does not apply)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from interop import selectors, services
from interop.capability import capability_statement, openapi
from interop.outcome import JSON_TYPES, accepts_json, fhir_response, operation_outcome
from interop.registry import TYPES, BadParameter, ResourceType
from interop.request_body import UnreadableBody, resource_from
from interop.requester import BadToken, Requester, requester_for

View = Callable[..., HttpResponseBase]


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def fhir_api(view: View) -> View:
    """Resolve the requester (401 without one), refuse non-JSON (406), and turn
    ``Http404`` and ``BadParameter`` into OperationOutcomes."""

    @login_not_required
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            requester = requester_for(request)
        except BadToken:
            requester = None
        if requester is None:
            response = operation_outcome(
                401, "Sign in or send a valid bearer token.", "login"
            )
            response["WWW-Authenticate"] = 'Bearer realm="fhir"'
            return response
        if not accepts_json(request.headers.get("Accept", "")):
            return operation_outcome(
                406, "This server answers in FHIR JSON only.", "not-supported"
            )
        try:
            return view(request, requester, *args, **kwargs)
        except Http404:
            return operation_outcome(404, "No such resource.", "not-found")
        except BadParameter as error:
            return operation_outcome(400, str(error))

    return wrapper


def _scoped(
    requester: Requester, resource_type: ResourceType, action: str = "read"
) -> HttpResponse | None:
    if requester.may(resource_type.name, action):
        return None
    return operation_outcome(
        403, f"The token's scopes do not cover {resource_type.name}.", "forbidden"
    )


def read_view(resource_type: ResourceType) -> View:
    @require_GET
    @fhir_api
    def read(
        request: HttpRequest, requester: Requester, resource_id: str
    ) -> HttpResponse:
        refused = _scoped(requester, resource_type)
        if refused is not None:
            return refused
        return fhir_response(
            selectors.resource_read(requester, resource_type, resource_id)
        )

    return read


def type_view(resource_type: ResourceType) -> View:
    methods = (
        ["GET", "POST"] if resource_type.name == "QuestionnaireResponse" else ["GET"]
    )

    @require_http_methods(methods)
    @fhir_api
    def search_or_create(request: HttpRequest, requester: Requester) -> HttpResponse:
        if request.method == "POST":
            return _create(request, requester)
        refused = _scoped(requester, resource_type)
        if refused is not None:
            return refused
        params = {key: request.GET[key] for key in request.GET}
        if any(len(request.GET.getlist(key)) > 1 for key in request.GET):
            raise BadParameter("Give each search parameter once.")
        url = f"{base_url(request)}/{resource_type.name}"
        return fhir_response(selectors.search(requester, resource_type, params, url))

    return search_or_create


def _create(request: HttpRequest, requester: Requester) -> HttpResponse:
    if requester.client is None:
        return operation_outcome(
            403, "Responses are submitted by API clients only.", "forbidden"
        )
    if request.content_type not in JSON_TYPES:
        return operation_outcome(
            415, "Send the resource as application/fhir+json.", "not-supported"
        )
    try:
        data = resource_from(request.body)
    except UnreadableBody as refusal:
        return operation_outcome(400, str(refusal), "structure")
    try:
        submitted = services.questionnaire_response_submit(
            requester=requester,
            key=request.headers.get("Idempotency-Key", ""),
            data=data,
        )
    except services.SubmissionRefused as refusal:
        code = {404: "not-found", 403: "forbidden", 422: "conflict"}.get(
            refusal.status, "invalid"
        )
        return operation_outcome(refusal.status, str(refusal), code)
    response = fhir_response(submitted.resource, 201 if submitted.created else 200)
    response["Location"] = (
        f"{base_url(request)}/QuestionnaireResponse/{submitted.resource['id']}"
    )
    return response


@login_not_required
@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability_statement(base_url(request)))


@login_not_required
@require_GET
def openapi_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi())


READ_VIEWS = {name: read_view(t) for name, t in TYPES.items()}
TYPE_VIEWS = {name: type_view(t) for name, t in TYPES.items()}
