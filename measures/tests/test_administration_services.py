"""Recording administrations: scores stored as the pure scorer computes them, risk
events at once, corrections as new versions, and an audit trail without answers."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from measures import services
from measures.choices import RiskKind, Source
from measures.instruments import get
from measures.models import Administration, RiskEvent
from measures.tests.factories import calm_answers, critical_answers

PHQ9_MODERATE = [1, 1, 1, 1, 2, 2, 2, 2, 0]  # 12: moderate, caseness


def _record(clinic: Clinic, **overrides: object) -> Administration:
    fields: dict[str, object] = {
        "by": clinic.therapist_on_team,
        "instrument_id": "phq9",
        "answers": PHQ9_MODERATE,
        "source": Source.CLINICIAN,
        "patient": clinic.patient,
    }
    fields.update(overrides)
    return services.administration_record(**fields)  # type: ignore[arg-type]


def test_an_administration_is_stored_with_its_score_version_author_time_and_source(
    clinic: Clinic,
) -> None:
    # given
    when = timezone.now() - datetime.timedelta(hours=2)
    # when
    administration = _record(clinic, administered_at=when)
    # then
    administration.refresh_from_db()
    assert administration.answers == PHQ9_MODERATE
    assert (administration.total, administration.band, administration.caseness) == (
        12,
        "moderate",
        True,
    )
    assert administration.instrument_version == get("phq9").version
    assert administration.entered_by == clinic.therapist_on_team
    assert administration.administered_at == when
    assert administration.source == Source.CLINICIAN
    assert administration.critical_items == []
    assert administration.revision == 1 and administration.is_current
    assert not RiskEvent.objects.exists()


def test_a_mean_scored_instrument_keeps_its_fractional_total(clinic: Clinic) -> None:
    answers = [3, 4, 5, 6] * 3  # MSPSS, 7-point items: mean of 4..7 = 5.5
    administration = _record(clinic, instrument_id="mspss", answers=answers)
    administration.refresh_from_db()
    assert administration.total == get("mspss").score(answers).total
    assert administration.total_display == "5.5"
    assert set(administration.subscales) == set(get("mspss").score(answers).subscales)


def test_answers_the_scorer_refuses_are_a_validation_error_naming_the_item(
    clinic: Clinic,
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(clinic, answers=[0, 0, 0, 0, 0, 0, 0, 0, 4])
    message = " ".join(refused.value.messages)
    assert "item 9" in message and "Allowed" in message
    assert not Administration.objects.exists()
    assert not AuditEvent.objects.filter(category="measure").exists()


def test_the_wrong_number_of_answers_is_refused(clinic: Clinic) -> None:
    with pytest.raises(ValidationError, match="9 items"):
        _record(clinic, answers=[0, 0, 0])
    assert not Administration.objects.exists()


def test_an_unknown_instrument_is_refused(clinic: Clinic) -> None:
    with pytest.raises(ValidationError, match="no questionnaire called 'phq99'"):
        _record(clinic, instrument_id="phq99")
    assert not Administration.objects.exists()


def test_missing_answers_are_stored_with_the_scorers_reason_and_no_total(
    clinic: Clinic,
) -> None:
    administration = _record(clinic, answers=[1, 1, None, None, None, 1, 1, 1, 0])
    assert administration.total is None
    assert administration.band == ""
    assert "item 3" in administration.incomplete_reason


def test_only_an_intake_screening_may_be_recorded_without_a_patient(
    clinic: Clinic,
) -> None:
    with pytest.raises(ValidationError, match="without a patient"):
        _record(clinic, patient=None)
    screening = _record(
        clinic, patient=None, source=Source.INTAKE_SCREENING, by=clinic.coordinator
    )
    assert screening.patient is None


def test_a_time_in_the_future_is_refused(clinic: Clinic) -> None:
    with pytest.raises(ValidationError, match="future"):
        _record(clinic, administered_at=timezone.now() + datetime.timedelta(days=1))


def test_the_audit_row_names_the_instrument_and_criticality_but_never_the_answers(
    clinic: Clinic,
) -> None:
    # when
    administration = _record(clinic, answers=critical_answers("phq9", 9))
    # then
    row = AuditEvent.objects.get(
        category="measure", object_id=str(administration.public_id)
    )
    assert row.action == Action.CREATE
    assert row.patient == clinic.patient
    assert row.actor == clinic.therapist_on_team
    assert row.detail == "instrument=phq9; critical=yes"
    assert (
        AuditEvent.objects.filter(category="risk_event", patient=clinic.patient).count()
        == 1
    )


# The critical answers the issue names, and PCL-5's risk-taking item.
TRIGGERS = [
    ("phq9", 9, RiskKind.SUICIDE_RISK),
    ("asq", 1, RiskKind.SUICIDE_RISK),
    ("asq", 5, RiskKind.SUICIDE_RISK),
    ("core10", 6, RiskKind.SUICIDE_RISK),
    ("hrsd17", 3, RiskKind.SUICIDE_RISK),
    ("pcl5", 16, RiskKind.RISK_TAKING),
]


@pytest.mark.parametrize(("instrument_id", "item", "kind"), TRIGGERS)
def test_each_critical_answer_records_exactly_one_risk_event(
    clinic: Clinic, instrument_id: str, item: int, kind: RiskKind
) -> None:
    # given
    answers = critical_answers(instrument_id, item)
    # when
    administration = _record(clinic, instrument_id=instrument_id, answers=answers)
    # then
    event = RiskEvent.objects.get()
    assert administration.critical_items == [item]
    assert (event.patient, event.administration) == (clinic.patient, administration)
    assert (event.instrument_id, event.item_number, event.kind) == (
        instrument_id,
        item,
        kind,
    )
    assert event.answer_position == answers[item - 1]
    assert event.is_open


@pytest.mark.parametrize("instrument_id", ["phq9", "asq", "core10", "hrsd17", "pcl5"])
def test_calm_answers_record_no_risk_event(clinic: Clinic, instrument_id: str) -> None:
    _record(clinic, instrument_id=instrument_id, answers=calm_answers(instrument_id))
    assert not RiskEvent.objects.exists()


def test_a_refused_risk_question_is_a_risk_event_without_an_answer(
    clinic: Clinic,
) -> None:
    answers = calm_answers("asq")
    answers[1] = None  # ASQ question 2 refused: the toolkit treats it as positive
    _record(clinic, instrument_id="asq", answers=answers)
    event = RiskEvent.objects.get()
    assert (event.item_number, event.answer_position, event.answer_score) == (
        2,
        None,
        None,
    )


def test_a_correction_is_a_new_version_linked_to_the_old_which_is_kept(
    clinic: Clinic,
) -> None:
    # given
    original = _record(clinic)
    # when
    corrected = services.administration_correct(
        by=clinic.supervisor,
        original=original,
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 0],
        reason="Entered against the wrong patient's paper form.",
    )
    # then
    original.refresh_from_db()
    assert (
        original.answers == PHQ9_MODERATE and original.total == 12
    )  # nothing overwritten
    assert original.superseded_at is not None and not original.is_current
    assert corrected.supersedes == original
    assert (corrected.series, corrected.revision) == (original.series, 2)
    assert (corrected.total, corrected.entered_by) == (0, clinic.supervisor)
    assert corrected.administered_at == original.administered_at
    assert corrected.correction_reason.startswith("Entered against")
    trail = AuditEvent.objects.filter(category="measure", patient=clinic.patient)
    assert set(trail.values_list("object_id", "action")) == {
        (str(original.public_id), Action.CREATE),
        (str(original.public_id), Action.UPDATE),
        (str(corrected.public_id), Action.CREATE),
    }
    assert "wrong patient" not in " ".join(trail.values_list("detail", flat=True))


def test_a_correction_needs_a_reason_and_the_latest_version(clinic: Clinic) -> None:
    original = _record(clinic)
    with pytest.raises(ValidationError, match="why"):
        services.administration_correct(
            by=clinic.therapist_on_team, original=original, answers=[0] * 9, reason=" "
        )
    services.administration_correct(
        by=clinic.therapist_on_team,
        original=original,
        answers=[0] * 9,
        reason="Typo, item 5.",
    )
    with pytest.raises(ValidationError, match="corrected already"):
        services.administration_correct(
            by=clinic.therapist_on_team,
            original=original,
            answers=[1] * 9,
            reason="Again.",
        )
    assert Administration.objects.count() == 2


def test_a_correction_keeping_a_risk_answer_does_not_raise_it_twice(
    clinic: Clinic,
) -> None:
    # given an administration with item 9 answered "Several days"
    answers = critical_answers("phq9", 9)
    original = _record(clinic, answers=answers)
    # when item 1 is corrected and item 9 left as it was
    corrected = services.administration_correct(
        by=clinic.therapist_on_team,
        original=original,
        answers=[2, *answers[1:]],
        reason="Item 1 mis-keyed.",
    )
    # then the one event stays; a new risk answer would raise a new one
    assert RiskEvent.objects.count() == 1
    services.administration_correct(
        by=clinic.therapist_on_team,
        original=corrected,
        answers=[2, *answers[1:8], 3],
        reason="Item 9 was 'nearly every day'.",
    )
    assert RiskEvent.objects.count() == 2


def test_screenings_get_their_patient_and_risk_events_when_the_record_is_made(
    clinic: Clinic,
) -> None:
    # given a positive screening of a caller who has no record yet
    screening = _record(
        clinic,
        by=clinic.coordinator,
        patient=None,
        source=Source.INTAKE_SCREENING,
        answers=critical_answers("phq9", 9),
    )
    # when
    linked = services.administrations_link_patient(
        by=clinic.coordinator, administrations=[screening], patient=clinic.patient
    )
    # then
    assert linked == 1
    screening.refresh_from_db()
    assert screening.patient == clinic.patient
    assert RiskEvent.objects.get().patient == clinic.patient
    assert AuditEvent.objects.filter(
        category="measure", action=Action.UPDATE, patient=clinic.patient
    ).exists()
