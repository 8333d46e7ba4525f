"""A risk answer for someone nobody treats yet reaches a named clinician at once: the
site's duty clinician, from the rota the service sets, with the e-mail the alert rules
send; and it escalates to the supervisors as an urgent alert does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Staff
from accounts.tests.factories import StaffFactory
from alerts import services
from alerts.models import Alert, DutyShift
from conftest import Clinic
from patients.models import CareTeamMember
from referrals import services as referrals
from referrals.models import Referral
from referrals.tests.factories import ReferralFactory, in_contact, program

pytestmark = pytest.mark.django_db
PHQ9_RISK = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def _on_duty(clinic: Clinic, clinician: Staff | None = None, **shift: Any) -> Staff:
    clinician = clinician or StaffFactory(
        username="duty",
        email="duty@example.org",
        role=Role.CLINICIAN,
        site=clinic.site_a,
        teams=[clinic.team_a],
    )
    now = timezone.now()
    DutyShift.objects.create(
        site=clinic.site_a,
        clinician=clinician,
        starts_at=shift.get("starts_at", now - timedelta(hours=1)),
        ends_at=shift.get("ends_at", now + timedelta(hours=8)),
    )
    return clinician


def _screened_with_risk(clinic: Clinic, callbacks: Any) -> Referral:
    referral = in_contact(ReferralFactory(site=clinic.site_a))
    with callbacks(execute=True):
        referrals.screening_record(
            by=clinic.coordinator,
            referral=referral,
            instrument_id="phq9",
            answers=PHQ9_RISK,
        )
    referral.refresh_from_db()
    return referral


def test_the_duty_clinician_is_the_one_whose_shift_covers_the_moment(
    clinic: Clinic,
) -> None:
    now = timezone.now()
    day = _on_duty(clinic, starts_at=now - timedelta(hours=4))
    cover = _on_duty(
        clinic,
        clinic.therapist_off_team,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=30),
    )
    assert services.duty_clinician(site_id=clinic.site_a.pk) == cover
    later = now + timedelta(hours=1)
    assert services.duty_clinician(site_id=clinic.site_a.pk, at=later) == day
    assert services.duty_clinician(site_id=clinic.site_b.pk) is None
    assert (
        services.duty_clinician(site_id=clinic.site_a.pk, at=now + timedelta(days=1))
        is None
    )


def test_a_shift_must_end_after_it_starts_and_name_someone_of_the_site(
    clinic: Clinic,
) -> None:
    from django.core.exceptions import ValidationError

    now = timezone.now()
    backwards = DutyShift(
        site=clinic.site_a,
        clinician=clinic.therapist_on_team,
        starts_at=now,
        ends_at=now - timedelta(hours=1),
    )
    with pytest.raises(ValidationError):
        backwards.full_clean()
    elsewhere = DutyShift(
        site=clinic.site_a,
        clinician=clinic.therapist_other_site,
        starts_at=now,
        ends_at=now + timedelta(hours=1),
    )
    with pytest.raises(ValidationError):
        elsewhere.full_clean()
    coordinator = DutyShift(
        site=clinic.site_a,
        clinician=clinic.coordinator,
        starts_at=now,
        ends_at=now + timedelta(hours=1),
    )
    with pytest.raises(ValidationError):
        coordinator.full_clean()


def test_a_risk_answer_at_screening_reaches_the_duty_clinician_at_once(
    client: Client, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    duty = _on_duty(clinic)
    referral = _screened_with_risk(clinic, django_capture_on_commit_callbacks)

    assert referral.risk_clinician == duty
    assert referral.risk_notified_at is not None
    assert [m.to for m in mail.outbox] == [["duty@example.org"]]
    message = mail.outbox[0]
    assert "Robin" not in message.body and "Example" not in message.body
    assert str(referral.public_id) in message.body
    # The named clinician may read the request to call the person; others may not.
    client.force_login(duty)
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert page.status_code == 200
    assert "Told at once" in page.content.decode()
    client.force_login(clinic.therapist_off_team)
    other = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert other.status_code == 404
    # Reading is all the duty clinician may do on the intake pages.
    client.force_login(duty)
    accept = client.post(reverse("referrals:accept", args=[referral.public_id]), {})
    assert accept.status_code in {403, 404}


def test_with_nobody_on_duty_the_site_supervisors_are_told_at_once(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    clinic.supervisor.email = "sup@example.org"
    clinic.supervisor.save()
    referral = _screened_with_risk(clinic, django_capture_on_commit_callbacks)
    assert referral.risk_clinician == clinic.supervisor
    assert [m.to for m in mail.outbox] == [["sup@example.org"]]


def test_an_intake_risk_still_open_escalates_to_the_supervisors_once(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    clinic.supervisor.email = "sup@example.org"
    clinic.supervisor.save()
    _on_duty(clinic)
    referral = _screened_with_risk(clinic, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        not_yet = timezone.now() + timedelta(minutes=119)
        assert services.intake_risks_escalate_overdue(now=not_yet) == 0
        due = timezone.now() + timedelta(minutes=121)
        assert services.intake_risks_escalate_overdue(now=due) == 1
        assert services.intake_risks_escalate_overdue(now=due) == 0
    assert [m.to for m in mail.outbox] == [["sup@example.org"]]
    referral.refresh_from_db()
    assert referral.risk_escalated_at is not None


def test_accepted_onto_the_waiting_list_the_alert_goes_to_the_duty_clinician(
    client: Client, clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    duty = _on_duty(clinic)
    referral = _screened_with_risk(clinic, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_accept(
            by=clinic.coordinator,
            referral=referral,
            program=program("ipt16"),
            team=clinic.team_a,
        )
    referral.refresh_from_db()
    alert = Alert.objects.get(patient=referral.patient)
    assert alert.kind == "risk"
    assert CareTeamMember.objects.filter(patient=referral.patient, staff=duty).exists()
    assert ["duty@example.org"] in [m.to for m in mail.outbox]
    client.force_login(duty)
    inbox = client.get(reverse("alerts:inbox")).content.decode()
    assert str(alert.public_id) in inbox


def test_a_treated_patient_keeps_their_own_clinician(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    from measures import services as measures
    from measures.choices import Source

    duty = _on_duty(clinic)
    with django_capture_on_commit_callbacks(execute=True):
        measures.administration_record(
            by=clinic.therapist_on_team,
            instrument_id="phq9",
            answers=PHQ9_RISK,
            source=Source.CLINICIAN,
            patient=clinic.patient,
        )
    assert Alert.objects.filter(patient=clinic.patient).exists()
    assert not CareTeamMember.objects.filter(
        patient=clinic.patient, staff=duty
    ).exists()


def test_an_alert_with_nobody_treating_and_nobody_on_duty_goes_to_supervisors_now(
    clinic: Clinic, django_capture_on_commit_callbacks: Any
) -> None:
    from measures import services as measures
    from measures.choices import Source

    clinic.supervisor.email = "sup@example.org"
    clinic.supervisor.save()
    CareTeamMember.objects.filter(patient=clinic.patient).delete()
    with django_capture_on_commit_callbacks(execute=True):
        measures.administration_record(
            by=clinic.therapist_on_team,
            instrument_id="phq9",
            answers=PHQ9_RISK,
            source=Source.CLINICIAN,
            patient=clinic.patient,
        )
    assert ["sup@example.org"] in [m.to for m in mail.outbox]


def test_an_administrator_sets_the_rota_in_the_admin_site(
    client: Client, clinic: Clinic
) -> None:
    from audit.models import AuditEvent

    client.force_login(clinic.administrator)
    assert client.get(reverse("admin:alerts_dutyshift_changelist")).status_code == 200
    response = client.post(
        reverse("admin:alerts_dutyshift_add"),
        {
            "site": clinic.site_a.pk,
            "clinician": clinic.therapist_off_team.pk,
            "starts_at_0": "2026-03-02",
            "starts_at_1": "08:00",
            "ends_at_0": "2026-03-02",
            "ends_at_1": "20:00",
        },
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert shift.clinician == clinic.therapist_off_team
    assert AuditEvent.objects.filter(category="duty_rota").exists()
    backwards = client.post(
        reverse("admin:alerts_dutyshift_add"),
        {
            "site": clinic.site_a.pk,
            "clinician": clinic.therapist_off_team.pk,
            "starts_at_0": "2026-03-03",
            "starts_at_1": "20:00",
            "ends_at_0": "2026-03-03",
            "ends_at_1": "08:00",
        },
    )
    assert backwards.status_code == 200
    assert "must end after it starts" in backwards.content.decode()
    assert DutyShift.objects.count() == 1
