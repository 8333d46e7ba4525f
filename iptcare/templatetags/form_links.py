"""Where an error summary's link for a field goes: the field's first input."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id of the field's first input. ``id_for_label`` is empty for a radio group
    or a checkbox set (their label is a legend, not a ``<label for>``), which left
    error summaries linking to ``#``: take the first choice's id instead."""
    if field.id_for_label:
        return str(field.id_for_label)
    subwidgets = field.subwidgets
    if subwidgets and subwidgets[0].id_for_label:
        return str(subwidgets[0].id_for_label)
    return str(field.auto_id or "")
