"""The pages: choose a questionnaire, fill it in, see the result (safety steps first when
an answer is critical), its history, and correct it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from conftest import Clinic
from measures.choices import Source
from measures.models import Administration, RiskEvent
from measures.tests.factories import (
    AdministrationFactory,
    calm_answers,
    critical_answers,
)


def _record_url(clinic: Clinic, instrument_id: str = "") -> str:
    url = reverse("measures:record", args=[clinic.patient.public_id])
    return f"{url}?instrument={instrument_id}" if instrument_id else url


def _data(answers: list[int | None]) -> dict[str, str]:
    return {
        f"item_{n}": str(a) for n, a in enumerate(answers, start=1) if a is not None
    }


def test_the_chooser_lists_the_instruments(
    as_therapist: Client, clinic: Clinic
) -> None:
    response = as_therapist.get(_record_url(clinic))
    html = response.content.decode()
    assert response.status_code == 200
    for short_name in ["PHQ-9", "GAD-7", "CORE-10", "HRSD-17", "ASQ"]:
        assert short_name in html
    assert "?instrument=phq9" in html


def test_good_answers_are_saved_and_the_result_shown(
    as_therapist: Client, clinic: Clinic
) -> None:
    # when
    response = as_therapist.post(
        _record_url(clinic, "phq9"), _data([1, 1, 1, 1, 2, 2, 2, 2, 0]), follow=True
    )
    # then
    administration = Administration.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "measures:detail", args=[clinic.patient.public_id, administration.public_id]
    )
    assert (administration.patient, administration.entered_by) == (
        clinic.patient,
        clinic.therapist_on_team,
    )
    assert (administration.total, administration.source) == (12, Source.CLINICIAN)
    html = response.content.decode()
    assert "<strong>12</strong>" in html and "moderate" in html
    assert "safety-steps" not in html


@pytest.mark.parametrize(
    ("instrument_id", "answers", "message"),
    [
        ("phq9", [0, 0, None, None, None, 0, 0, 0, 0], "Answer item 3 (Sleep)"),
        (
            "phq9",
            [0, 0, 0, 0, 0, 0, 0, 0, 9],
            "Item 9 (Self-harm thoughts): choose one",
        ),
        ("gad7", [0, 0, 0, 0, 0, 0, "x"], "Item 7"),
    ],
)
def test_bad_answers_re_render_with_an_error_naming_the_item_and_store_nothing(
    as_therapist: Client,
    clinic: Clinic,
    instrument_id: str,
    answers: list,
    message: str,
) -> None:
    # given
    before = (
        AuditEvent.objects.filter(category="measure").exclude(action="view").count()
    )
    # when
    response = as_therapist.post(_record_url(clinic, instrument_id), _data(answers))
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Administration.objects.exists()
    assert not RiskEvent.objects.exists()
    assert (
        AuditEvent.objects.filter(category="measure").exclude(action="view").count()
        == before
    )


def test_an_unknown_instrument_re_renders_the_chooser_with_an_error(
    as_therapist: Client, clinic: Clinic
) -> None:
    response = as_therapist.post(_record_url(clinic, "phq99"), _data([0] * 9))
    assert response.status_code == 200
    assert (
        "There is no questionnaire called &#x27;phq99&#x27;"
        in response.content.decode()
    )
    assert not Administration.objects.exists()


@pytest.mark.parametrize(
    ("instrument_id", "item"), [("phq9", 9), ("asq", 1), ("core10", 6), ("hrsd17", 3)]
)
def test_a_critical_answer_records_one_risk_event_and_shows_safety_steps_before_the_score(
    as_therapist: Client, clinic: Clinic, instrument_id: str, item: int
) -> None:
    # when
    response = as_therapist.post(
        _record_url(clinic, instrument_id),
        _data(critical_answers(instrument_id, item)),
        follow=True,
    )
    # then
    event = RiskEvent.objects.get()
    assert (event.instrument_id, event.item_number, event.patient) == (
        instrument_id,
        item,
        clinic.patient,
    )
    html = response.content.decode()
    main = html[html.index('<main id="main">') :]
    assert main.index('class="safety-steps"') < main.index('id="result-heading"')
    assert 'class="messages"' not in main[: main.index('class="safety-steps"')]
    assert "Act now" in html and "emergency services" in html


def test_calm_answers_show_no_safety_steps(
    as_therapist: Client, clinic: Clinic
) -> None:
    response = as_therapist.post(
        _record_url(clinic, "core10"), _data(calm_answers("core10")), follow=True
    )
    assert response.status_code == 200
    assert "safety-steps" not in response.content.decode()


def test_an_administration_of_another_patient_is_404_under_this_patients_address(
    as_therapist: Client, clinic: Clinic
) -> None:
    foreign = AdministrationFactory(patient=clinic.patient_other_site)
    for name in ["measures:detail", "measures:correct"]:
        url = reverse(name, args=[clinic.patient.public_id, foreign.public_id])
        assert as_therapist.get(url).status_code == 404


def test_correcting_makes_a_new_version_and_keeps_the_old_in_the_history(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given
    original = AdministrationFactory(
        patient=clinic.patient, answers=[1, 1, 1, 1, 1, 1, 1, 1, 0]
    )
    url = reverse(
        "measures:correct", args=[clinic.patient.public_id, original.public_id]
    )
    form = as_therapist.get(url).content.decode()
    assert (
        'value="1" id="id_item_1_1" checked' in form
    )  # the saved answers, ready to fix
    # when
    data = {**_data([2, 1, 1, 1, 1, 1, 1, 1, 0]), "reason": "Item 1 was mis-keyed."}
    response = as_therapist.post(url, data, follow=True)
    # then
    corrected = Administration.objects.get(supersedes=original)
    original.refresh_from_db()
    assert (original.total, original.is_current) == (8, False)
    assert (corrected.total, corrected.revision) == (9, 2)
    html = response.content.decode()
    assert "Corrections" in html and "Item 1 was mis-keyed." in html
    old_page = as_therapist.get(
        reverse("measures:detail", args=[clinic.patient.public_id, original.public_id])
    ).content.decode()
    assert "This version was corrected" in old_page
    assert "Correct the answers" not in old_page


def test_a_correction_without_a_reason_changes_nothing(
    as_therapist: Client, clinic: Clinic
) -> None:
    original = AdministrationFactory(patient=clinic.patient)
    url = reverse(
        "measures:correct", args=[clinic.patient.public_id, original.public_id]
    )
    response = as_therapist.post(url, _data([0] * 9))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Administration.objects.count() == 1


def test_an_old_version_cannot_be_corrected_again(
    as_therapist: Client, clinic: Clinic
) -> None:
    original = AdministrationFactory(patient=clinic.patient)
    AdministrationFactory(
        patient=clinic.patient, supersedes=original, series=original.series, revision=2
    )
    Administration.objects.filter(pk=original.pk).update(
        superseded_at=original.created_at
    )
    url = reverse(
        "measures:correct", args=[clinic.patient.public_id, original.public_id]
    )
    data = {**_data([0] * 9), "reason": "Another go."}
    response = as_therapist.post(url, data)
    assert response.status_code == 302
    assert Administration.objects.count() == 2


def test_the_coordinator_cannot_open_a_questionnaire(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.coordinator)
    assert client.get(_record_url(clinic, "phq9")).status_code == 404
