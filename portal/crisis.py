"""The crisis lines the portal offers as one-tap calls (``IPTCARE_CRISIS_LINES``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The default lines' generic names, for the catalog (``makemessages``): shown in the
# patient's language. A clinic's own names, and proper names, are shown as configured.
DEFAULT_LABELS = (gettext_noop("Emergency services"), gettext_noop("NHS 111, option 2"))


@dataclass(frozen=True)
class CrisisLine:
    label: str
    number: str

    @property
    def tel(self) -> str:
        """The number for a ``tel:`` link: digits and a leading +."""
        return re.sub(r"[^\d+]", "", self.number)


def crisis_lines(configured: str | None = None) -> list[CrisisLine]:
    """``"Emergency services=999;Samaritans=116123"`` → two lines, each name in the
    active language where the catalog has it. Malformed parts are skipped rather than
    shown half-right."""
    text = settings.IPTCARE_CRISIS_LINES if configured is None else configured
    lines = []
    for part in text.split(";"):
        label, _, number = part.partition("=")
        if label.strip() and re.search(r"\d", number):
            lines.append(
                CrisisLine(label=gettext(label.strip()), number=number.strip())
            )
    return lines
