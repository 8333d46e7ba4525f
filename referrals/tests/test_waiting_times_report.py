"""The waiting-time report from stored requests: the same figures as worked by hand."""

from __future__ import annotations

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt.choices import Attendance
from ipt.models import CourseSession
from ipt.tests.factories import CourseFactory
from patients.tests.factories import PatientFactory
from referrals.choices import Status
from referrals.models import Referral
from referrals.selectors import waiting_time_report
from referrals.tests.factories import ReferralFactory, program, waiting
from referrals.waiting import MonthFigures, Snapshot

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON)


def _at(day: date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=LONDON)


def _booked(clinic: Clinic, site_a: bool, referred: date, first: date) -> Referral:
    patient = PatientFactory(team=clinic.team_a if site_a else clinic.team_b)
    return ReferralFactory(
        site=clinic.site_a if site_a else clinic.site_b,
        created_at=_at(referred),
        status=Status.BOOKED,
        patient=patient,
        program=program(),
        accepted_at=_at(referred),
        booked_at=_at(referred),
        first_appointment_at=_at(first),
    )


def test_the_report_matches_hand_computed_figures(clinic: Clinic) -> None:
    """Site A, May 2026: waits 14, 42, 60 days → within 6 weeks 2/3 (66.7 %), within
    18 weeks 3/3. Site B, May 2026: 130 days → 0/1 and 0/1. Site A, June 2026: one
    started on 10 June after 7 days. All sites, May: 4 starts, 2 and 3.
    Not counted: a first appointment still to come (waiting), one whose course has
    attendance recorded but nothing attended (waiting), and a start before the window.
    The course with an attended session counts from that session, not the booking."""
    _booked(clinic, True, date(2026, 4, 17), date(2026, 5, 1))  # 14 days
    _booked(clinic, True, date(2026, 3, 31), date(2026, 5, 12))  # 42 days
    late_start = _booked(clinic, True, date(2026, 3, 20), date(2026, 4, 20))
    course = CourseFactory(
        patient=late_start.patient, clinician=clinic.therapist_on_team
    )
    late_start.course = course
    late_start.save()
    CourseSession.objects.create(  # missed the booked one; first attended 19 May: 60 days
        course=course, held_on=date(2026, 4, 20), attendance=Attendance.MISSED,
        phase="initial", recorded_by=clinic.therapist_on_team,
    )  # fmt: skip
    CourseSession.objects.create(
        course=course, number=1, held_on=date(2026, 5, 19), attendance=Attendance.ATTENDED,
        phase="initial", recorded_by=clinic.therapist_on_team,
    )  # fmt: skip
    _booked(clinic, False, date(2026, 1, 1), date(2026, 5, 11))  # 130 days
    _booked(clinic, True, date(2026, 6, 3), date(2026, 6, 10))  # 7 days
    _booked(clinic, True, date(2026, 6, 1), date(2026, 6, 30))  # still to come
    no_show = _booked(clinic, True, date(2026, 5, 1), date(2026, 5, 20))
    no_show.course = CourseFactory(
        patient=no_show.patient, clinician=clinic.therapist_on_team
    )
    no_show.save()
    CourseSession.objects.create(
        course=no_show.course, held_on=date(2026, 5, 20), attendance=Attendance.MISSED,
        phase="initial", recorded_by=clinic.therapist_on_team,
    )  # fmt: skip
    _booked(clinic, True, date(2025, 1, 1), date(2025, 2, 1))  # before the window
    waiting(ReferralFactory(site=clinic.site_b, created_at=_at(date(2026, 2, 1))))
    with time_machine.travel(TODAY, tick=False):
        report = waiting_time_report(staff=clinic.supervisor, months=12)
        everything = waiting_time_report(staff=_all_sites(clinic), months=12)
    assert report.figures == [
        MonthFigures("Site A", date(2026, 5, 1), 3, 2, 3),
        MonthFigures("Site A", date(2026, 6, 1), 1, 1, 1),
    ]
    # waiting at site A: referred 1 June (14 days) and 1 May (45 days: over 6 weeks)
    assert report.snapshot == [Snapshot("Site A", 2, 1, 0)]
    assert everything.figures[:2] == [
        MonthFigures("", date(2026, 5, 1), 4, 2, 3),
        MonthFigures("", date(2026, 6, 1), 1, 1, 1),
    ]
    assert MonthFigures("Site B", date(2026, 5, 1), 1, 0, 0) in everything.figures
    # waiting at site B since 1 February: 134 days, over 18 weeks
    assert Snapshot("Site B", 1, 1, 1) in everything.snapshot
    assert report.since == date(2025, 7, 1)


def _all_sites(clinic: Clinic) -> object:
    """A supervisor whose teams are at both sites."""
    from accounts.choices import Role
    from accounts.tests.factories import StaffFactory

    return StaffFactory(
        role=Role.SUPERVISOR, site=clinic.site_a, teams=[clinic.team_a, clinic.team_b]
    )


def test_the_report_page_shows_the_standards_and_the_definitions(
    client: Client, clinic: Clinic
) -> None:
    _booked(clinic, True, date(2026, 4, 17), date(2026, 5, 1))
    client.force_login(clinic.coordinator)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("referrals:waiting-times")).content.decode()
    assert "May 2026" in page
    assert "1 (100.0 %) meets 75 %" in page
    assert "first attended session" in page
