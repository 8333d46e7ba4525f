"""CSV cells that a spreadsheet will not run: a text cell beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is read as a formula by Excel and LibreOffice
(OWASP, "CSV Injection"), so it is written with a leading apostrophe. Numbers are
written as they are."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
