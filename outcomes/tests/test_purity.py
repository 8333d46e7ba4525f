"""The clinical logic imports no Django: the portal, the reports and the command line
use it as it is, and it is tested without a database (docs/development.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "outcomes.calculations",
    "outcomes.definitions",
    "outcomes.charts",
    "alerts.rules",
    "outcomes.service",
    "supervision.fidelity",
]

BLOCK_DJANGO = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("Django imported by pure code: " + name)
        return None
sys.meta_path.insert(0, Block())
import {module}
assert not any(m == "django" or m.startswith("django.") for m in sys.modules), "django loaded"
print("pure")
"""


@pytest.mark.parametrize("module", PURE)
def test_the_pure_module_imports_with_django_blocked(module: str) -> None:
    # given a fresh interpreter in which any import of Django fails
    program = BLOCK_DJANGO.format(module=module)
    # when the module is imported
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    # then it loads, and Django never did
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pure"


@pytest.mark.parametrize("module", PURE)
def test_the_pure_module_names_no_django_import(module: str) -> None:
    source = (ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not {name for name in imported if name.split(".")[0] == "django"}
