"""Benchmark-only middleware (``bench/settings_bench.py`` puts it first): each answer
says, in a ``Server-Timing`` header, how long the request took inside Django, how much
of it was SQL and how many queries it made. ``bench/run.py`` reads the header from
sampled requests; nothing else sees it (the product's settings never load this)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse


class SqlClock:
    """A ``connection.execute_wrapper``: counts the queries and adds up their time."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


class ServerTiming:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock = SqlClock()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(clock):
            response = self.get_response(request)
        total = (time.perf_counter() - started) * 1000
        sql = clock.seconds * 1000
        response["Server-Timing"] = (
            f'db;dur={sql:.2f};desc="{clock.queries} queries", '
            f"app;dur={total - sql:.2f}, total;dur={total:.2f}"
        )
        return response
