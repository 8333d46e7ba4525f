"""The one way the product writes a CSV: every cell through ``Writer``, so a text a
user typed is read by a spreadsheet as text, never run as a formula.

Excel and LibreOffice run a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, also after leading spaces (OWASP, "CSV Injection"); such a text is
written with a leading apostrophe. Every text cell is also quoted, so a ``;`` in it
cannot start a new cell when a spreadsheet in a locale that separates cells with ``;``
opens the file. Numbers (a change of -3, a percentage) are written as numbers,
unquoted: Python writes them as digits, never as a formula."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    ):
        return value
    # Anything else is text, whatever its type (a lazy translation, a date, a name).
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Writer:
    """``csv.writer`` whose every cell is safe to open in a spreadsheet."""

    def __init__(self, out: SupportsWrite[str]) -> None:
        self._csv = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable[object]) -> None:
        self._csv.writerow([_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """The rows as one CSV text, each cell safe to open in a spreadsheet."""
    out = io.StringIO()
    Writer(out).writerows(rows)
    return out.getvalue()
