"""The crisis lines the portal offers as one-tap calls (``IPTCARE_CRISIS_LINES``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CrisisLine:
    label: str
    number: str

    @property
    def tel(self) -> str:
        """The number for a ``tel:`` link: digits and a leading +."""
        return re.sub(r"[^\d+]", "", self.number)


def crisis_lines(configured: str | None = None) -> list[CrisisLine]:
    """``"Emergency services=999;Samaritans=116123"`` → two lines. Malformed parts
    are skipped rather than shown half-right."""
    text = settings.IPTCARE_CRISIS_LINES if configured is None else configured
    lines = []
    for part in text.split(";"):
        label, _, number = part.partition("=")
        if label.strip() and re.search(r"\d", number):
            lines.append(CrisisLine(label=label.strip(), number=number.strip()))
    return lines
