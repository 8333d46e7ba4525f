"""The crash harness delivers every kill it promises (scripts/fault_harness.py): kills
are spaced by acknowledged submissions, and clients faster than a restart are held
until the kill is made. The harness itself runs in `make fault` and tests/rig."""

from __future__ import annotations

import importlib.util
import random
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def harness() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fault_harness", ROOT / "scripts" / "fault_harness.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_harness"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class FakeServer:
    """Notes how many submissions were acknowledged at each kill."""

    def __init__(self, tally: Any) -> None:
        self.tally = tally
        self.killed_at: list[int] = []
        self.starts = 0

    def kill(self) -> None:
        self.killed_at.append(len(self.tally.acknowledged))

    def start(self) -> None:
        self.starts += 1


@pytest.mark.parametrize(("total", "kills"), [(10_000, 20), (200, 3), (25, 20)])
def test_every_kill_falls_among_the_writes_however_fast_the_clients(
    harness: types.ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    total: int,
    kills: int,
) -> None:
    # The supervisor's pauses cost nothing here, so the clients below, which never
    # wait for a server, are far faster than it: without the hold they would finish
    # before the first kills.
    instant = types.SimpleNamespace(sleep=lambda _: None, monotonic=time.monotonic)
    monkeypatch.setattr(harness, "time", instant)
    tally = harness.Tally()
    server = FakeServer(tally)
    stop = threading.Event()
    plan = harness.kill_plan(total, kills, random.Random(18))
    tally.hold(plan[0].hold)  # as the harness does before its clients start
    marks: list[int] = []
    supervisor = threading.Thread(
        target=lambda: marks.extend(
            harness.supervise(server, tally, plan, stop, random.Random(1))
        )
    )
    supervisor.start()

    def client() -> None:
        for n in range(total):
            assert tally.wait_for_turn(time.monotonic() + 30)
            tally.acknowledge(f"r{n}")

    writer = threading.Thread(target=client)
    writer.start()
    writer.join(timeout=30)
    stop.set()
    supervisor.join(timeout=30)

    assert len(tally.acknowledged) == total
    assert marks == [kill.mark for kill in plan] and len(server.killed_at) == kills
    low, high = max(int(total * 0.02), 1), max(int(total * 0.95), kills + 1)
    assert low <= marks[0] and marks[-1] < high
    assert marks == sorted(set(marks))
    for kill, at in zip(plan, server.killed_at, strict=True):
        # Made before the clients ran more than a slice past its mark.
        assert kill.mark <= at <= kill.hold <= kill.mark + (high - low) / kills + 1
    assert tally.hold_at == float("inf")
