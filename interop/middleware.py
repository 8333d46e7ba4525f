"""Every error under ``/fhir/`` answers as FHIR does: an OperationOutcome.

The API's views answer their own errors as OperationOutcomes (``interop.views.
fhir_api``), but some answers never reach them: an unknown route (404), a method a
route does not take (405), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a CSRF refusal,
an exception no view caught (500). Django answers those with its HTML pages, which an
API client cannot read. This middleware, the one place for the whole API, rewrites
them; it keeps the status and the headers a client acts on, and a 500 says nothing of
its exception (Django has logged it as usual by then)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from interop.outcome import JSON_TYPES, operation_outcome

PREFIX = "/fhir/"


def _under_fhir(request: HttpRequest) -> bool:
    return request.path_info.startswith(PREFIX) or request.path_info == "/fhir"


_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")

_OUTCOMES: dict[int, tuple[str, str]] = {
    400: ("invalid", "The request could not be read."),
    401: ("login", "Sign in or send a valid bearer token."),
    403: ("forbidden", "This request is not allowed."),
    404: ("not-found", "No such resource or route."),
    405: ("not-supported", "This route does not take that method."),
    406: ("not-supported", "This server answers in FHIR JSON only."),
    413: ("too-long", "The body is larger than this server takes."),
    415: ("not-supported", "Send the resource as application/fhir+json."),
    429: ("throttled", "Too many requests; wait and try again."),
}
_SERVER_ERROR = ("exception", "The server could not complete the request.")


def _outcome(status: int) -> HttpResponse:
    if status >= 500:
        code, diagnostics = _SERVER_ERROR
    else:
        code, diagnostics = _OUTCOMES.get(status, ("invalid", "The request failed."))
    return operation_outcome(status, diagnostics, code)


class FhirErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not _under_fhir(request)
            or response.status_code < 400
            # Already JSON: the API's own answers, and the token endpoint's OAuth2
            # errors (RFC 6749 §5.2 fixes their shape).
            or response.get("Content-Type", "").startswith(JSON_TYPES)
        ):
            return response
        outcome = _outcome(response.status_code)
        for header in _KEPT_HEADERS:
            if header in response:
                outcome[header] = response[header]
        return outcome

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        # Django answers an oversized body with a bare 400; an API says 413.
        if _under_fhir(request) and isinstance(exception, RequestDataTooBig):
            return _outcome(413)
        return None
