"""A named URL reversed once for a whole list, then filled in for each row."""

from __future__ import annotations

import uuid

from django.urls import reverse


class ReversedOnce:
    """``link = ReversedOnce("patients:detail", 1)``, then ``link(patient.public_id)``
    for each row: the same text as ``{% url 'patients:detail' patient.public_id %}``,
    at the cost of one reverse for the list instead of one per row (the resolver's
    reverse is most of a list row's template time, decisions/0064). For routes whose
    arguments are all UUIDs (``public_id``), which need no quoting."""

    def __init__(self, name: str, arity: int) -> None:
        # Placeholder ids no real route text can contain, one per argument.
        self._placeholders = [str(uuid.UUID(int=n + 1)) for n in range(arity)]
        self._text = reverse(name, args=self._placeholders)

    def __call__(self, *ids: uuid.UUID) -> str:
        if len(ids) != len(self._placeholders):
            raise TypeError(f"{len(self._placeholders)} ids expected, {len(ids)} given")
        text = self._text
        for placeholder, value in zip(self._placeholders, ids, strict=True):
            text = text.replace(placeholder, str(value))
        return text
