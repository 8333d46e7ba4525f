"""The one CSV writer: a text cell never runs as a formula, a number stays a number,
and no other module writes a CSV."""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy

from iptcare.lib.spreadsheet import Writer, csv_text

ROOT = Path(__file__).resolve().parents[2]


def written(value: object) -> object:
    """The one cell ``value`` becomes, read back as a spreadsheet is told to."""
    text = csv_text([[value]])
    [[read]] = csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC)
    return read


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example/steal","Click")',
        "+1",
        "-1+1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        " =1",
        "  \u00a0@SUM(A1)",  # a non-breaking space is white space too
        "\n=1",
        "-3",  # typed text, not a number: a spreadsheet would compute it
    ],
)
def test_a_text_a_spreadsheet_would_run_is_written_behind_an_apostrophe(
    typed: str,
) -> None:
    assert written(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["Ana", "A&E", "3 = three", "", "'quoted"])
def test_other_text_is_written_as_it_is(typed: str) -> None:
    assert written(typed) == typed


def test_any_value_that_is_not_a_number_is_text() -> None:
    assert written(gettext_lazy("=lazy")) == "'=lazy"
    assert written(date(2026, 1, 5)) == "2026-01-05"
    assert written(None) == ""
    assert written(True) == "True"
    assert written(float("-inf")) == "'-inf"


@pytest.mark.parametrize("number", [-3, 0, 2.5, -0.25, Decimal("-1.5")])
def test_a_number_is_written_as_a_number_unquoted(number: object) -> None:
    text = csv_text([[number]])
    assert text == f"{number}\r\n"
    assert written(number) == float(str(number))


def test_every_text_cell_is_quoted_so_no_separator_starts_a_new_cell() -> None:
    # A spreadsheet in a locale that separates cells with ";" splits only outside
    # quotes.
    assert csv_text([["Ward 3;=1+1", 4]]) == '"Ward 3;=1+1",4\r\n'


def test_the_writer_writes_to_any_file_row_by_row() -> None:
    out = io.StringIO()
    writer = Writer(out)
    writer.writerow(["=a", 1])
    writer.writerows([["b"], []])
    assert out.getvalue() == '"\'=a",1\r\n"b"\r\n\r\n'


def test_no_other_module_writes_a_csv() -> None:
    """Every CSV goes through ``Writer``: a ``csv.writer`` elsewhere is one whose
    cells nobody neutralises."""
    writers = re.compile(r"\bcsv\s*\.\s*(writer|DictWriter)\b|from csv import")
    found = []
    for folder, folders, files in os.walk(ROOT):
        # Not the virtualenv, git, caches, run-time files or the tests themselves.
        folders[:] = [f for f in folders if f[0] != "." and f not in {"tests", "var"}]
        for name in files:
            path = Path(folder) / name
            if path.suffix != ".py" or path == ROOT / "iptcare/lib/spreadsheet.py":
                continue
            if writers.search(path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(ROOT)))
    assert found == []
