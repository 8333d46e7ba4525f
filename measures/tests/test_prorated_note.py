"""The note beside a prorated total: the scorer's own English words, and the patient's
language in the portal (Spanish catalog), never on a complete form."""

from __future__ import annotations

import pytest
from django.utils import translation

from measures.instruments.scoring import prorated_note
from measures.models import prorated_note_for

PHQ9_ONE_MISSING = [1, 1, None, 1, 1, 1, 1, 1, 0]


@pytest.mark.parametrize(
    ("instrument_id", "answers", "answered", "items"),
    [
        ("phq9", PHQ9_ONE_MISSING, 8, 9),
        ("phq9", [1, None, None, 1, 1, 1, 1, 1, 0], 7, 9),
        ("gad7", [2, 2, 2, None, 2, 2, 2], 6, 7),
    ],
)
def test_the_shown_note_is_the_scorers_own_words_in_english(
    instrument_id: str, answers: list[int | None], answered: int, items: int
) -> None:
    with translation.override("en"):
        shown = prorated_note_for(instrument_id, answers, 8)
    assert shown == prorated_note(answered, items)


def test_the_note_reads_in_spanish_for_a_spanish_reader() -> None:
    with translation.override("es"):
        shown = prorated_note_for("phq9", PHQ9_ONE_MISSING, 8)
    assert shown == "prorrateado a partir de 8 de 9 preguntas"


def test_no_note_for_a_complete_form_or_no_total() -> None:
    assert prorated_note_for("phq9", [1] * 9, 9) == ""
    assert prorated_note_for("phq9", [1, None, None, None, 1, 1, 1, 1, 0], None) == ""
