"""A query built once per process and sent with each request's values
(iptcare.lib.statements): the same rows, related rows and annotations as the ORM's
own query, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import access
from accounts.models import Staff
from conftest import Clinic
from iptcare.lib.statements import StandIn, Statement, ValuesStatement
from patients.models import Patient

pytestmark = pytest.mark.django_db


def test_the_access_check_reads_what_the_orm_reads(clinic: Clinic) -> None:
    staff = clinic.therapist_on_team
    now = timezone.now()
    statement = access._grounds_statement(staff.role, "default")
    read = statement.first(
        staff_id=staff.pk, public_id=clinic.patient.public_id, now=now
    )
    expected = (
        access._grounds_query(staff.role, staff.pk, clinic.patient.public_id, now)
        .select_related("team__site")
        .first()
    )
    assert read is not None and expected is not None
    for field in Patient._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field
        assert type(getattr(read, field.attname)) is type(
            getattr(expected, field.attname)
        )
    for name in ("access_on_care_team", "access_glass", "record_version"):
        assert getattr(read, name) == getattr(expected, name), name
    assert read.access_on_care_team is True
    with CaptureQueriesContext(connection) as queries:
        assert read.team.site.name == expected.team.site.name  # read with the patient
    assert len(queries) == 0


def test_each_use_sends_its_own_values(clinic: Clinic) -> None:
    statement = access._grounds_statement(clinic.therapist_on_team.role, "default")
    now = timezone.now()
    mine = statement.first(
        staff_id=clinic.therapist_on_team.pk,
        public_id=clinic.patient.public_id,
        now=now,
    )
    theirs = statement.first(
        staff_id=clinic.therapist_off_team.pk,
        public_id=clinic.patient.public_id,
        now=now,
    )
    other = statement.first(
        staff_id=clinic.therapist_on_team.pk,
        public_id=clinic.patient_other_site.public_id,
        now=now,
    )
    assert mine is not None and theirs is not None and other is not None
    assert mine.access_on_care_team and not theirs.access_on_care_team
    assert other.pk == clinic.patient_other_site.pk
    assert not other.access_on_care_team
    assert (
        statement.first(
            staff_id=clinic.therapist_on_team.pk, public_id=uuid.uuid4(), now=now
        )
        is None
    )


def test_a_value_missing_from_the_query_is_refused_when_it_is_built() -> None:
    def by_id(pk: Any) -> QuerySet[Staff]:
        return Staff.objects.filter(pk=1)  # the stand-in is not used

    with pytest.raises(ValueError, match="pk"):
        Statement(by_id, {"pk": StandIn(-(2**62) + 5, Staff._meta.pk)}, "default")


def _named(text: str, family: str) -> QuerySet[Patient]:
    return Patient.objects.filter(
        given_name__icontains=text, family_name__iexact=family
    ).values_list("pk", flat=True)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("an", "zebedee"),
        ("%", "ZEBEDEE"),
        ("_", "zebedee"),
        ("\\", "zebedee"),
        ("a\\%_", "z%"),
        ("", "Zebedee"),
        ("ÄÖ'\"; --", "zebedee"),
    ],
)
def test_a_text_is_put_into_its_pattern_as_the_orm_puts_it(
    clinic: Clinic, text: str, family: str
) -> None:
    """A text stand-in inside a ``LIKE`` pattern (``icontains``) and in a case-blind
    comparison (``iexact``, a pattern on SQLite, as typed on PostgreSQL): each use
    finds what the ORM's own query finds, wildcards typed kept literal."""
    from patients.tests.factories import PatientFactory

    for given in ("Canary", "Ann%", "A_n", "a\\%_b", "ÄÖ'\"; --x"):
        PatientFactory(team=clinic.team_a, given_name=given, family_name="Zebedee")
    stand_ins = {
        "text": StandIn("\\text%_\\", Patient._meta.get_field("given_name")),
        "family": StandIn("\\family%_\\", Patient._meta.get_field("family_name")),
    }
    statement = ValuesStatement(_named, stand_ins, "default")
    sent = sorted(row[0] for row in statement.rows(text=text, family=family))
    assert sent == sorted(_named(text, family))


@pytest.mark.parametrize(
    "lookup", ["given_name__icontains", "given_name__iexact", "pk"]
)
def test_a_text_stand_in_without_the_marks_is_refused(lookup: str) -> None:
    """Without ``%``, ``_`` and a backslash, a text escaped for a pattern reads as
    itself, and its place could not be told from a value sent as typed: the
    statement is refused when it is built, whatever the lookup."""

    def named(text: str) -> QuerySet[Patient]:
        value: Any = text if lookup != "pk" else 1
        return Patient.objects.filter(**{lookup: value}).values_list("pk", flat=True)

    stand_ins = {"text": StandIn("plainword", Patient._meta.get_field("given_name"))}
    with pytest.raises(ValueError, match="text"):
        ValuesStatement(named, stand_ins, "default")
