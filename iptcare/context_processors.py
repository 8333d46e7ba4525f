"""Values every page shows: the clinic's name and its crisis resources."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, object]:
    return {
        "organisation_name": settings.IPTCARE_ORGANISATION,
        "crisis_text": settings.IPTCARE_CRISIS_TEXT,
    }
