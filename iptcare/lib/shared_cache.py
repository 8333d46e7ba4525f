"""Figures kept in the shared cache (Redis) under a *generation* that the writes they
depend on move: a new generation is a new answer, so nobody reads a figure made before
the change (decisions/0062).

Used only when the deployment has a shared cache. A per-process cache cannot hold such
figures: a write in one process (or the background worker) would not move the
generation that another process reads, as with sessions (decisions/0058).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def in_use() -> bool:
    return bool(settings.REDIS_URL)


class Generation:
    """A counter in the shared cache that the writes behind some figures move."""

    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int | None:
        """The generation now, for a key of one's own (one round trip); ``None``
        without a shared cache, or before the first move."""
        if not in_use():
            return None
        value = cache.get(self.key)
        return None if value is None else int(value)

    def _move_now(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not there yet, or evicted: a fresh start
            cache.add(self.key, time.time_ns(), timeout=None)

    def move(self, **_signal: Any) -> None:
        """Move on once the current transaction commits (at once outside one): a
        reader between the write and the commit keeps the old generation, whose
        entries nobody reads after the move. Takes a signal's arguments, so it can be
        connected to ``post_save`` and the like directly."""
        if in_use():
            transaction.on_commit(self._move_now)

    def cached(
        self,
        entry_key: str,
        compute: Callable[[], T],
        *,
        seconds: int,
        found: dict[str, Any] | None = None,
    ) -> T:
        """The figure under ``entry_key`` if it was made in the current generation,
        else ``compute()``, kept with the generation for at most ``seconds``. One round
        trip reads both the generation and the entry — none when the caller has read
        them already (``found``: what a ``get_many`` of both returned)."""
        if not in_use():
            return compute()
        if found is None:
            found = cache.get_many([self.key, entry_key])
        generation = found.get(self.key)
        if generation is None:
            # A start no earlier entry can share, should Redis have lost the counter.
            cache.add(self.key, time.time_ns(), timeout=None)
            generation = cache.get(self.key)
        entry = found.get(entry_key)
        if entry is not None and entry[0] == generation:
            return entry[1]  # type: ignore[no-any-return]
        value = compute()
        cache.set(entry_key, (generation, value), timeout=seconds)
        return value
