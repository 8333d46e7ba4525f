"""Field validators (referenced by migrations: keep their names and places)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from ipt.schedule import InvalidSessionList, parse_sessions

_INSTRUMENT_ID = re.compile(r"[a-z][a-z0-9_]{1,29}")


def _registry() -> object | None:
    """The rating-scale registry of ``measures.instruments``, once that package exists."""
    try:
        from measures.instruments import REGISTRY  # optional: measures may not be there
    except ImportError:
        return None
    return REGISTRY


def validate_instrument_id(value: str) -> None:
    """An instrument id such as ``phq9``: lower case, and a known instrument once the
    measures registry is there."""
    if not _INSTRUMENT_ID.fullmatch(value):
        raise ValidationError("Use the instrument's id in lower case, such as phq9.")
    registry = _registry()
    if registry is not None and value not in registry:  # type: ignore[operator]
        raise ValidationError(f"No instrument has the id {value!r}.")


def validate_session_list(value: str) -> None:
    try:
        parse_sessions(value)
    except InvalidSessionList as error:
        raise ValidationError(str(error)) from error
