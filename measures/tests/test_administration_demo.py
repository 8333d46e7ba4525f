"""The demo clinic's PHQ-9 and GAD-7 histories: scored by the real scorer, every risk
answer with its risk event, the same for the same seed."""

from __future__ import annotations

import random

import pytest

from iptcare import demo
from measures.instruments import get
from measures.models import Administration, RiskEvent
from patients.models import CareTeamMember, Patient


@pytest.mark.django_db
def test_demo_patients_have_scored_histories_with_their_risk_events() -> None:
    # when
    demo.load_demo_clinic(seed=5, patient_count=120)
    # then
    # the weekly histories; intake screenings (referrals demo) are checked there
    administrations = list(Administration.objects.filter(source="clinician"))
    care_teams = set(CareTeamMember.objects.values_list("patient_id", "staff_id"))
    assert {a.instrument_id for a in administrations} == {"phq9", "gad7"}
    assert len({a.patient_id for a in administrations}) > 60
    for administration in administrations:
        score = get(administration.instrument_id).score(administration.answers)
        assert administration.total == score.total
        assert administration.band == (score.band or "")
        assert administration.critical_items == list(score.critical)
        assert (administration.patient_id, administration.entered_by_id) in care_teams
    critical = {a.pk for a in administrations if a.critical_items}
    # (screenings at intake carry their own risk events: referrals/tests/test_demo.py)
    clinicians = RiskEvent.objects.filter(administration__source="clinician")
    assert set(clinicians.values_list("administration_id", flat=True)) == critical
    # the sequences carry on after the explicit ids
    Administration.objects.create(
        patient=administrations[0].patient,
        instrument_id="phq2",
        instrument_version="x",
        answers=[0, 0],
        administered_at=administrations[0].administered_at,
        source="clinician",
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_histories() -> None:
    patients = [Patient(id=n) for n in range(1, 41)]
    members = [CareTeamMember(patient=p, staff_id=1) for p in patients]

    def histories(seed: int) -> list[tuple[object, ...]]:
        administrations, _ = demo._measure_rows(
            random.Random(seed), patients, members, 1
        )
        return [(row[4], row[5], row[7], row[9]) for row in administrations]

    assert histories(9) == histories(9)
    assert histories(9) != histories(10)
