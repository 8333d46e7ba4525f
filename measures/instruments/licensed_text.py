"""Item wording for licence-restricted instruments, loaded from the clinic's own file.

IPT Care ships DAST-10, WSAS, C-SSRS and IIP-32 without wording (see
``docs/decisions/0003-instrument-licences.md``). A clinic that holds a licence puts the
wording in a JSON file it keeps outside the repository; the Django side passes the path
from the ``IPTCARE_LICENSED_WORDING_FILE`` setting to ``instrument_with_wording`` (one
instrument) or ``load`` (the whole registry). The file never changes scoring: only
instructions, item text and option labels, and only for instruments whose wording IPT
Care may not ship.

File format (UTF-8 JSON)::

    {
      "format": "iptcare-licensed-text/1",
      "instruments": {
        "dast10": {
          "licence": "Written permission from CAMH, 2026-01-10, ref. 123",
          "instructions": "optional text shown above the items",
          "items": {"1": "wording of item 1", "2": "…", "10": "…"},
          "options": {"3": ["label of position 0", "label of position 1"]}
        }
      }
    }

- ``licence`` (required): the clinic's reference to its licence; kept on
  ``Instrument.licence.local_grant`` so screens and audit can show it.
- ``items`` (required): wording for EVERY item, keyed by item number.
- ``instructions``, ``options`` (optional): ``options`` maps an item number, or
  ``"*"`` for all items, to one label per option position, in the order IPT Care lists
  the options (``iptcare instruments`` and ``docs/instruments.md`` give it).

Anything else is refused with ``LicensedTextError`` naming the file and the problem.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

from measures.instruments import REGISTRY
from measures.instruments.base import Instrument, Item, Option

FORMAT = "iptcare-licensed-text/1"


class LicensedTextError(ValueError):
    """The licensed-text file cannot be used; the message says why."""


def load(
    path: str | PathLike[str], registry: Mapping[str, Instrument] | None = None
) -> dict[str, Instrument]:
    """The registry with wording from ``path`` applied to the instruments it covers.

    ``registry`` defaults to ``measures.instruments.REGISTRY`` and is not changed.
    """
    if registry is None:
        registry = REGISTRY
    source = Path(path)
    data = _read(source)
    result = dict(registry)
    for instrument_id, entry in data.items():
        instrument = registry.get(instrument_id)
        if instrument is None:
            raise LicensedTextError(f"{source}: unknown instrument {instrument_id!r}.")
        result[instrument_id] = apply(instrument, entry, source=str(source))
    return result


def instrument_with_wording(
    instrument: Instrument, path: str | PathLike[str]
) -> Instrument:
    """``instrument`` with the clinic's wording if the file at ``path`` has it, else
    ``instrument`` unchanged. The file is read again only when it changes on disk."""
    source = Path(path)
    try:
        modified = source.stat().st_mtime_ns
    except OSError as exc:
        raise LicensedTextError(f"{source}: cannot be read ({exc.strerror}).") from exc
    entry = _read_cached(str(source), modified).get(instrument.id)
    if entry is None:
        return instrument
    return apply(instrument, entry, source=str(source))


@functools.lru_cache(maxsize=4)
def _read_cached(path: str, modified: int) -> dict[str, Any]:
    # ``modified`` is only part of the cache key, so an edited file is read again.
    return _read(Path(path))


def apply(
    instrument: Instrument, entry: Any, *, source: str = "licensed text"
) -> Instrument:
    """``instrument`` with the wording in ``entry`` (one ``instruments`` value)."""
    where = f"{source}: {instrument.id}"
    if instrument.licence.ship_text:
        raise LicensedTextError(
            f"{where}: IPT Care ships this instrument's own wording; a licensed-text "
            "file may only supply wording for licence-restricted instruments."
        )
    if not isinstance(entry, dict):
        raise LicensedTextError(f"{where}: expected an object.")
    unknown = set(entry) - {"licence", "instructions", "items", "options"}
    if unknown:
        raise LicensedTextError(f"{where}: unknown keys {sorted(unknown)}.")
    grant = entry.get("licence")
    if not isinstance(grant, str) or not grant.strip():
        raise LicensedTextError(f"{where}: 'licence' must name the clinic's licence.")
    instructions = entry.get("instructions", instrument.instructions)
    if instructions is not None and not isinstance(instructions, str):
        raise LicensedTextError(f"{where}: 'instructions' must be text.")

    texts = _item_texts(instrument, entry.get("items"), where)
    labels = _option_labels(instrument, entry.get("options", {}), where)
    items = tuple(
        replace(
            item,
            text=texts[item.number],
            options=_relabel(item, labels.get(item.number, labels.get(0))),
        )
        for item in instrument.items
    )
    return replace(
        instrument,
        instructions=instructions,
        items=items,
        licence=replace(instrument.licence, local_grant=grant.strip()),
    )


def _read(source: Path) -> dict[str, Any]:
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LicensedTextError(f"{source}: cannot be read ({exc.strerror}).") from exc
    except json.JSONDecodeError as exc:
        raise LicensedTextError(f"{source}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LicensedTextError(f"{source}: 'format' must be {FORMAT!r}.")
    instruments = data.get("instruments")
    if not isinstance(instruments, dict):
        raise LicensedTextError(f"{source}: 'instruments' must be an object.")
    return instruments


def _item_texts(instrument: Instrument, items: Any, where: str) -> dict[int, str]:
    if not isinstance(items, dict):
        raise LicensedTextError(f"{where}: 'items' must map item numbers to wording.")
    expected = {str(item.number) for item in instrument.items}
    if set(items) != expected:
        missing = sorted(expected - set(items), key=int)
        extra = sorted(set(items) - expected)
        raise LicensedTextError(
            f"{where}: wording is needed for every item 1-{len(instrument.items)} and "
            f"no others (missing: {missing or 'none'}; unexpected: {extra or 'none'})."
        )
    texts = {}
    for key, text in items.items():
        if not isinstance(text, str) or not text.strip():
            raise LicensedTextError(f"{where}: item {key} wording must be text.")
        texts[int(key)] = text.strip()
    return texts


def _option_labels(
    instrument: Instrument, options: Any, where: str
) -> dict[int, list[str]]:
    """Labels per item number; key 0 holds the ``"*"`` labels for every item."""
    if not isinstance(options, dict):
        raise LicensedTextError(f"{where}: 'options' must be an object.")
    labels: dict[int, list[str]] = {}
    for key, value in options.items():
        number = 0 if key == "*" else _item_number(instrument, key, where)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LicensedTextError(
                f"{where}: options for {key} must be a list of text."
            )
        targets = instrument.items if number == 0 else (instrument.item(number),)
        for item in targets:
            if len(value) != len(item.options):
                raise LicensedTextError(
                    f"{where}: {item.name} has {len(item.options)} options; "
                    f"{len(value)} labels given."
                )
        labels[number] = value
    return labels


def _item_number(instrument: Instrument, key: str, where: str) -> int:
    if not key.isdigit() or not 1 <= int(key) <= len(instrument.items):
        raise LicensedTextError(f"{where}: {key!r} is not an item number.")
    return int(key)


def _relabel(item: Item, labels: list[str] | None) -> tuple[Option, ...]:
    if labels is None:
        return item.options
    return tuple(
        replace(option, label=label)
        for option, label in zip(item.options, labels, strict=True)
    )
