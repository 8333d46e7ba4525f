"""The open-alert count in the navigation, kept in the shared cache between changes.

Every staff page polls the count once a minute, so it is the most frequent request a
clinic makes. Counting means building the visible-patient rule and asking the database
each time; the answer changes only when an alert is raised, acknowledged or escalated,
or when who may see which patient changes. So the count is kept per person under an
*inbox version* that every such change moves on (after its transaction commits), and
a new version is a new key: nobody reads a count made before the change.

Only with a shared cache (Redis): a per-process cache would keep a count that another
process's write made stale, as with sessions (decisions/0058). The entries also expire
after ``COUNT_SECONDS``, which bounds what a change outside the ORM (a raw statement, a
restore) or a break-the-glass grant running out could leave behind (decisions/0062).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "alerts:inbox-version"
COUNT_SECONDS = 60


def shared_cache_in_use() -> bool:
    return bool(settings.REDIS_URL)


def _move_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet, or evicted: a fresh start
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def inbox_changed(**_signal: Any) -> None:
    """Something an inbox counts changed: move the version once the change is
    committed (at once outside a transaction). Connected to the models' signals in
    ``AlertsConfig.ready``; call it after a bulk write the signals do not see."""
    if shared_cache_in_use():
        transaction.on_commit(_move_version)


def open_count(staff_id: int, count: Callable[[], int]) -> int:
    """The open-alert count for one person: from the cache if it was made under the
    current version, else ``count()`` stored with that version. One round trip to
    the cache reads both the version and the person's entry."""
    if not shared_cache_in_use():
        return count()
    key = f"alerts:open-count:{staff_id}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        # A start no earlier entry can share, should Redis have lost the version.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return int(entry[1])
    value = count()
    cache.set(key, (version, value), timeout=COUNT_SECONDS)
    return value
