"""Patient-facing wording of the rating scales in other languages, where the
instrument's licence provides a translation (docs/instruments.md, "Languages").

A translation is data beside the definition, keyed by **item number** and **option
position**: the answer a patient gives in Spanish is the same position as in English,
scored by the same definition, so a translation can never change a score. ``wording_for``
gives the English wording from the definition itself, the translation where one ships,
and ``None`` otherwise (the caller shows English and says so).

Shipped: Spanish (United States) for the PHQ-9, PHQ-2, GAD-7 and GAD-2 — Pfizer's own
translations, distributed with the English forms at phqscreeners.com under the same
terms ("No permission required to reproduce, translate, display or distribute"). The
PHQ-9 text (stem, items, options, difficulty item and attribution) was compared word for
word with a transcription of Pfizer's Spanish (USA) form; the GAD-7 has still to be
compared with its official PDF before clinical use (docs/instruments.md §9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from measures.instruments.base import Instrument


@dataclass(frozen=True)
class Wording:
    """What a patient reads: the stem, each item's text and each item's options (in
    the item's option order), by item number (extra items included)."""

    instrument_id: str
    language: str
    stem: str
    items: Mapping[int, str]
    options: Mapping[int, tuple[str, ...]]
    attribution: str
    source: str


# As printed on the Spanish (USA) PHQ-9 form.
PFIZER_ATTRIBUTION_ES = (
    "Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke y "
    "colegas, mediante una subvención educativa otorgada por Pfizer Inc. No se requiere "
    "permiso para reproducir, traducir, presentar o distribuir."
)
PFIZER_SOURCE_ES = "Pfizer PHQ Screeners, Spanish (USA) forms, phqscreeners.com"

FREQUENCY_ES = (
    "Ningún día",
    "Varios días",
    "Más de la mitad de los días",
    "Casi todos los días",
)
GAD_FREQUENCY_ES = (
    "Nunca",
    "Varios días",
    "Más de la mitad de los días",
    "Casi todos los días",
)
PHQ_STEM_ES = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
    "siguientes problemas?"
)
GAD_STEM_ES = (
    "Durante las últimas 2 semanas, ¿con qué frecuencia le han molestado los "
    "siguientes problemas?"
)
PHQ9_ITEMS_ES = {
    1: "Poco interés o placer en hacer cosas",
    2: "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    3: "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido "
    "demasiado",
    4: "Se ha sentido cansado(a) o con poca energía",
    5: "Sin apetito o ha comido en exceso",
    6: "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado "
    "mal con usted mismo(a) o con su familia",
    7: "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer "
    "el periódico o ver la televisión",
    8: "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? "
    "o lo contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más "
    "de lo normal",
    9: "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
}
PHQ9_DIFFICULTY_ES = (
    "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos "
    "problemas para hacer su trabajo, encargarse de las tareas del hogar, o llevarse "
    "bien con otras personas?"
)
PHQ9_DIFFICULTY_OPTIONS_ES = (
    "No ha sido difícil",
    "Un poco difícil",
    "Muy difícil",
    "Extremadamente difícil",
)
GAD7_ITEMS_ES = {
    1: "Sentirse nervioso(a), ansioso(a) o con los nervios de punta",
    2: "No poder dejar de preocuparse o no poder controlar la preocupación",
    3: "Preocuparse demasiado por diferentes cosas",
    4: "Dificultad para relajarse",
    5: "Estar tan inquieto(a) que es difícil permanecer sentado(a) tranquilamente",
    6: "Molestarse o ponerse irritable fácilmente",
    7: "Sentir miedo como si algo terrible fuera a pasar",
}


def _spanish(
    instrument_id: str,
    stem: str,
    items: Mapping[int, str],
    options: tuple[str, ...],
    extra: Mapping[int, tuple[str, tuple[str, ...]]] | None = None,
) -> Wording:
    texts = dict(items)
    answer_sets = dict.fromkeys(items, options)
    for number, (text, extra_options) in (extra or {}).items():
        texts[number] = text
        answer_sets[number] = extra_options
    return Wording(
        instrument_id=instrument_id,
        language="es",
        stem=stem,
        items=MappingProxyType(texts),
        options=MappingProxyType(answer_sets),
        attribution=PFIZER_ATTRIBUTION_ES,
        source=PFIZER_SOURCE_ES,
    )


TRANSLATIONS: Mapping[tuple[str, str], Wording] = MappingProxyType(
    {
        ("phq9", "es"): _spanish(
            "phq9",
            PHQ_STEM_ES,
            PHQ9_ITEMS_ES,
            FREQUENCY_ES,
            {10: (PHQ9_DIFFICULTY_ES, PHQ9_DIFFICULTY_OPTIONS_ES)},
        ),
        ("phq2", "es"): _spanish(
            "phq2", PHQ_STEM_ES, {n: PHQ9_ITEMS_ES[n] for n in (1, 2)}, FREQUENCY_ES
        ),
        ("gad7", "es"): _spanish("gad7", GAD_STEM_ES, GAD7_ITEMS_ES, GAD_FREQUENCY_ES),
        ("gad2", "es"): _spanish(
            "gad2", GAD_STEM_ES, {n: GAD7_ITEMS_ES[n] for n in (1, 2)}, GAD_FREQUENCY_ES
        ),
    }
)


def _english(instrument: Instrument) -> Wording | None:
    items = instrument.items + instrument.extra_items
    if not all(item.text for item in items):
        return None  # restricted wording: not for a patient-facing screen
    return Wording(
        instrument_id=instrument.id,
        language="en",
        stem=instrument.instructions or "",
        items=MappingProxyType({item.number: item.text or "" for item in items}),
        options=MappingProxyType(
            {item.number: tuple(o.label for o in item.options) for item in items}
        ),
        attribution=instrument.licence.attribution,
        source=instrument.version,
    )


def wording_for(instrument: Instrument, language: str) -> Wording | None:
    """The instrument's wording in ``language`` ("en", "es"), or ``None`` when there
    is none that may be shown."""
    if language == "en":
        return _english(instrument)
    if _english(instrument) is None:
        return None
    return TRANSLATIONS.get((instrument.id, language))


def languages_for(instrument: Instrument) -> list[str]:
    """The languages a patient may answer the instrument in."""
    if _english(instrument) is None:
        return []
    others = sorted(lang for iid, lang in TRANSLATIONS if iid == instrument.id)
    return ["en", *others]
