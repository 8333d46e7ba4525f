"""A questionnaire is stored once however its submit arrives: ten times in a row, or
ten at once from ten threads (each with its own database connection) — one
administration, and every reply the same."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from conftest import Clinic
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from measures.models import Administration
from portal.models import QuestionnaireResponse
from portal.services import questionnaires


def _answered_draft(clinic: Clinic) -> QuestionnaireResponse:
    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    draft = questionnaires.response_start(
        patient=clinic.patient, instrument_id="gad7", language="en"
    )
    for number in range(1, 8):
        questionnaires.answer_save(response=draft, number=number, position=1)
    return draft


@pytest.mark.django_db
def test_ten_submits_in_a_row_store_one_administration(clinic: Clinic) -> None:
    draft = _answered_draft(clinic)
    replies = {
        questionnaires.response_submit(response=draft).administration_id
        for _ in range(10)
    }
    assert len(replies) == 1
    assert Administration.objects.filter(patient=clinic.patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_submits_at_once_store_one_administration(clinic: Clinic) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    draft = _answered_draft(clinic)

    def submit(_: int) -> int | None:
        try:
            response = QuestionnaireResponse.objects.get(pk=draft.pk)
            return questionnaires.response_submit(response=response).administration_id
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = set(pool.map(submit, range(10)))
    assert len(replies) == 1 and None not in replies
    assert Administration.objects.filter(patient=clinic.patient).count() == 1
