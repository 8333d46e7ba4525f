"""Sizes the print CSS shares with the charts it prints: one definition in Python
(``iptcare.lib.drawing.SMALL_PRINT_PT``), so the charts' smallest text and the page's
small print cannot drift apart."""

from __future__ import annotations

from django import template

from iptcare.lib.drawing import SMALL_PRINT_PT

register = template.Library()


@register.simple_tag
def small_print() -> str:
    """The printed page's small print (captions, tables' heads, notes), as CSS."""
    return f"{SMALL_PRINT_PT:g}pt"
