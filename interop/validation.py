"""Validation for the bulk export: every resource through its fhir.resources R4B model,
each distinct element validated once.

A million resources repeat the same elements: a PHQ-9 response's item "3 answered
'Several days'" is one of a few dozen distinct items among millions, a score's category
and code are one per instrument. fhir.resources validates a nested element by calling
its model's ``model_validate`` on the element alone (``fhir_core.types.FhirBase.
fhir_model_validator``), and accepts an instance of that model as already valid. So
the export validates each top-level element value once per distinct JSON (a cache per
element, of the validated instances) and hands the resource model those instances:
the resource's own fields, cardinalities, choice-of-type and required-element rules
are checked on every resource as before; only identical elements are not re-checked.

An element whose values rarely repeat (a resource's own id in a reference) stops being
cached after a sample, and is validated in place as before. Caches are bounded, so
memory stays flat whatever the size of the export.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.types import FhirBase, FhirElementOrResourceBase

CACHE_SIZE = 2048
"""Validated instances kept per element; past it the cache starts again."""
SAMPLE = 1000
"""Look-ups after which an element that repeats too rarely is no longer cached."""
MIN_HITS = 0.2

_key = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
"""An element's value as its cache key: its JSON (a value that is not plain JSON is
refused with ``TypeError``). Key order is kept, not sorted: the same element built in
another order is only a second entry."""


def _element_models(
    model: type[FHIRResourceModel],
) -> dict[str, tuple[type[FHIRAbstractModel], bool]]:
    """JSON name → (the element's model, whether the element repeats), for the
    resource's fields of a concrete element type. Fields typed as any Resource or
    Element (``contained``) pick their model from the value, so are left in place."""
    elements: dict[str, tuple[type[FHIRAbstractModel], bool]] = {}
    for name, info in model.model_fields.items():
        pending: list[Any] = [info.annotation]
        repeats = False
        found: type[FhirBase] | None = None
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, FhirBase):
                found = annotation
                break
            if typing.get_origin(annotation) is list:
                repeats = True
            pending.extend(typing.get_args(annotation))
        if found is None or issubclass(found, FhirElementOrResourceBase):
            continue
        elements[info.alias or name] = (found.get_model_klass(), repeats)
    return elements


@dataclass
class _Element:
    model: type[FHIRAbstractModel]
    repeats: bool
    cache: dict[str, FHIRAbstractModel] = field(default_factory=dict)
    lookups: int = 0
    hits: int = 0
    cached: bool = True

    def validated(self, value: dict[str, Any]) -> FHIRAbstractModel | dict[str, Any]:
        try:
            key = _key(value)
        except TypeError:  # not plain JSON: the resource model says what is wrong
            return value
        self.lookups += 1
        instance = self.cache.get(key)
        if instance is not None:
            self.hits += 1
            return instance
        instance = self.model.model_validate(value)
        if len(self.cache) >= CACHE_SIZE:
            self.cache.clear()
        self.cache[key] = instance
        if self.lookups >= SAMPLE and self.hits < MIN_HITS * self.lookups:
            self.cached = False
            self.cache.clear()
        return instance


class Validator:
    """Validates resources of one type; one per export part (the caches are its)."""

    def __init__(self, model: type[FHIRResourceModel]) -> None:
        self.model = model
        self.elements = {
            name: _Element(element_model, repeats)
            for name, (element_model, repeats) in _element_models(model).items()
        }

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]:
        """Check a resource against the R4 model (pydantic's ``ValidationError`` if it
        does not hold) and give it back unchanged."""
        fields: dict[str, Any] = {}
        for name, value in data.items():
            element = self.elements.get(name)
            if element is not None and element.cached:
                if element.repeats:
                    if (
                        isinstance(value, list)
                        and value
                        and all(isinstance(one, dict) for one in value)
                    ):
                        value = [element.validated(one) for one in value]
                elif isinstance(value, dict):
                    value = element.validated(value)
            fields[name] = value
        self.model.model_validate(fields)
        return data
