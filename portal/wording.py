"""What a questionnaire's screens say, in the patient's language where the
instrument's licence provides a translation (``measures.instruments.translations``),
else in English — and the page then says so."""

from __future__ import annotations

from dataclasses import dataclass

from measures.instruments.base import Instrument
from measures.instruments.translations import wording_for


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
    """The screens in ``language`` where the licence provides it, else in English."""
    wording = wording_for(instrument, language)
    translated = wording is not None
    if wording is None:
        wording = wording_for(instrument, "en")
    if wording is None:  # restricted wording: the portal never offers these
        raise ValueError(f"{instrument.id} has no wording a patient may read")
    items = instrument.items + instrument.extra_items
    questions = tuple(
        Screen(
            number=n,
            text=wording.items[item.number],
            options=wording.options[item.number],
        )
        for n, item in enumerate(items, start=1)
    )
    return Screens(
        instrument_id=instrument.id,
        name=instrument.name,
        stem=wording.stem,
        language=wording.language,
        translated=translated,
        attribution=wording.attribution,
        questions=questions,
    )
