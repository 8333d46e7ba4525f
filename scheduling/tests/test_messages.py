"""Reminders and questionnaire invitations: sent once however often the job runs,
through the channels the patient allows, with no name and no clinical word."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail

from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase
from scheduling import messaging, services, tasks
from scheduling.choices import Channel, Party, Purpose
from scheduling.models import Appointment, SentMessage
from scheduling.tests.factories import booked

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 3, 9, tzinfo=UTC)  # a Monday morning


@pytest.fixture(autouse=True)
def _frozen_and_empty() -> Iterator[None]:
    messaging.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    messaging.outbox.clear()


@pytest.fixture
def texting(clinic: Clinic) -> Clinic:
    clinic.patient.may_text = True
    clinic.patient.phone = "+447700900123"
    clinic.patient.email = "canary@example.org"
    clinic.patient.save()
    return clinic


def _tomorrow(clinic: Clinic, course: Course | None = None) -> Appointment:
    return booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=NOW + timedelta(hours=20),
        course=course,
        place="Room 3, 1 High Street",
    )


def _sent_texts() -> list[str]:
    return [sms.body for sms in messaging.outbox]


def _everything_sent() -> str:
    parts = [m.subject + "\n" + m.body + "\n" + m.from_email for m in mail.outbox]
    return "\n".join(parts + _sent_texts())


def test_the_dispatcher_sends_each_reminder_once_when_it_runs_twice(
    texting: Clinic,
) -> None:
    # given
    _tomorrow(texting)
    # when
    tasks.dispatch_messages()
    tasks.dispatch_messages()
    # then: one e-mail and one text
    assert len(mail.outbox) == 1
    assert len(messaging.outbox) == 1
    assert SentMessage.objects.filter(purpose=Purpose.REMINDER).count() == 2
    assert mail.outbox[0].to == ["canary@example.org"]
    assert messaging.outbox[0].to == "+447700900123"


def test_a_reminder_enqueued_twice_is_sent_once(texting: Clinic) -> None:
    appointment = _tomorrow(texting)
    attendee = appointment.attendees.get()
    tasks.send_reminder(attendee.pk, Channel.EMAIL)
    tasks.send_reminder(attendee.pk, Channel.EMAIL)
    assert len(mail.outbox) == 1
    assert not services.reminder_send(attendee_id=attendee.pk, channel=Channel.EMAIL)
    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_no_mark_so_the_retry_sends(texting: Clinic) -> None:
    attendee = _tomorrow(texting).attendees.get()
    with (
        mock.patch.object(
            messaging.LocmemSmsBackend, "send", side_effect=OSError("gateway down")
        ),
        pytest.raises(OSError, match="gateway down"),
    ):
        services.reminder_send(attendee_id=attendee.pk, channel=Channel.SMS)
    assert not SentMessage.objects.exists()
    assert services.reminder_send(attendee_id=attendee.pk, channel=Channel.SMS)
    assert len(messaging.outbox) == 1


def test_no_text_without_the_patients_agreement(clinic: Clinic) -> None:
    clinic.patient.may_text = False
    clinic.patient.save()
    _tomorrow(clinic)
    tasks.dispatch_messages()
    assert len(mail.outbox) == 1
    assert messaging.outbox == []


def test_no_email_without_an_address(texting: Clinic) -> None:
    texting.patient.email = ""
    texting.patient.save()
    _tomorrow(texting)
    tasks.dispatch_messages()
    assert mail.outbox == []
    assert len(messaging.outbox) == 1


def test_reminders_wait_for_the_lead_time(texting: Clinic, settings: object) -> None:
    settings.SCHEDULING_REMINDER_HOURS = 24  # type: ignore[attr-defined]
    booked(
        texting.patient,
        texting.therapist_on_team,
        starts_at=NOW + timedelta(hours=30),
    )
    tasks.dispatch_messages()
    assert mail.outbox == []
    with time_machine.travel(NOW + timedelta(hours=7), tick=False):
        tasks.dispatch_messages()
    assert len(mail.outbox) == 1


def test_a_cancelled_session_gets_no_reminder(texting: Clinic) -> None:
    appointment = _tomorrow(texting)
    services.appointment_cancel(
        by=texting.coordinator,
        appointment=appointment,
        requested_by=Party.PATIENT,
        reason="Away",
    )
    tasks.dispatch_messages()
    assert mail.outbox == [] and messaging.outbox == []


def test_a_moved_session_is_reminded_again_at_its_new_time(texting: Clinic) -> None:
    appointment = _tomorrow(texting)
    tasks.dispatch_messages()
    services.appointment_move(
        by=texting.coordinator,
        appointment=appointment,
        day=(NOW + timedelta(hours=22)).date(),
        at=(NOW + timedelta(hours=22)).time(),
        requested_by=Party.CLINIC,
        reason="Room change",
    )
    tasks.dispatch_messages()
    assert len(mail.outbox) == 2
    assert "at 07:00" in mail.outbox[1].body


def test_messages_carry_no_name_and_no_clinical_word(texting: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=texting.patient, clinician=texting.therapist_on_team
    )
    _tomorrow(texting, course)
    tasks.dispatch_messages()
    assert len(mail.outbox) == 2  # a reminder and an invitation
    sent = _everything_sent()
    lowered = sent.lower()
    for word in messaging.CLINICAL_WORDS:
        assert word not in lowered, word
    patient = texting.patient
    for value in (patient.given_name, patient.family_name, patient.record_number):
        assert value not in sent
    assert "Tuesday 4 March at 05:00" in sent  # London clocks (GMT)
    assert "Room 3, 1 High Street" in sent


def test_an_invitation_follows_the_programs_schedule_with_the_portal_link(
    texting: Clinic,
) -> None:
    # given: IPT-12 with 8 sessions held; session 9 asks the PHQ-9 and GAD-7 before it
    course = course_in_phase(
        Phase.MIDDLE, patient=texting.patient, clinician=texting.therapist_on_team
    )
    _tomorrow(texting, course)
    # when
    tasks.dispatch_messages()
    tasks.dispatch_messages()
    # then: one invitation per channel, with the portal link
    invitations = SentMessage.objects.filter(purpose=Purpose.INVITATION)
    assert invitations.count() == 2
    invitation = invitations.get(channel=Channel.EMAIL)
    assert invitation.session_number == 9
    assert invitation.instruments == ["phq9", "gad7"]
    assert "http://127.0.0.1:8000/portal/" in mail.outbox[-1].body
    assert any("/portal/" in text for text in _sent_texts())
    row = AuditEvent.objects.filter(category="message").first()
    assert row is not None and row.actor is None and row.patient == texting.patient


def test_an_invitation_names_only_self_report_questionnaires(texting: Clinic) -> None:
    # given: session 6 of IPT-12 asks PHQ-9, GAD-7, AUDIT-C, CORE-10, MSPSS, UCLA-3
    course = course_in_phase(
        Phase.MIDDLE, patient=texting.patient, clinician=texting.therapist_on_team
    )
    Course.objects.filter(pk=course.pk).update(sessions_attended=5)
    course.refresh_from_db()
    course.program.measures.create(instrument="hrsd17", timing="before_session")
    _tomorrow(texting, course)
    # when
    tasks.dispatch_messages()
    # then: the clinician-rated HRSD-17 is not the patient's to answer
    invitation = SentMessage.objects.get(purpose=Purpose.INVITATION, channel="email")
    assert invitation.session_number == 6
    assert "hrsd17" not in invitation.instruments
    assert {"phq9", "gad7", "auditc", "core10"} <= set(invitation.instruments)


def test_a_rebooked_session_is_not_invited_twice(texting: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=texting.patient, clinician=texting.therapist_on_team
    )
    first = _tomorrow(texting, course)
    tasks.dispatch_messages()
    services.appointment_cancel(
        by=texting.coordinator,
        appointment=first,
        requested_by=Party.CLINIC,
        reason="Room flooded",
    )
    booked(
        texting.patient,
        texting.therapist_on_team,
        starts_at=NOW + timedelta(hours=22),
        course=course,
    )
    tasks.dispatch_messages()
    assert SentMessage.objects.filter(purpose=Purpose.INVITATION).count() == 2
    assert SentMessage.objects.filter(purpose=Purpose.REMINDER).count() == 4


def test_a_patient_without_a_course_gets_no_invitation(texting: Clinic) -> None:
    _tomorrow(texting)
    tasks.dispatch_messages()
    assert not SentMessage.objects.filter(purpose=Purpose.INVITATION).exists()


def test_the_console_sms_backend_masks_the_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    messaging.ConsoleSmsBackend().send(to="+447700900123", body="Hello")
    printed = capsys.readouterr().out
    assert "…123" in printed and "+447700900123" not in printed
