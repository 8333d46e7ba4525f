"""Text a person typed, made safe to draw: the one place every picture and chart goes
through before matplotlib sees a user's words (names, titles, preferred names).

matplotlib reads ``$…$`` as a formula, ``\\`` as a command inside it, and raises on
one it cannot parse; it warns (and logs the character) for a glyph its font lacks; XML
cannot hold most control characters. So a label is drawn only after ``plain_label``
has made it plain text, and every drawing runs with ``PLAIN_TEXT_RC`` (no mathtext, no
TeX) as a second guard. ``drawn_or_none`` keeps a picture that still fails from
turning the page into a 500, and logs the failure without the text.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Final

logger = logging.getLogger("iptcare.drawing")

# rcParams for every drawing: text is drawn as written, never parsed as a formula.
PLAIN_TEXT_RC: Final[dict[str, Any]] = {"text.parse_math": False, "text.usetex": False}

FONT: Final = "DejaVu Sans"
MISSING_GLYPH: Final = "\u25a1"  # □: a character the font cannot draw
ELLIPSIS: Final = "…"
# The printed page's small print, in points: the report CSS's captions and notes
# (``{% small_print %}`` in reports/_print.css) and the least any chart's text may be
# as a PDF prints it.
SMALL_PRINT_PT: Final = 8.5
MAX_MARKS: Final = 2  # combining marks kept per letter ("Zalgo" text stacks hundreds)
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    from matplotlib.font_manager import findfont, get_font

    return frozenset(get_font(findfont(FONT)).get_charmap())


def plain_label(text: object, *, limit: int = 60) -> str:
    """``text`` as one line of plain text of at most ``limit`` characters (an ellipsis
    ends a cut one), which matplotlib draws as written and never raises on.

    Whitespace of any kind becomes one space; control, format (bidi overrides,
    zero-width), private-use and unassigned characters go; a character the font has
    no glyph for (most emoji) becomes □; ``$`` and ``\\`` stay as they are, because
    ``PLAIN_TEXT_RC`` turns mathtext off wherever we draw. Right-to-left text is kept
    in its logical order: the SVG keeps text as text, and the browser lays it out."""
    cleaned = unicodedata.normalize("NFC", str(text))
    known = _font_characters()
    characters: list[str] = []
    marks = 0
    for character in cleaned:
        if character.isspace():
            characters.append(" ")
            marks = 0
            continue
        category = unicodedata.category(character)
        if category in _DROPPED_CATEGORIES:
            continue
        if category.startswith("M"):
            marks += 1
            if marks > MAX_MARKS or not characters:
                continue
        else:
            marks = 0
        characters.append(character if ord(character) in known else MISSING_GLYPH)
        if len(characters) > 4 * limit + 4:  # enough to cut from; skip the rest
            break
    line = " ".join("".join(characters).split())
    if len(line) <= limit:
        return line
    return line[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def drawn_or_none(draw: Callable[[], str], *, picture: str) -> str | None:
    """The picture ``draw`` makes, or ``None`` when drawing fails: the page then shows
    its table with a sentence saying the picture could not be drawn. The log names the
    picture and the kind of error only: an exception's message can quote the text."""
    try:
        return draw()
    except Exception as error:
        logger.error(
            "Could not draw the %s picture (%s)", picture, type(error).__name__
        )
        return None
