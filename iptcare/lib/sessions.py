"""Keeping a session's "last seen" time without writing the session on every request.

A session is written to the database (and the shared cache) only when something in it
changes. Marking the person active on every request would change it every time: one
``UPDATE`` per page, per poll, per portal screen. Instead the mark moves only once it
is ``SESSION_TOUCH_SECONDS`` old, so the idle limit is kept to within that many seconds
— never longer than configured, at most that much shorter (decisions/0058).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase


def touch(session: SessionBase, key: str, now: float) -> None:
    """Record ``now`` under ``key`` if the recorded time is missing or stale."""
    seen = session.get(key)
    if seen is None or now - float(seen) >= settings.IPTCARE_SESSION_TOUCH_SECONDS:
        session[key] = now
