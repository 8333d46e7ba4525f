"""The supervisor's caseload review on a frozen clock: who is on it, why, in what
order, and who may see it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.choices import AlertKind, Urgency
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic, signed_in
from ipt.choices import Attendance, Phase
from ipt.models import CourseSession
from outcomes.tests.service_factories import service_course
from patients.models import CareTeamMember
from patients.tests.factories import PatientFactory
from supervision import review
from supervision.selectors import caseload_review

pytestmark = pytest.mark.django_db

URL = reverse("supervision:review")
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _patient(clinic: Clinic, **fields: object) -> object:
    patient = PatientFactory(team=clinic.team_a, **fields)
    CareTeamMember.objects.create(patient=patient, staff=clinic.therapist_on_team)
    return patient


def _lines(clinic: Clinic) -> list[object]:
    return list(caseload_review(supervisor=clinic.supervisor).object_list)


# --- The pure rules ------------------------------------------------------------------


def test_a_patient_with_nothing_wrong_has_no_reason() -> None:
    facts = review.PatientFacts(
        course_open=True, sessions_attended=3, sessions_planned=12
    )
    assert review.reasons(facts) == []


def test_one_missed_session_is_not_yet_a_reason_two_are() -> None:
    one = review.PatientFacts(course_open=True, missed_sessions=1)
    two = review.PatientFacts(
        course_open=True, missed_sessions=2, last_missed_on=date(2026, 6, 8)
    )
    assert review.reasons(one) == []
    (reason,) = review.reasons(two)
    assert reason.why is review.Why.MISSED_SESSIONS
    assert reason.text == "Missed 2 sessions of this course, last on 8 Jun 2026."


def test_the_last_contracted_session_held_with_the_course_open_is_a_reason() -> None:
    at = review.PatientFacts(
        course_open=True, sessions_attended=12, sessions_planned=12
    )
    before = review.PatientFacts(
        course_open=True, sessions_attended=11, sessions_planned=12
    )
    assert [r.why for r in review.reasons(at)] == [review.Why.PAST_CONTRACT]
    assert review.reasons(before) == []


def test_an_escalated_alert_outranks_everything() -> None:
    raised = datetime(2026, 6, 14, 8, tzinfo=UTC)
    escalated = [
        review.Reason(review.Why.ESCALATED_ALERT, "", raised.date()),
    ]
    several = [
        review.Reason(review.Why.NOT_ON_TRACK, ""),
        review.Reason(review.Why.MISSED_SESSIONS, "", date(2026, 6, 1)),
        review.Reason(review.Why.PAST_CONTRACT, ""),
    ]
    assert review.urgency_key(escalated) < review.urgency_key(several)


# --- The list, from the record -------------------------------------------------------


def test_each_patient_is_listed_once_with_every_reason_most_urgent_first(
    clinic: Clinic,
) -> None:
    escalated = _patient(clinic, family_name="Escalated")
    AlertFactory(patient=escalated, escalated_at=timezone.now())
    routine = _patient(clinic, family_name="Routine")
    AlertFactory(
        patient=routine,
        urgency=Urgency.ROUTINE,
        kind=AlertKind.ENGAGEMENT,
        reason="Two sessions missed.",
    )
    missing = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, sessions=4, missed=2
    )
    deteriorating = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(10, 17),
        sessions=4,
    )
    full = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        sessions=12,
        sessions_planned=12,
        phq9=(12, 3),
    )
    fine = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        sessions=4,
        phq9=(12, 11),
    )
    other_team = service_course(
        clinician=clinic.therapist_other_site, team=clinic.team_b, sessions=4, missed=3
    )
    lines = _lines(clinic)
    patients = [line.patient for line in lines]
    assert patients == [
        escalated,
        deteriorating.patient,
        missing.patient,
        routine,
        full.patient,
    ]
    assert fine.patient not in patients and other_team.patient not in patients
    why = {line.patient: [r.text for r in line.reasons] for line in lines}
    assert why[escalated][0].startswith("Escalated risk alert, not acknowledged")
    assert why[deteriorating.patient][0].startswith(
        "Not on track (PHQ-9): Reliable deterioration"
    )
    assert why[missing.patient] == [
        f"Missed 2 sessions of this course, last on "
        f"{CourseSession.objects.filter(course=missing, attendance=Attendance.MISSED).latest('held_on').held_on:%-d %b %Y}."
    ]
    assert why[full.patient][0].startswith("All 12 contracted sessions held")


def test_an_acknowledged_alert_or_an_ended_course_drops_off_the_list(
    clinic: Clinic,
) -> None:
    patient = _patient(clinic)
    AlertFactory(
        patient=patient,
        acknowledged_at=timezone.now(),
        acknowledged_by=clinic.therapist_on_team,
        action_taken="reviewed",
    )
    ended = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        ended_on=timezone.localdate() - timedelta(days=3),
        missed=3,
    )
    assert ended.phase == Phase.ENDED
    assert _lines(clinic) == []


# --- The page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supervisor", 200),
        ("therapist_on_team", 403),
        ("coordinator", 403),
        ("administrator", 403),
        ("clinical_lead", 403),
    ],
)
def test_only_supervisors_see_the_review(
    client: Client, clinic: Clinic, persona: str, status: int
) -> None:
    signed_in(client, clinic.persona(persona))
    assert client.get(URL).status_code == status


def test_the_review_page_says_why_and_audits_each_patient_shown(
    client: Client, clinic: Clinic
) -> None:
    patient = _patient(clinic)
    AlertFactory(patient=patient)
    signed_in(client, clinic.supervisor)
    page = client.get(URL).content.decode()
    assert "Unacknowledged risk alert" in page
    assert reverse("patients:detail", kwargs={"public_id": patient.public_id}) in page  # type: ignore[attr-defined]
    assert (
        AuditEvent.objects.filter(
            patient=patient, actor=clinic.supervisor, category="supervision"
        ).count()
        == 1
    )


def test_the_review_costs_the_same_queries_for_1_and_50_patients(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    counts = []
    for many in (1, 49):
        for _ in range(many):
            service_course(
                clinician=clinic.therapist_on_team,
                team=clinic.team_a,
                sessions=4,
                missed=2,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- At and beside each rule, from the record -----------------------------------------


def test_the_stated_rule_fires_at_session_6_not_at_session_5(clinic: Clinic) -> None:
    # PHQ-9 15 → 12: −3, not a reliable improvement (6). Judged from session 6 on.
    six = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(15, 12),
        sessions=6,
    )
    five = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(15, 12),
        sessions=5,
    )
    # 15 → 9 at session 6: −6, a reliable improvement: on track.
    improved = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, phq9=(15, 9), sessions=6
    )
    lines = {line.patient: line for line in _lines(clinic)}
    assert set(lines) == {six.patient}
    (reason,) = lines[six.patient].reasons
    assert reason.why is review.Why.NOT_ON_TRACK
    assert reason.text.startswith("Not on track (PHQ-9)")
    assert five.patient not in lines and improved.patient not in lines


def test_missed_sessions_and_the_contract_at_and_beside_their_limits(
    clinic: Clinic,
) -> None:
    # PHQ-9 12 → 3 throughout: no course is off track.
    one_missed = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, phq9=(12, 3), missed=1
    )
    two_missed = service_course(
        clinician=clinic.therapist_on_team, team=clinic.team_a, phq9=(12, 3), missed=2
    )
    eleven = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(12, 3),
        sessions=11,
        sessions_planned=12,
    )
    twelve = service_course(
        clinician=clinic.therapist_on_team,
        team=clinic.team_a,
        phq9=(12, 3),
        sessions=12,
        sessions_planned=12,
    )
    why = {line.patient: [r.why for r in line.reasons] for line in _lines(clinic)}
    assert why == {
        two_missed.patient: [review.Why.MISSED_SESSIONS],
        twelve.patient: [review.Why.PAST_CONTRACT],
    }
    assert one_missed.patient not in why and eleven.patient not in why


def test_ties_go_to_more_reasons_then_to_the_oldest(clinic: Clinic) -> None:
    # All three have an unacknowledged urgent alert as their most urgent reason.
    # "Abbot" has one alert from 10 Jun; "Brook" one from 12 Jun; "Carver" one from
    # 14 Jun and a second, same-day alert: two reasons put Carver first, then the
    # older of the one-reason patients.
    def alert(patient: object, day: int, urgency: int = Urgency.URGENT) -> None:
        made = AlertFactory(patient=patient, urgency=urgency)
        made.__class__.objects.filter(pk=made.pk).update(
            created_at=datetime(2026, 6, day, 9, tzinfo=UTC)
        )

    abbot = _patient(clinic, family_name="Abbot")
    brook = _patient(clinic, family_name="Brook")
    carver = _patient(clinic, family_name="Carver")
    alert(brook, 12)
    alert(abbot, 10)
    alert(carver, 14)
    alert(carver, 14, Urgency.SAME_DAY)
    assert [line.patient for line in _lines(clinic)] == [carver, abbot, brook]


def test_the_oldest_reason_is_dated_on_the_clinics_day(clinic: Clinic) -> None:
    # London, summer time (UTC+1). "Abbot"'s alert was raised at 00:30 on 14 June
    # (23:30 UTC on the 13th), "Brook"'s at 23:45 on 13 June (22:45 UTC). Brook's is
    # the older, on the clinic's clock and on UTC's; dated by its UTC day, Abbot's
    # would tie with it and win on the name.
    def alert(patient: object, when: datetime) -> None:
        made = AlertFactory(patient=patient, urgency=Urgency.ROUTINE)
        made.__class__.objects.filter(pk=made.pk).update(created_at=when)

    abbot = _patient(clinic, family_name="Abbot")
    brook = _patient(clinic, family_name="Brook")
    alert(abbot, datetime(2026, 6, 13, 23, 30, tzinfo=UTC))
    alert(brook, datetime(2026, 6, 13, 22, 45, tzinfo=UTC))
    lines = _lines(clinic)
    assert [line.patient for line in lines] == [brook, abbot]
    assert [line.reasons[0].since for line in lines] == [
        date(2026, 6, 13),
        date(2026, 6, 14),
    ]
