"""The rig (scripts/cluster.sh) for the tests that need it: started once per test run
from a fresh database, stopped at the end. ``RIG_REUSE=1`` uses a rig already up."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from tests.rig.client import CLUSTER, ROOT


@pytest.fixture(scope="session")
def rig() -> Iterator[None]:
    reuse = os.environ.get("RIG_REUSE") == "1"
    if not reuse:
        subprocess.run([str(CLUSTER), "start"], cwd=ROOT, check=True)
    try:
        yield
    finally:
        if not reuse:
            subprocess.run([str(CLUSTER), "stop"], cwd=ROOT, check=False)
