from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The rate limit counts in the cache: every test starts with none counted."""
    caches["counters"].clear()
    yield
    caches["counters"].clear()
