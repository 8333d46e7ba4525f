"""The retention schedule on a frozen clock: what the review lists, what a person may
erase, and that nothing clinical goes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from disclosures import retention
from disclosures.models import RetentionDue, RetentionReview
from ipt.tests.factories import CourseFactory
from patients.models import Patient
from patients.tests.factories import PatientFactory
from referrals.choices import Status
from referrals.models import Referral
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 15, 10, tzinfo=UTC)


def closed(site, status, on: datetime.datetime) -> Referral:
    return ReferralFactory(site=site, status=status, closed_at=on)


def test_month_arithmetic_keeps_the_end_of_the_month():
    assert retention.months_before(datetime.date(2027, 3, 31), 1) == datetime.date(
        2027, 2, 28
    )
    assert retention.months_before(datetime.date(2027, 3, 15), 240) == datetime.date(
        2007, 3, 15
    )
    assert retention.months_after(datetime.date(2026, 1, 31), 1) == datetime.date(
        2026, 2, 28
    )


@time_machine.travel(NOW, tick=False)
def test_the_review_lists_rejected_callbacks_after_twelve_months(clinic):
    old = closed(clinic.site_a, Status.DECLINED, NOW - datetime.timedelta(days=370))
    closed(
        clinic.site_a, Status.WITHDRAWN, NOW - datetime.timedelta(days=300)
    )  # too recent
    ReferralFactory(site=clinic.site_a, status=Status.NEW)  # still in progress
    retention.review_run()
    due = RetentionDue.objects.get()
    assert due.object_ref == old.public_id
    assert due.due_on == datetime.date(2027, 3, 10)
    # A second run lists nothing twice, and erases nothing.
    retention.review_run()
    assert RetentionDue.objects.count() == 1
    assert Referral.objects.count() == 3


@time_machine.travel(NOW, tick=False)
def test_mental_health_records_are_counted_twenty_years_after_last_contact_never_erased(
    clinic,
):
    with time_machine.travel(NOW - datetime.timedelta(days=365 * 21), tick=False):
        quiet = PatientFactory(team=clinic.team_a)
        CourseFactory(
            patient=quiet,
            phase="ended",
            outcome="completed",
            ended_on=(NOW - datetime.timedelta(days=365 * 20 + 30)).date(),
        )
    with time_machine.travel(NOW - datetime.timedelta(days=365 * 21), tick=False):
        still_seen = PatientFactory(team=clinic.team_a)
    CourseFactory(patient=still_seen)  # open course: contact goes on
    retention.review_run()
    review = RetentionReview.objects.get()
    assert review.summary["mental_health_record"] == 1
    assert list(retention.patients_due(datetime.date(2007, 3, 15))) == [quiet]
    assert not RetentionDue.objects.filter(
        record_class__code="mental_health_record"
    ).exists()
    assert Patient.objects.filter(pk=quiet.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_a_supervisor_erases_a_due_callback_and_it_is_audited(client, clinic):
    old = closed(clinic.site_a, Status.DECLINED, NOW - datetime.timedelta(days=400))
    retention.review_run()
    due = RetentionDue.objects.get()
    client.force_login(clinic.supervisor)
    page = client.get(reverse("disclosures:retention")).content.decode()
    assert old.name not in page  # a reference, never the caller's name
    response = client.post(reverse("disclosures:retention-erase", args=[due.pk]))
    assert response.status_code == 302
    assert not Referral.objects.filter(pk=old.pk).exists()
    due.refresh_from_db()
    assert due.erased_by == clinic.supervisor
    event = AuditEvent.objects.get(category="retention", action="delete")
    assert event.actor == clinic.supervisor
    assert event.object_id == str(old.public_id)


@time_machine.travel(NOW, tick=False)
def test_a_callback_reopened_since_the_review_is_kept(clinic):
    old = closed(clinic.site_a, Status.DECLINED, NOW - datetime.timedelta(days=400))
    retention.review_run()
    Referral.objects.filter(pk=old.pk).update(status=Status.IN_CONTACT)
    with pytest.raises(retention.Refused):
        retention.erase(by=clinic.supervisor, due=RetentionDue.objects.get())
    assert Referral.objects.filter(pk=old.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_the_schedule_refuses_erasing_a_class_it_does_not_allow(clinic):
    from disclosures.models import RetentionClass

    record_class = RetentionClass.objects.get(code="mental_health_record")
    due = RetentionDue.objects.create(
        review=RetentionReview.objects.create(run_at=NOW),
        record_class=record_class,
        site=clinic.site_a,
        object_ref=clinic.patient.public_id,
        due_on=NOW.date(),
    )
    with pytest.raises(retention.Refused):
        retention.erase(by=clinic.supervisor, due=due)
    assert Patient.objects.filter(pk=clinic.patient.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_another_sites_supervisor_cannot_erase(client, clinic):
    closed(clinic.site_a, Status.DECLINED, NOW - datetime.timedelta(days=400))
    retention.review_run()
    due = RetentionDue.objects.get()
    client.force_login(clinic.supervisor_other_team)
    assert (
        client.post(reverse("disclosures:retention-erase", args=[due.pk])).status_code
        == 404
    )
    assert Referral.objects.count() == 1


def test_the_nightly_job_only_reviews(clinic):
    from disclosures import tasks

    closed(
        clinic.site_a, Status.DECLINED, timezone.now() - datetime.timedelta(days=400)
    )
    tasks.review_retention.call_local()
    assert Referral.objects.count() == 1
    assert RetentionDue.objects.count() == 1
