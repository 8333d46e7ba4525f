"""Gives each request an id (also sent back as ``X-Request-ID``) for the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import RequestContext, current_request
from iptcare.lib.ratelimit import client_address


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=uuid.uuid4(), ip_address=client_address(request) or None
        )
        token = current_request.set(context)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = str(context.request_id)
        return response
