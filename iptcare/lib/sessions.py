"""Keeping a session's "last seen" time without writing the session on every request.

A session is written to the database (and the shared cache) only when something in it
changes. Marking the person active on every request would change it every time: one
``UPDATE`` per page, per poll, per portal screen. Instead the mark moves only once it
is ``SESSION_TOUCH_SECONDS`` old, so the idle limit is kept to within that many seconds
— never longer than configured, at most that much shorter (decisions/0058).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches


def touch(session: SessionBase, key: str, now: float) -> None:
    """Record ``now`` under ``key`` if the recorded time is missing or stale."""
    seen = session.get(key)
    if seen is None or now - float(seen) >= settings.IPTCARE_SESSION_TOUCH_SECONDS:
        session[key] = now


# --- Reading other figures in the session's round trip -------------------------------

_BESIDE: list[Callable[[str], list[str]]] = []


def read_beside_session(keys: Callable[[str], list[str]]) -> None:
    """Have the shared-cache entries ``keys(session_key)`` read in the same round trip
    as the session (``SessionStore.beside``): the alert counter poll's generation and
    fragment, so that a poll is one read of Redis, not two (decisions/0065)."""
    _BESIDE.append(keys)


class SessionStore(cached_db.SessionStore):
    """Django's cached-database session (Redis in front, the database behind; the
    engine where there is a shared cache, decisions/0058), reading the entries
    registered with ``read_beside_session`` in the same ``MGET`` as the session."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # What the session's round trip found of those entries; ``None`` before it.
        self.beside: dict[str, Any] | None = None

    def load(self) -> dict[str, Any]:
        if not _BESIDE or self.session_key is None:
            return super().load()
        wanted = [key for keys in _BESIDE for key in keys(self.session_key)]
        try:
            cache = caches[settings.SESSION_CACHE_ALIAS]
            found = cache.get_many([self.cache_key, *wanted])
        except Exception:  # as Django's: a cache that cannot answer is no session
            found = {}
        data = found.pop(self.cache_key, None)
        self.beside = found
        if data is None:
            return super().load()
        return data  # type: ignore[no-any-return]
