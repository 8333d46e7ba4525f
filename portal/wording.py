"""What a questionnaire's screens say, in the patient's language where the
instrument's licence provides a translation (``measures.instruments.translations``),
else in English — and the page then says so."""

from __future__ import annotations

from dataclasses import dataclass

from measures.instruments.base import Instrument


@dataclass(frozen=True)
class Screen:
    number: int
    text: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Screens:
    instrument_id: str
    name: str
    stem: str
    language: str
    translated: bool  # False: the patient asked for another language, none exists
    attribution: str
    questions: tuple[Screen, ...]


def question_screens(instrument: Instrument, language: str) -> Screens:
    items = instrument.items + instrument.extra_items
    questions = tuple(
        Screen(
            number=n,
            text=item.text or item.label,
            options=tuple(option.label for option in item.options),
        )
        for n, item in enumerate(items, start=1)
    )
    return Screens(
        instrument_id=instrument.id,
        name=instrument.name,
        stem=instrument.instructions or "",
        language="en",
        translated=language == "en",
        attribution=instrument.licence.attribution,
        questions=questions,
    )
