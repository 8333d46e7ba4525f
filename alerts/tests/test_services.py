"""Raising alerts from their sources (once each), acknowledging them with the action
taken, escalating urgent ones with a frozen clock, and the e-mails (a link, nothing
about the patient)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.choices import Role
from accounts.tests.factories import StaffFactory
from alerts import rules, services, tasks
from alerts.choices import ActionTaken, AlertKind, SourceType, Urgency
from alerts.models import Alert
from alerts.rules import DiaryDay
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt.models import Course, CourseSession
from ipt.tests.factories import CourseFactory, attended_sessions
from measures import services as measures_services
from measures.choices import Source
from measures.models import Administration, RiskEvent
from measures.tests.factories import (
    AdministrationFactory,
    calm_answers,
    critical_answers,
)

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
CommitCapture = Callable[..., object]


def phq9_with_item9(clinic: Clinic, score: int = 2, **fields: object) -> Administration:
    answers = calm_answers("phq9")
    answers[8] = score
    return measures_services.administration_record(
        by=clinic.therapist_on_team,
        instrument_id="phq9",
        answers=answers,
        source=Source.CLINICIAN,
        patient=clinic.patient,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture(autouse=True)
def staff_emails(clinic: Clinic) -> None:
    for staff in (
        clinic.therapist_on_team,
        clinic.supervisor,
        clinic.therapist_off_team,
    ):
        staff.email = f"{staff.username}@example.org"
        staff.save(update_fields=["email"])


def names_of(clinic: Clinic) -> list[str]:
    patient = clinic.patient
    return [
        patient.given_name,
        patient.family_name,
        patient.record_number,
        patient.phone,
    ]


# --- Risk answers ------------------------------------------------------------------


def test_a_phq9_item9_answer_raises_one_urgent_risk_alert(clinic: Clinic) -> None:
    # given a PHQ-9 with item 9 "more than half the days"
    phq9_with_item9(clinic, score=2)
    # when the scan runs twice
    first = services.alerts_from_risk_events()
    second = services.alerts_from_risk_events()
    # then exactly one alert, urgent, for this patient, saying why without naming them
    assert (first, second) == (1, 0)
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.rule, alert.urgency) == (
        clinic.patient,
        AlertKind.RISK,
        "phq9_item9",
        Urgency.URGENT,
    )
    assert (
        "PHQ-9 item 9" in alert.reason and "'More than half the days'" in alert.reason
    )
    assert not any(name in alert.reason for name in names_of(clinic))
    event = AuditEvent.objects.get(category="alert", object_id=str(alert.public_id))
    assert event.patient == clinic.patient and event.actor is None
    assert event.detail == "kind=risk; rule=phq9_item9; urgency=3; source=risk_event"


def test_the_alert_belongs_to_the_patients_open_course(clinic: Clinic) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    phq9_with_item9(clinic)
    services.alerts_from_risk_events()
    assert Alert.objects.get().course == course


def test_a_positive_cssrs_screen_raises_an_alert_with_its_level(clinic: Clinic) -> None:
    answers = [1, 1, 1, 0, 1, 0, None]  # a plan with intent
    measures_services.administration_record(
        by=clinic.therapist_on_team,
        instrument_id="cssrs",
        answers=answers,
        source=Source.CLINICIAN,
        patient=clinic.patient,
    )
    assert services.alerts_from_risk_events() == 1
    alert = Alert.objects.get()
    assert alert.rule == "cssrs_positive" and alert.urgency == Urgency.URGENT
    assert "level high" in alert.reason


def test_a_screening_without_a_patient_waits_until_it_is_linked(clinic: Clinic) -> None:
    answers = critical_answers("phq9", 9)
    administration = measures_services.administration_record(
        by=clinic.coordinator,
        instrument_id="phq9",
        answers=answers,
        source=Source.INTAKE_SCREENING,
    )
    assert services.alerts_from_risk_events() == 0
    measures_services.administrations_link_patient(
        by=clinic.coordinator, administrations=[administration], patient=clinic.patient
    )
    assert services.alerts_from_risk_events() == 1


def test_a_risk_answer_acknowledged_already_raises_nothing(clinic: Clinic) -> None:
    phq9_with_item9(clinic)
    RiskEvent.objects.update(acknowledged_at=timezone.now())
    assert services.alerts_from_risk_events() == 0


def test_calm_answers_raise_nothing(clinic: Clinic) -> None:
    AdministrationFactory(patient=clinic.patient, answers=calm_answers("phq9"))
    assert services.alerts_from_risk_events() == 0


def test_a_new_urgent_alert_emails_the_care_team_a_link_and_nothing_else(
    clinic: Clinic, django_capture_on_commit_callbacks: CommitCapture
) -> None:
    # given the care team's clinician has an e-mail address
    phq9_with_item9(clinic)
    # when the alert is raised and committed
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.alerts_from_risk_events()
    # then one message, to the clinician, with the link and no patient details
    alert = Alert.objects.get()
    assert [m.to for m in mail.outbox] == [[clinic.therapist_on_team.email]]
    message = mail.outbox[0]
    assert (
        f"/patients/{clinic.patient.public_id}/alerts/{alert.public_id}/"
        in message.body
    )
    text = message.subject + message.body
    assert not any(name in text for name in names_of(clinic))
    assert "PHQ" not in text and "item 9" not in text  # not even which answer


def test_a_routine_alert_sends_no_email(
    clinic: Clinic, django_capture_on_commit_callbacks: CommitCapture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.alert_raise(
            patient=clinic.patient,
            finding=rules.missed_in_a_row(2, NOW.date()),  # type: ignore[arg-type]
            source_type=SourceType.ENGAGEMENT_EVENT,
            source_key="1",
        )
    assert mail.outbox == []


# --- Engagement ---------------------------------------------------------------------


def test_two_did_not_attends_in_a_row_raise_one_engagement_alert(
    clinic: Clinic,
) -> None:
    from scheduling.models import EngagementEvent
    from scheduling.tests.factories import booked

    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    appointment = booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=timezone.now() - timedelta(days=1),
        course=course,
    )
    EngagementEvent.objects.create(
        kind="missed_in_a_row",
        patient=clinic.patient,
        course=course,
        appointment=appointment,
        missed_in_a_row=2,
    )
    assert services.alerts_from_engagement_events() == 1
    assert services.alerts_from_engagement_events() == 0
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule, alert.course) == (
        "engagement",
        "missed_in_a_row",
        course,
    )
    assert "Did not attend 2 sessions in a row" in alert.reason


def test_engagement_events_older_than_two_weeks_are_history(clinic: Clinic) -> None:
    from scheduling.models import EngagementEvent
    from scheduling.tests.factories import booked

    appointment = booked(clinic.patient, clinic.therapist_on_team)
    event = EngagementEvent.objects.create(
        kind="missed_in_a_row",
        patient=clinic.patient,
        appointment=appointment,
        missed_in_a_row=2,
    )
    EngagementEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    assert services.alerts_from_engagement_events() == 0


def _course_with_sessions(
    clinic: Clinic, count: int
) -> tuple[Course, list[CourseSession]]:
    course = CourseFactory(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        opened_on=timezone.localdate() - timedelta(days=7 * count),
    )
    return course, attended_sessions(course, count)


def _returned(clinic: Clinic, session: CourseSession, instrument: str = "phq9") -> None:
    AdministrationFactory(
        patient=clinic.patient,
        instrument_id=instrument,
        answers=calm_answers(instrument),
        administered_at=timezone.make_aware(
            datetime.combine(session.held_on, datetime.min.time())
        )
        + timedelta(hours=9),
    )


def test_questionnaires_missing_for_three_sessions_raise_one_alert(
    clinic: Clinic,
) -> None:
    # given sessions 1–4 of an IPT-12 course (PHQ-9 and GAD-7 due before each), with
    # questionnaires returned before session 1 only
    course, sessions = _course_with_sessions(clinic, 4)
    _returned(clinic, sessions[0])
    # when the hourly job runs twice
    assert services.alerts_for_missing_questionnaires() == 1
    assert services.alerts_for_missing_questionnaires() == 0
    # then one engagement alert, keyed on session 4
    alert = Alert.objects.get()
    assert alert.rule == "questionnaires_missing" and alert.course == course
    assert alert.source_key == f"{course.pk}:questionnaires_missing:{sessions[3].pk}"
    assert "up to session 4" in alert.reason


def test_questionnaires_returned_before_each_session_raise_nothing(
    clinic: Clinic,
) -> None:
    _, sessions = _course_with_sessions(clinic, 4)
    for session in sessions[1:]:
        _returned(clinic, session, "gad7")
    assert services.alerts_for_missing_questionnaires() == 0


def test_two_sessions_missing_are_not_enough(clinic: Clinic) -> None:
    _, sessions = _course_with_sessions(clinic, 3)
    _returned(clinic, sessions[0])
    assert services.alerts_for_missing_questionnaires() == 0


# --- The diary (the portal's entry point) -------------------------------------------


def test_self_harm_in_a_diary_entry_raises_one_urgent_alert(clinic: Clinic) -> None:
    entry = DiaryDay("entry-1", NOW.date(), self_harm=True)
    first = services.alerts_raise_for_diary(patient=clinic.patient, entry=entry)
    again = services.alerts_raise_for_diary(patient=clinic.patient, entry=entry)
    assert [a.rule for a in first] == ["diary_self_harm"] and again == []
    assert first[0].urgency == Urgency.URGENT and first[0].source_type == "diary_entry"


def test_use_after_two_weeks_without_raises_a_relapse_alert(clinic: Clinic) -> None:
    day = NOW.date()
    history = [
        DiaryDay(f"d{i}", day - timedelta(days=i), used=False) for i in range(1, 16)
    ]
    raised = services.alerts_raise_for_diary(
        patient=clinic.patient, entry=DiaryDay("use", day, used=True), history=history
    )
    assert [(a.kind, a.urgency) for a in raised] == [("relapse", Urgency.SAME_DAY)]


# --- Acknowledging --------------------------------------------------------------------


def test_acknowledging_without_an_action_is_refused_and_changes_nothing(
    clinic: Clinic,
) -> None:
    alert = AlertFactory(patient=clinic.patient)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(services.AcknowledgeRefused):
        services.alert_acknowledge(alert=alert, by=clinic.therapist_on_team, action="")
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.action_taken == ""
    assert AuditEvent.objects.count() == audit_rows


def test_other_needs_the_action_in_words(clinic: Clinic) -> None:
    alert = AlertFactory(patient=clinic.patient)
    with pytest.raises(Exception, match="Describe what was done"):
        services.alert_acknowledge(
            alert=alert, by=clinic.therapist_on_team, action=ActionTaken.OTHER, note=" "
        )
    alert.refresh_from_db()
    assert alert.is_open


def test_acknowledging_closes_the_alert_and_the_risk_answer_it_came_from(
    clinic: Clinic,
) -> None:
    # given a risk alert raised from a PHQ-9 answer
    phq9_with_item9(clinic)
    services.alerts_from_risk_events()
    alert = Alert.objects.get()
    # when the clinician acknowledges it, having called the patient
    services.alert_acknowledge(
        alert=alert, by=clinic.therapist_on_team, action=ActionTaken.CALLED_PATIENT
    )
    # then both are closed, by them, and the audit says what was done (not the note)
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinic.therapist_on_team
    assert alert.action_taken == ActionTaken.CALLED_PATIENT
    event = RiskEvent.objects.get()
    assert event.acknowledged_by == clinic.therapist_on_team
    audit_row = AuditEvent.objects.get(category="alert", action="update")
    assert audit_row.detail == "acknowledged; action=called_patient; note=no"
    # and it cannot be acknowledged twice
    with pytest.raises(services.AcknowledgeRefused):
        services.alert_acknowledge(
            alert=alert, by=clinic.supervisor, action=ActionTaken.CALLED_PATIENT
        )


# --- Escalating, with a frozen clock -------------------------------------------------


def test_an_urgent_alert_left_two_hours_escalates_to_the_supervisor_once(
    clinic: Clinic, django_capture_on_commit_callbacks: CommitCapture
) -> None:
    # given an urgent alert raised at 09:00
    with time_machine.travel(NOW, tick=False):
        alert = AlertFactory(patient=clinic.patient)
    # when the job runs at 10:59: not yet
    with time_machine.travel(NOW + timedelta(minutes=119), tick=False):
        assert services.alerts_escalate_overdue() == 0
    # when it runs at 11:00: escalated to the team's supervisor, who is e-mailed a link
    with (
        time_machine.travel(NOW + timedelta(minutes=120), tick=False),
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        assert services.alerts_escalate_overdue() == 1
    alert.refresh_from_db()
    assert alert.escalated_to == clinic.supervisor
    assert alert.escalated_at == NOW + timedelta(minutes=120)
    assert [m.to for m in mail.outbox] == [[clinic.supervisor.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "escalated" in body and str(alert.public_id) in body
    assert not any(name in body for name in names_of(clinic))
    # and again later: nothing more
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        assert services.alerts_escalate_overdue() == 0
    assert len(mail.outbox) == 1


def test_the_periodic_job_escalates(clinic: Clinic) -> None:
    with time_machine.travel(NOW, tick=False):
        AlertFactory(patient=clinic.patient)
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        assert tasks.alerts_escalate.call_local() == 1


def test_the_escalation_delay_is_configurable(clinic: Clinic, settings: object) -> None:
    settings.IPTCARE_ALERT_ESCALATE_AFTER_MINUTES = 30  # type: ignore[attr-defined]
    with time_machine.travel(NOW, tick=False):
        AlertFactory(patient=clinic.patient)
    with time_machine.travel(NOW + timedelta(minutes=29), tick=False):
        assert services.alerts_escalate_overdue() == 0
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        assert services.alerts_escalate_overdue() == 1


def test_acknowledged_and_non_urgent_alerts_never_escalate(clinic: Clinic) -> None:
    with time_machine.travel(NOW, tick=False):
        acknowledged = AlertFactory(patient=clinic.patient)
        services.alert_acknowledge(
            alert=acknowledged,
            by=clinic.therapist_on_team,
            action=ActionTaken.SAFETY_PLAN_REVIEWED,
        )
        AlertFactory(patient=clinic.patient, urgency=Urgency.SAME_DAY)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert services.alerts_escalate_overdue() == 0


def test_without_a_team_supervisor_the_sites_supervisor_is_used(clinic: Clinic) -> None:
    # given the team's supervisor has left, and another supervisor works at the site
    clinic.supervisor.is_active = False
    clinic.supervisor.save()
    other_team = clinic.team_a.site.teams.create(name="Evening team")
    site_supervisor = StaffFactory(
        role=Role.SUPERVISOR,
        site=clinic.site_a,
        teams=[other_team],
        email="lead@example.org",
    )
    with time_machine.travel(NOW, tick=False):
        alert = AlertFactory(patient=clinic.patient)
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        services.alerts_escalate_overdue()
    alert.refresh_from_db()
    assert alert.escalated_to == site_supervisor


def test_with_no_supervisor_at_all_the_escalation_is_recorded_and_logged(
    clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    clinic.supervisor.is_active = False
    clinic.supervisor.save()
    with time_machine.travel(NOW, tick=False):
        alert = AlertFactory(patient=clinic.patient)
    with (
        time_machine.travel(NOW + timedelta(hours=3), tick=False),
        caplog.at_level(logging.WARNING, logger="alerts.services"),
    ):
        assert services.alerts_escalate_overdue() == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None and alert.escalated_to is None
    assert "no supervisor" in caplog.text
    assert clinic.patient.family_name not in caplog.text
