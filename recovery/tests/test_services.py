"""The recovery services: what they record, what they refuse (nothing changed), the
relapse alert once per test, sobriety dates moved only on confirmation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from alerts.choices import SourceType
from alerts.models import Alert
from audit.models import AuditEvent
from ipt.choices import Phase
from ipt.services import Refused
from ipt.tests.factories import PersonFactory, course_in_phase
from recovery import selectors, services
from recovery.choices import ReviewStatus
from recovery.models import (
    DrugTest,
    SobrietyDate,
    SupporterContact,
    UseReport,
    UseReview,
)
from recovery.tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def course(clinic: Any) -> Any:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def _test(clinic: Any, **overrides: Any) -> DrugTest:
    arguments: dict[str, Any] = {
        "patient": clinic.patient,
        "by": clinic.therapist_on_team,
        "collected_on": TODAY(),
        "specimen": "urine",
        "panel": factories.panel("urine"),
        "results": {"thc": "negative", "buprenorphine": "positive"},
        "collected_by": "Nurse Ade",
    }
    arguments.update(overrides)
    return services.drug_test_record(**arguments)


# --- Use at sessions ----------------------------------------------------------------


def test_use_at_a_session_covers_the_days_since_the_session_before(
    clinic: Any, course: Any
) -> None:
    first, second = course.sessions.order_by("number")[:2]
    alcohol = factories.substance("alcohol")
    services.session_use_record(
        session=second,
        by=clinic.therapist_on_team,
        answers=[services.SessionUse(alcohol, days_used=2, heavy_days=1)],
    )
    report = UseReport.objects.get(session=second)
    assert report.first_day == first.held_on + timedelta(days=1)
    assert report.last_day == second.held_on
    assert (report.days_used, report.heavy_days) == (2, 1)
    # Recording again replaces the answer.
    services.session_use_record(
        session=second,
        by=clinic.therapist_on_team,
        answers=[services.SessionUse(alcohol, days_used=0, heavy_days=0)],
    )
    assert UseReport.objects.get(session=second).days_used == 0
    first_report = services.session_period(first)
    assert first_report == (course.opened_on, first.held_on)


def test_impossible_use_is_refused_and_nothing_is_saved(
    clinic: Any, course: Any
) -> None:
    session = course.sessions.order_by("number")[1]
    with pytest.raises(Refused, match="more than the 7 days"):
        services.session_use_record(
            session=session,
            by=clinic.therapist_on_team,
            answers=[services.SessionUse(factories.substance("cannabis"), 9)],
        )
    with pytest.raises(Refused, match="Heavy-drinking days"):
        services.session_use_record(
            session=session,
            by=clinic.therapist_on_team,
            answers=[services.SessionUse(factories.substance("alcohol"), 1, 3)],
        )
    assert not UseReport.objects.exists()


def test_reported_use_after_a_sobriety_date_waits_for_a_clinician(
    clinic: Any, course: Any
) -> None:
    session = course.sessions.order_by("number")[1]
    sobriety = factories.sobriety(
        clinic.patient, "alcohol", since=course.opened_on - timedelta(days=30)
    )
    services.session_use_record(
        session=session,
        by=clinic.therapist_on_team,
        answers=[services.SessionUse(factories.substance("alcohol"), 1, 0)],
    )
    review = UseReview.objects.get()
    sobriety.refresh_from_db()
    assert sobriety.since == course.opened_on - timedelta(days=30)  # not moved yet
    last_use = session.held_on - timedelta(days=2)
    services.review_decide(
        review=review, by=clinic.therapist_on_team, confirm=True, last_use=last_use
    )
    sobriety.refresh_from_db()
    assert sobriety.since == last_use + timedelta(days=1)
    with pytest.raises(Refused, match="decided already"):
        services.review_decide(review=review, by=clinic.therapist_on_team, confirm=True)


def test_use_not_confirmed_leaves_the_date(clinic: Any) -> None:
    sobriety = factories.sobriety(clinic.patient, "alcohol")
    review = factories.review(clinic.patient, "alcohol")
    services.review_decide(review=review, by=clinic.therapist_on_team, confirm=False)
    review.refresh_from_db()
    sobriety.refresh_from_db()
    assert review.status == ReviewStatus.DISMISSED
    assert sobriety.since == date(2026, 1, 1)


# --- The calendar before treatment -------------------------------------------------


def test_the_calendar_saves_days_and_heavy_days_and_replaces_itself(
    clinic: Any, course: Any
) -> None:
    first, last = services.tlfb_period(clinic.patient, 28)
    assert last == course.opened_on - timedelta(days=1)
    alcohol = factories.substance("alcohol")
    amounts: dict[Any, Decimal | None] = {
        first: Decimal(6),
        first + timedelta(days=1): Decimal(2),
        first + timedelta(days=2): Decimal(0),
        first + timedelta(days=3): None,
    }
    saved = services.tlfb_save(
        patient=clinic.patient,
        by=clinic.therapist_on_team,
        substance=alcohol,
        length=28,
        amounts=amounts,
    )
    assert saved == 3
    rows = {r.first_day: r for r in UseReport.objects.filter(source="tlfb")}
    assert (rows[first].days_used, rows[first].heavy_days) == (1, 1)
    assert rows[first + timedelta(days=1)].heavy_days == 0
    assert rows[first + timedelta(days=2)].days_used == 0
    services.tlfb_save(
        patient=clinic.patient,
        by=clinic.therapist_on_team,
        substance=alcohol,
        length=28,
        amounts={first: Decimal(0)},
    )
    assert UseReport.objects.filter(source="tlfb").count() == 1


@pytest.mark.parametrize(
    ("length", "offset", "amount", "problem"),
    [
        (14, 0, Decimal(1), "28 or 90"),
        (28, 40, Decimal(1), "Only the days of the calendar"),
        (28, 0, Decimal(-1), "cannot be negative"),
    ],
)
def test_a_bad_calendar_is_refused(
    clinic: Any, course: Any, length: int, offset: int, amount: Decimal, problem: str
) -> None:
    first, _ = services.tlfb_period(clinic.patient, 28)
    with pytest.raises(Refused, match=problem):
        services.tlfb_save(
            patient=clinic.patient,
            by=clinic.therapist_on_team,
            substance=factories.substance("alcohol"),
            length=length,
            amounts={first + timedelta(days=offset): amount},
        )
    assert not UseReport.objects.exists()


# --- Drug tests -----------------------------------------------------------------------


def test_buprenorphine_in_a_patient_who_takes_it_is_expected(clinic: Any) -> None:
    factories.medication(clinic.patient, "Buprenorphine")
    test = _test(clinic)
    assert test.expected == ["buprenorphine"]
    assert test.unexpected == []
    assert not Alert.objects.exists()


def test_buprenorphine_without_a_prescription_is_unexpected(clinic: Any) -> None:
    test = _test(clinic)
    assert test.unexpected == ["buprenorphine"]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"collected_on": "tomorrow"}, "in the future"),
        ({"specimen": "breath"}, "not run on that specimen"),
        ({"results": {"alcohol": "positive"}}, "Not on this panel"),
        ({"results": {"thc": "not_tested"}}, "at least one result"),
        ({"collected_by": " "}, "who collected"),
    ],
)
def test_an_impossible_test_is_refused_and_nothing_is_saved(
    clinic: Any, overrides: dict[str, Any], problem: str
) -> None:
    if overrides.get("collected_on") == "tomorrow":
        overrides["collected_on"] = TODAY() + timedelta(days=1)
    with pytest.raises(Refused, match=problem):
        _test(clinic, **overrides)
    assert not DrugTest.objects.exists()
    assert not AuditEvent.objects.filter(category="recovery_drug_test").exists()


def test_an_unexpected_positive_after_abstinence_raises_the_relapse_alert_once(
    clinic: Any, settings: Any
) -> None:
    settings.IPTCARE_ALERT_ABSTINENT_DAYS = 14
    factories.sobriety(clinic.patient, "cannabis", since=TODAY() - timedelta(days=40))
    test = _test(clinic, results={"thc": "positive"})
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule, alert.source_type) == (
        "relapse",
        "positive_after_abstinence",
        SourceType.DRUG_TEST,
    )
    assert "Cannabis" in alert.reason and clinic.patient.family_name not in alert.reason
    # Raising again for the same test adds nothing: once per event.
    from alerts import rules
    from alerts import services as alert_services

    again = alert_services.alerts_raise_for_drug_test(
        patient=clinic.patient,
        test_id=str(test.public_id),
        day=test.collected_on,
        positives=[rules.TestPositive("Cannabis", TODAY() - timedelta(days=40))],
    )
    assert again is None
    assert Alert.objects.count() == 1
    # A second positive test is a second event.
    _test(clinic, results={"thc": "positive"})
    assert Alert.objects.count() == 2
    # The sobriety date waits for a clinician.
    assert UseReview.objects.filter(drug_test=test).count() == 1
    assert SobrietyDate.objects.get().since == TODAY() - timedelta(days=40)


def test_no_alert_without_a_period_of_abstinence(clinic: Any) -> None:
    factories.sobriety(clinic.patient, "cannabis", since=TODAY() - timedelta(days=3))
    _test(clinic, results={"thc": "positive"})
    _test(clinic, results={"cocaine": "positive"})  # no sobriety date at all
    assert not Alert.objects.exists()


def test_an_expected_positive_raises_no_alert(clinic: Any) -> None:
    factories.sobriety(clinic.patient, "opioids", since=TODAY() - timedelta(days=60))
    factories.medication(clinic.patient, "Buprenorphine")
    _test(clinic, results={"buprenorphine": "positive", "fentanyl": "negative"})
    assert not Alert.objects.exists()
    assert not UseReview.objects.exists()


# --- Sobriety, medication, supporters, level of care ------------------------------


def test_a_sobriety_date_ahead_is_refused(clinic: Any) -> None:
    with pytest.raises(Refused, match="future"):
        services.sobriety_set(
            patient=clinic.patient,
            by=clinic.therapist_on_team,
            substance=factories.substance("alcohol"),
            since=TODAY() + timedelta(days=1),
            show_in_portal=True,
        )
    assert not SobrietyDate.objects.exists()


def test_the_portal_shows_only_the_days_the_clinician_chose(clinic: Any) -> None:
    for code, shown in (("alcohol", True), ("cannabis", False)):
        services.sobriety_set(
            patient=clinic.patient,
            by=clinic.therapist_on_team,
            substance=factories.substance(code),
            since=TODAY() - timedelta(days=10),
            show_in_portal=shown,
        )
    assert selectors.portal_sobriety(clinic.patient) == [
        ("Alcohol", TODAY() - timedelta(days=10), 10)
    ]


def test_a_medication_that_stops_before_it_starts_is_refused(clinic: Any) -> None:
    from recovery.models import Medication, MedicationKind

    with pytest.raises(Refused, match="stopped before it started"):
        services.medication_save(
            patient=clinic.patient,
            by=clinic.therapist_on_team,
            kind=MedicationKind.objects.get(name="Naltrexone"),
            dose="50 mg",
            prescriber="GP",
            prescriber_in_program=False,
            started_on=TODAY() - timedelta(days=3),
            stopped_on=TODAY() - timedelta(days=5),
        )
    assert not Medication.objects.exists()


def test_the_supporters_marks_follow_the_inventory_both_ways(
    clinic: Any, course: Any
) -> None:
    person = PersonFactory(course=course, name="Sister")
    supporter = services.supporter_save(
        patient=clinic.patient,
        by=clinic.therapist_on_team,
        name="Sister",
        relationship="sibling",
        person=person,
        permission_on=TODAY(),
        is_trigger=True,
    )
    person.refresh_from_db()
    assert person.is_trigger and not person.supports_recovery
    person.supports_recovery = True
    person.save()
    services.supporter_marks_from_inventory(person)
    supporter.refresh_from_db()
    assert supporter.supports_recovery
    assert supporter.flags == ["supports recovery", "trigger"]


def test_a_person_from_another_patients_inventory_is_refused(clinic: Any) -> None:
    stranger = PersonFactory()
    with pytest.raises(Refused, match="this patient's inventory"):
        services.supporter_save(
            patient=clinic.patient,
            by=clinic.therapist_on_team,
            name="X",
            relationship="friend",
            person=stranger,
        )


def test_a_contact_needs_the_patients_permission(clinic: Any) -> None:
    supporter = factories.supporter(clinic.patient, permission_on=None)
    arguments = {
        "by": clinic.therapist_on_team,
        "contacted_on": TODAY(),
        "mode": "phone",
        "family_session": False,
        "shared": "Attendance only.",
    }
    with pytest.raises(Refused, match="had not allowed contact"):
        services.contact_log(supporter=supporter, **arguments)
    supporter.permission_on = TODAY() - timedelta(days=5)
    supporter.permission_withdrawn_on = TODAY() - timedelta(days=1)
    supporter.save()
    with pytest.raises(Refused, match="had not allowed contact"):
        services.contact_log(supporter=supporter, **arguments)
    assert not SupporterContact.objects.exists()
    supporter.permission_withdrawn_on = None
    supporter.save()
    contact = services.contact_log(
        supporter=supporter, **{**arguments, "family_session": True}
    )
    assert contact.family_session
    event = AuditEvent.objects.get(category="recovery_contact")
    assert "Attendance" not in event.detail  # what was shared stays out of the trail


def test_the_level_of_care_changes_with_a_reason(clinic: Any) -> None:
    from recovery.models import CareLevel, CareLevelChange

    iop = CareLevel.objects.get(name="Intensive outpatient")
    arguments = {
        "patient": clinic.patient,
        "by": clinic.therapist_on_team,
        "level": iop,
    }
    with pytest.raises(Refused, match="reason"):
        services.care_level_change(**arguments, changed_on=TODAY(), reason=" ")
    with pytest.raises(Refused, match="future"):
        services.care_level_change(
            **arguments, changed_on=TODAY() + timedelta(days=1), reason="Relapse"
        )
    services.care_level_change(**arguments, changed_on=TODAY(), reason="Relapse")
    with pytest.raises(Refused, match="already"):
        services.care_level_change(**arguments, changed_on=TODAY(), reason="Again")
    assert CareLevelChange.objects.count() == 1
