"""The body of a write, read as FHIR JSON: one JSON object, strictly.

``json.loads`` alone takes more than FHIR does and fails in ways a view does not
expect: NaN and Infinity (not JSON), a repeated key (FHIR JSON forbids it; the last
would silently win), and a deep nest (``RecursionError`` inside the parser)."""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64
"""Far deeper than any resource this API takes (a QuestionnaireResponse's nested items
reach a handful of levels), far shallower than the parser's recursion."""


class UnreadableBody(ValueError):
    """The body is not a FHIR JSON resource; the message says why, without its text."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999 parses to inf
        raise ValueError("number out of range")
    return number


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a key is repeated")
    return found


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest, without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict):
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest


def resource_from(body: bytes) -> dict[str, Any]:
    """The JSON object the body holds, or ``UnreadableBody``."""
    try:
        text = body.decode("utf-8")
        data = json.loads(
            text,
            parse_constant=_no_constant,
            parse_float=_finite,
            object_pairs_hook=_object,
        )
    except UnicodeDecodeError:
        raise UnreadableBody("The body is not UTF-8.") from None
    except RecursionError:
        raise UnreadableBody(
            f"The body nests deeper than {MAX_DEPTH} levels."
        ) from None
    except ValueError:  # bad JSON, NaN, a repeated key, an integer of 4,300+ digits
        raise UnreadableBody(
            "The body is not JSON as FHIR takes it (no NaN or Infinity, no repeated "
            "keys, numbers in range)."
        ) from None
    if not isinstance(data, dict):
        raise UnreadableBody("The body must be one JSON object, a FHIR resource.")
    if _depth(data) > MAX_DEPTH:
        raise UnreadableBody(f"The body nests deeper than {MAX_DEPTH} levels.")
    return data
