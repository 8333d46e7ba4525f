"""Text an attacker (or an unlucky patient) types into a name or a title: each item once
broke, or could break, a drawing, a PDF or a page. Shared by the tests that draw every
picture and render every page with it."""

from __future__ import annotations

HOSTILE_TEXT: tuple[str, ...] = (
    "$x^2$",  # mathtext: a formula
    "$\\frac{1}{0}$",  # a formula matplotlib cannot lay out
    "$\\undefinedcommand$",  # a formula it cannot parse
    "Jo $ and $$ Sam",  # odd and even dollars
    "\\ backslash \\n \\$ and {braces} %percent% <b>bold</b> &amp;",
    "Nul\x00 bell\x07 escape\x1b[31m tab\t newline\n return\r",
    "\u202eevil\u202c right-to-left override \u200b zero width",
    "שרה כהן",  # Hebrew: right to left
    "محمد علي",  # Arabic: right to left, joined letters
    "Maman 😀👩‍👩‍👧 🏳️‍🌈",  # emoji outside the font, joiners
    "Z̷̡̢̛a̸̧̛l̵̨g̶o̴ t̸e̵x̶t̷",  # stacked combining marks
    "\ud800 lone surrogate",  # invalid UTF-16, possible from a bad client
    "A" * 10_000,  # very long
)

# The first item, as it must be read in the picture: drawn as written.
FORMULA = "$x^2$"

# Cells a spreadsheet would run as formulas (OWASP, "CSV Injection"): each way a
# formula can start, also after white space, and one that starts a new cell where a
# spreadsheet separates cells with ";". Shared by the tests of every CSV export.
FORMULAS: tuple[str, ...] = (
    '=HYPERLINK("http://evil.example/steal","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "Ward 3;=1+1",
)
