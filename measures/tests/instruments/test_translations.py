"""Translations are wording only: the same items, the same number of options in the
same order, so an answer in Spanish is the same position — and score — as in English."""

from __future__ import annotations

import pytest

from measures.instruments import REGISTRY
from measures.instruments.translations import (
    TRANSLATIONS,
    languages_for,
    wording_for,
)

SPANISH = ["phq9", "phq2", "gad7", "gad2"]


@pytest.mark.parametrize(("instrument_id", "language"), sorted(TRANSLATIONS))
def test_a_translation_covers_every_item_and_option_position(
    instrument_id: str, language: str
) -> None:
    instrument = REGISTRY[instrument_id]
    wording = TRANSLATIONS[(instrument_id, language)]
    items = instrument.items + instrument.extra_items
    assert set(wording.items) == {item.number for item in items}
    for item in items:
        assert len(wording.options[item.number]) == len(item.options), item.number
        assert wording.items[item.number].strip()
    assert wording.stem and wording.attribution


def test_spanish_ships_for_the_pfizer_screeners_only() -> None:
    assert sorted(iid for iid, lang in TRANSLATIONS if lang == "es") == sorted(SPANISH)
    for instrument_id in SPANISH:
        assert languages_for(REGISTRY[instrument_id]) == ["en", "es"]


def test_english_is_the_definitions_own_text() -> None:
    phq9 = REGISTRY["phq9"]
    wording = wording_for(phq9, "en")
    assert wording is not None
    assert wording.items[9] == phq9.item(9).text
    assert wording.options[1] == tuple(o.label for o in phq9.item(1).options)


@pytest.mark.parametrize("instrument_id", ["dast10", "wsas", "cssrs", "iip32"])
def test_restricted_wording_has_no_patient_facing_text(instrument_id: str) -> None:
    instrument = REGISTRY[instrument_id]
    assert wording_for(instrument, "en") is None
    assert wording_for(instrument, "es") is None
    assert languages_for(instrument) == []


def test_no_translation_falls_back_to_none() -> None:
    assert wording_for(REGISTRY["pcl5"], "es") is None


def test_the_score_does_not_depend_on_the_language() -> None:
    """The risk item keeps its position: 'Varios días' is position 1, score 1."""
    spanish = TRANSLATIONS[("phq9", "es")]
    assert spanish.options[9][1] == "Varios días"
    assert REGISTRY["phq9"].item(9).options[1].score == 1
    assert REGISTRY["phq9"].score([0] * 8 + [1]).critical == (9,)
