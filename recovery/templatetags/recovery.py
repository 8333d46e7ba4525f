"""Small template filters of the recovery pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

WORDS = {
    "abstinent": "yes",
    "used": "no — use reported",
    "unknown": "not known (days without a report)",
}


@register.filter
def abstinence_words(value: str) -> str:
    return WORDS.get(str(value), str(value))


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
