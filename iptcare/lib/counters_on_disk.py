"""The rate limits' counters when there is no Redis: files every process of this
machine shares (decisions/0078).

``make run`` serves with three gunicorn workers and no Redis. With the local-memory
cache each worker counted on its own, so the portal's ten wrong links an hour were
thirty, in no order an attacker could not use (an outside probe saw 16 answers of 410
before the first 429). Django's file cache is shared, but its ``add`` and ``incr`` are
a read and a write: two workers could both open a window or both count 3. Here both
hold an exclusive lock on a file beside the entries while they read and write, and
``incr`` keeps the entry's expiry (the window), as Redis does.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache


class CountersOnDisk(FileBasedCache):
    """Django's file cache with ``add`` and ``incr`` atomic between processes."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(location, params)
        self._directory = os.path.abspath(location)

    @contextmanager
    def _held(self) -> Iterator[None]:
        os.makedirs(self._directory, mode=0o700, exist_ok=True)
        lock = os.open(
            os.path.join(self._directory, "counters.lock"),
            os.O_CREAT | os.O_RDWR,
            0o600,
        )
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)  # closing the descriptor lets the lock go

    def add(
        self, key: str, value: Any, timeout: Any = None, version: int | None = None
    ) -> bool:
        with self._held():
            return bool(super().add(key, value, timeout, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        with self._held():
            stored = self._stored(key, version)
            if stored is None:
                raise ValueError(f"Key '{key}' not found")
            expiry, value = stored
            value += delta
            left = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, value, timeout=left, version=version)
            return int(value)

    def _stored(self, key: str, version: int | None) -> tuple[float | None, Any] | None:
        """The entry's expiry (``None``: never) and value, if it has not expired."""
        # Django's own path for the entry (not in django-stubs).
        name = self._key_to_file(key, version)  # type: ignore[attr-defined]
        try:
            with open(name, "rb") as entry:
                expiry = pickle.load(entry)  # noqa: S301 - our own file, written by set()
                if expiry is not None and expiry < time.time():
                    return None
                return expiry, pickle.loads(zlib.decompress(entry.read()))  # noqa: S301
        except FileNotFoundError:
            return None
