"""Telephone numbers as people type them: checked loosely, stored tidily."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_ALLOWED = re.compile(r"^\+?[\d\s().-]+$")


def normalise_phone(raw: str) -> str:
    """Return the number with single spaces; raise ValidationError if it is not one.

    International (+44 …) and national forms are both accepted; 7 to 15 digits, the
    E.164 maximum.
    """
    value = " ".join(raw.split())
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if not _ALLOWED.match(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            "Enter a telephone number of 7 to 15 digits, e.g. 020 7946 0000 or +44 20 7946 0000."
        )
    return value


def phone_digits(raw: str) -> str:
    """Digits only, for matching the same number typed two ways."""
    return re.sub(r"\D", "", raw)[-10:]
