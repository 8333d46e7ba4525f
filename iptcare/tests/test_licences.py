"""The project is published under the Apache License 2.0, and the list of third-party
licences names every package the product ships."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_licence_file_and_the_package_metadata_say_apache_2() -> None:
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert "Version 2.0, January 2004" in (ROOT / "LICENSE").read_text()
    assert metadata.metadata("iptcare")["License-Expression"] == "Apache-2.0"


def test_the_third_party_licence_list_is_current() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "third_party_licenses.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    text = (ROOT / "THIRD_PARTY_LICENSES.md").read_text()
    for shipped in ("| Django |", "| psycopg-binary |", "| htmx |", "| axe-core |"):
        assert shipped in text
    # Development tools are not shipped, so not listed.
    assert "| pytest |" not in text and "| locust |" not in text
