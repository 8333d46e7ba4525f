"""The current request's id and address, for audit rows written anywhere below a view."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: uuid.UUID
    ip_address: str | None


current_request: ContextVar[RequestContext | None] = ContextVar(
    "current_request", default=None
)
