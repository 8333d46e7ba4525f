"""``AmongIds``: the same rows as ``__in`` a subquery, sent to PostgreSQL as an array
looked up by the key (decisions/0072)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F

from conftest import Clinic
from iptcare.lib.lookups import AmongIds
from patients.models import CareTeamMember, Patient
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_the_same_patients_as_in(clinic: Clinic) -> None:
    for _ in range(3):
        CareTeamMemberFactory(
            patient=PatientFactory(team=clinic.team_a), staff=clinic.therapist_on_team
        )
    PatientFactory(team=clinic.team_a)  # on nobody's care team
    ids = CareTeamMember.objects.filter(staff=clinic.therapist_on_team).values(
        "patient_id"
    )
    among = Patient.objects.filter(AmongIds(F("pk"), ids))
    assert set(among) == set(Patient.objects.filter(pk__in=ids))
    assert among.count() == 4  # the clinic's patient and the three
    none = CareTeamMember.objects.filter(staff=clinic.supervisor_other_team).values(
        "patient_id"
    )
    assert not Patient.objects.filter(AmongIds(F("pk"), none)).exists()


def test_postgresql_is_sent_an_array(clinic: Clinic) -> None:
    ids = CareTeamMember.objects.filter(staff=clinic.therapist_on_team).values(
        "patient_id"
    )
    sql = str(Patient.objects.filter(AmongIds(F("pk"), ids)).query)
    if connection.vendor == "postgresql":
        assert '"patients_patient"."id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"patients_patient"."id" IN (SELECT' in sql


@pytest.mark.parametrize("outside", [2**63, -(2**63) - 1, 10**30])
def test_an_id_no_integer_column_holds_matches_nothing(
    clinic: Clinic, outside: int
) -> None:
    """``in`` leaves out what ``exact`` already leaves out (``IntegerIn``)."""
    patient = clinic.patient.pk
    assert list(Patient.objects.filter(pk__in=[outside])) == []
    assert list(Patient.objects.filter(pk__in=[outside, patient])) == [clinic.patient]
    assert Patient.objects.exclude(pk__in=[outside]).count() == Patient.objects.count()
