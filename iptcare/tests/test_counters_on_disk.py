"""The rate limits' counters without Redis (``make run``): one count for every process
of the machine (decisions/0078)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from iptcare.lib.counters_on_disk import CountersOnDisk

WORKERS, EACH = 4, 40


def _count_many(location: str) -> None:
    counters = CountersOnDisk(location, {})
    for _ in range(EACH):
        counters.add("portal.link", 0, timeout=3600)
        counters.incr("portal.link")


def test_processes_side_by_side_share_one_count(tmp_path: Path) -> None:
    """Four processes counting at once, as gunicorn's workers do: no count is lost
    and no window opened twice."""
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_count_many, args=(str(tmp_path),))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert CountersOnDisk(str(tmp_path), {}).get("portal.link") == WORKERS * EACH


def test_a_count_keeps_its_window(tmp_path: Path) -> None:
    """Counting does not move the window's end (Redis' INCR keeps the expiry too):
    the count starts again once the window has closed."""
    counters = CountersOnDisk(str(tmp_path), {})
    assert counters.add("callback", 0, timeout=1)
    assert not counters.add("callback", 0, timeout=1)  # the window is open
    opened = time.time()
    assert counters.incr("callback") == 1
    stored = counters._stored("callback", None)
    assert stored is not None
    expiry, value = stored
    assert value == 1 and expiry is not None and expiry <= opened + 1
    time.sleep(max(expiry - time.time(), 0) + 0.05)
    assert counters.get("callback") is None
    assert counters.add("callback", 0, timeout=1)


def test_make_run_counts_on_disk_in_its_var_directory(tmp_path: Path) -> None:
    """Without ``REDIS_URL`` the settings put the counters in ``IPTCARE_VAR_DIR``;
    with it, in Redis beside everything else."""
    script = (
        "import django; from django.conf import settings; "
        "print(settings.CACHES['counters']['BACKEND']); "
        "print(settings.CACHES['counters']['LOCATION'])"
    )
    base = {
        **os.environ,
        "IPTCARE_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "iptcare.settings",
        "IPTCARE_VAR_DIR": str(tmp_path),
    }
    without = subprocess.run(
        [sys.executable, "-c", script],
        env={**base, "REDIS_URL": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert without == [
        "iptcare.lib.counters_on_disk.CountersOnDisk",
        str(tmp_path / "counters"),
    ]
    with_redis = subprocess.run(
        [sys.executable, "-c", script],
        env={**base, "REDIS_URL": "redis://127.0.0.1:6379/9"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert with_redis[0] == "django.core.cache.backends.redis.RedisCache"
