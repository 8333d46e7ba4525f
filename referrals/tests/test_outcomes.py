"""Outcomes: accept (booked or waiting list) in one transaction, refer elsewhere,
decline, withdraw; the waiting list, its priority overrides and booking from it."""

from __future__ import annotations

import datetime
import pkgutil
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from ipt.models import Course
from measures.models import Administration, RiskEvent
from patients.models import CareTeamMember, Patient
from referrals import services
from referrals.choices import Status
from referrals.models import PriorityChange, Referral
from referrals.tests.factories import ReferralFactory, in_contact, program, waiting
from scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def _soon(days: int = 3) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(
        second=0, microsecond=0
    )


def _local(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def referral(clinic: Clinic) -> Referral:
    return in_contact(ReferralFactory(site=clinic.site_a))


def _accept_data(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    data = {
        "program": program("ipt16").pk,
        "team": clinic.team_a.pk,
        "next_step": "book",
        "clinician": clinic.therapist_on_team.pk,
        "first_appointment_at": _local(_soon()),
        "place": "Room 2, 14 High Street",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot() -> tuple[int, ...]:
    return (
        Patient.objects.count(),
        Course.objects.count(),
        CareTeamMember.objects.count(),
        Administration.objects.filter(patient__isnull=False).count(),
        RiskEvent.objects.filter(patient__isnull=False).count(),
        Referral.objects.filter(status=Status.IN_CONTACT).count(),
        Appointment.objects.count(),
        AuditEvent.objects.count(),
    )


class TestAccept:
    def test_accepting_with_a_clinician_makes_the_record_and_the_course_and_books(
        self, client: Client, clinic: Clinic, referral: Referral
    ) -> None:
        screening = services.screening_record(
            by=clinic.coordinator, referral=referral, instrument_id="phq9",
            answers=[1] * 8 + [1],
        )  # fmt: skip
        client.force_login(clinic.coordinator)
        first = _soon()
        # when
        response = client.post(
            reverse("referrals:accept", args=[referral.public_id]),
            _accept_data(clinic, first_appointment_at=_local(first)),
        )
        # then
        assert response.status_code == 302
        referral.refresh_from_db()
        patient = referral.patient
        assert patient is not None
        assert (patient.given_name, patient.family_name) == ("Robin", "Example")
        assert patient.date_of_birth == datetime.date(1990, 5, 17)
        assert patient.team == clinic.team_a
        assert patient.phone == referral.patient_phone
        assert patient.record_number.startswith("IPT-")
        assert referral.status == Status.BOOKED
        assert referral.first_appointment_at == first
        assert referral.course is not None
        assert (referral.course.patient, referral.course.program.code) == (
            patient,
            "ipt16",
        )
        assert referral.course.clinician == clinic.therapist_on_team
        assert patient.care_team.filter(staff=clinic.therapist_on_team).exists()
        # the screening scales (and their risk event) now belong to the record
        screening.refresh_from_db()
        assert screening.patient == patient
        assert RiskEvent.objects.get().patient == patient

    def test_accepting_without_a_clinician_places_on_the_waiting_list(
        self, client: Client, clinic: Clinic, referral: Referral
    ) -> None:
        client.force_login(clinic.coordinator)
        response = client.post(
            reverse("referrals:accept", args=[referral.public_id]),
            _accept_data(
                clinic, next_step="wait", clinician=None, first_appointment_at=None
            ),
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.WAITING
        assert referral.patient is not None and referral.accepted_at is not None
        assert Course.objects.count() == 0

    BAD = [
        ({"program": None}, "program", "required"),
        ({"program": "999999"}, "program", "valid choice"),
        ({"next_step": None}, "next_step", "required"),
        ({"clinician": None}, "clinician", "Choose the clinician"),
        ({"first_appointment_at": None}, "first_appointment_at", "Give the date"),
        (
            {"first_appointment_at": "2001-01-01T09:00"},
            "first_appointment_at",
            "passed",
        ),
        ({"first_appointment_at": "soon"}, "first_appointment_at", "valid"),
        ({"place": None}, "place", "Give a place or a video link"),
        ({"place": None, "video_link": "not a link"}, "video_link", "valid URL"),
    ]

    @pytest.mark.parametrize(("change", "field", "message"), BAD)
    def test_bad_input_says_why_and_changes_nothing(
        self,
        client: Client,
        clinic: Clinic,
        referral: Referral,
        change: dict[str, Any],
        field: str,
        message: str,
    ) -> None:
        client.force_login(clinic.coordinator)
        url = reverse("referrals:accept", args=[referral.public_id])
        client.get(url)
        before = _snapshot()
        response = client.post(url, _accept_data(clinic, **change))
        assert response.status_code == 200
        assert message in str(response.context["form"].errors[field])
        assert _snapshot()[:-1] == before[:-1]

    def test_a_team_or_clinician_of_another_site_cannot_be_chosen(
        self, client: Client, clinic: Clinic, referral: Referral
    ) -> None:
        client.force_login(clinic.coordinator)
        url = reverse("referrals:accept", args=[referral.public_id])
        for change in (
            {"team": clinic.team_b.pk},
            {"clinician": clinic.therapist_other_site.pk},
            {"clinician": clinic.coordinator.pk},
            {"program": program("maintenance").pk},
        ):
            response = client.post(url, _accept_data(clinic, **change))
            assert response.status_code == 200, change
        assert Patient.objects.count() == 2  # the clinic's two

    def test_without_the_persons_details_nothing_is_accepted(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a, status=Status.IN_CONTACT)
        client.force_login(clinic.coordinator)
        response = client.post(
            reverse("referrals:accept", args=[referral.public_id]), _accept_data(clinic)
        )
        assert response.status_code == 200
        assert "name and date of birth" in str(response.context["form"].errors)
        assert Patient.objects.count() == 2

    @pytest.mark.parametrize("status", [Status.NEW, Status.UNREACHABLE])
    def test_a_request_not_in_contact_cannot_be_accepted(
        self, clinic: Clinic, status: Status
    ) -> None:
        referral = in_contact(ReferralFactory(site=clinic.site_a))
        referral.status = status
        referral.save()
        with pytest.raises(services.Refused, match="not possible"):
            services.referral_accept(
                by=clinic.coordinator,
                referral=referral,
                program=program(),
                team=clinic.team_a,
            )

    def test_a_patient_with_an_open_course_is_refused_whole(
        self, client: Client, clinic: Clinic
    ) -> None:
        from ipt.tests.factories import CourseFactory

        CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
        referral = in_contact(ReferralFactory(site=clinic.site_a))
        referral.patient = clinic.patient
        referral.save()
        client.force_login(clinic.coordinator)
        before = _snapshot()
        response = client.post(
            reverse("referrals:accept", args=[referral.public_id]), _accept_data(clinic)
        )
        assert response.status_code == 200
        assert "already has an open course" in str(response.context["form"].errors)
        referral.refresh_from_db()
        assert referral.status == Status.IN_CONTACT
        assert _snapshot()[:-1] == before[:-1]


def _fail_after(real: Callable[..., Any]) -> Callable[..., Any]:
    """The real step, then a failure: the step's writes are made and must be undone."""

    def step(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("injected failure")

    return step


ACCEPT_STEPS = [
    "referrals.services.patient_services.patient_create",
    "referrals.services.measures_services.administrations_link_patient",
    "referrals.services.ipt_services.course_open",
    "referrals.services.scheduling.appointment_book",
    "referrals.services._record",  # after the request's own row is saved
]


@pytest.mark.parametrize("step", ACCEPT_STEPS)
def test_the_accept_transaction_rolls_back_whole_when_any_step_fails(
    clinic: Clinic, referral: Referral, step: str
) -> None:
    """QUALITY A10 row 11: an exception after each write step leaves no partial row."""
    services.screening_record(
        by=clinic.coordinator, referral=referral, instrument_id="phq9", answers=[2] * 9
    )
    before = _snapshot()
    real = pkgutil.resolve_name(step)
    with (
        mock.patch(step, side_effect=_fail_after(real)),
        pytest.raises(RuntimeError, match="injected"),
    ):
        services.referral_accept(
            by=clinic.coordinator,
            referral=referral,
            program=program("ipt16"),
            team=clinic.team_a,
            clinician=clinic.therapist_on_team,
            first_appointment_at=_soon(),
        )
    assert _snapshot() == before
    referral.refresh_from_db()
    assert referral.status == Status.IN_CONTACT
    assert referral.patient is None and referral.course is None


@pytest.mark.parametrize("step", ACCEPT_STEPS[2:])
def test_booking_from_the_waiting_list_rolls_back_whole_when_any_step_fails(
    clinic: Clinic, step: str
) -> None:
    referral = waiting(ReferralFactory(site=clinic.site_a))
    before = _snapshot()
    real = pkgutil.resolve_name(step)
    with (
        mock.patch(step, side_effect=_fail_after(real)),
        pytest.raises(RuntimeError),
    ):
        services.referral_book(
            by=clinic.coordinator,
            referral=referral,
            clinician=clinic.therapist_on_team,
            first_appointment_at=_soon(),
        )
    assert _snapshot() == before
    referral.refresh_from_db()
    assert referral.status == Status.WAITING


class TestClose:
    def test_refer_elsewhere_needs_where_and_why(
        self, client: Client, clinic: Clinic, referral: Referral
    ) -> None:
        client.force_login(clinic.coordinator)
        url = reverse("referrals:close", args=[referral.public_id])
        response = client.post(url, {"closure": "referred_elsewhere", "reason": "x"})
        assert "Say where" in str(response.context["form"].errors["referred_to"])
        response = client.post(
            url, {"closure": "referred_elsewhere", "referred_to": "Community team"}
        )
        assert "Say why" in str(response.context["form"].errors["reason"])
        referral.refresh_from_db()
        assert referral.status == Status.IN_CONTACT
        response = client.post(
            url,
            {
                "closure": "referred_elsewhere",
                "referred_to": "Community drug and alcohol team",
                "reason": "Needs detox first.",
            },
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.REFERRED_ELSEWHERE
        assert referral.referred_to == "Community drug and alcohol team"
        assert referral.closed_by == clinic.coordinator
        event = AuditEvent.objects.filter(category="referral").latest("id")
        assert "detox" not in event.detail and "Community" not in event.detail

    def test_decline_needs_why(
        self, client: Client, clinic: Clinic, referral: Referral
    ) -> None:
        client.force_login(clinic.coordinator)
        url = reverse("referrals:close", args=[referral.public_id])
        response = client.post(url, {"closure": "declined"})
        assert "Say why" in str(response.context["form"].errors["reason"])
        client.post(url, {"closure": "declined", "reason": "Outside our area."})
        referral.refresh_from_db()
        assert (referral.status, referral.outcome_reason) == (
            Status.DECLINED,
            "Outside our area.",
        )

    @pytest.mark.parametrize("start", ["new", "in_contact", "unreachable", "waiting"])
    def test_a_person_may_withdraw_at_any_stage_before_booking(
        self, clinic: Clinic, start: str
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        if start == "waiting":
            waiting(referral)
        else:
            referral.status = start
            referral.save()
        services.referral_close(
            by=clinic.coordinator, referral=referral, closure="withdrawn"
        )
        referral.refresh_from_db()
        assert referral.status == Status.WITHDRAWN

    def test_a_new_request_cannot_be_declined_before_anyone_spoke_to_them(
        self, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        with pytest.raises(services.Refused):
            services.referral_close(
                by=clinic.coordinator, referral=referral, closure="declined", reason="x"
            )

    def test_a_closed_request_stays_closed(self, clinic: Clinic) -> None:
        referral = ReferralFactory(site=clinic.site_a, status=Status.DECLINED)
        for closure in ["withdrawn", "declined", "referred_elsewhere", "bogus"]:
            with pytest.raises(services.Refused):
                services.referral_close(
                    by=clinic.coordinator, referral=referral, closure=closure,
                    reason="Because.", referred_to="Elsewhere",
                )  # fmt: skip
        referral.refresh_from_db()
        assert referral.status == Status.DECLINED


class TestWaitingList:
    def test_ordered_by_date_accepted_with_priority_first_and_waits_shown(
        self, client: Client, clinic: Clinic
    ) -> None:
        now = timezone.now()
        first = waiting(
            ReferralFactory(
                site=clinic.site_a, created_at=now - datetime.timedelta(days=50)
            )
        )
        second = waiting(
            ReferralFactory(
                site=clinic.site_a, created_at=now - datetime.timedelta(days=10)
            )
        )
        third = waiting(
            ReferralFactory(
                site=clinic.site_a, created_at=now - datetime.timedelta(days=130)
            )
        )
        for offset, referral in enumerate([first, second, third]):
            referral.accepted_at = now - datetime.timedelta(days=30 - offset)
            referral.save()
        waiting(ReferralFactory(site=clinic.site_b))
        client.force_login(clinic.coordinator)
        rows = list(client.get(reverse("referrals:waiting-list")).context["page"])
        assert rows == [first, second, third]
        assert [r.waited for r in rows] == [
            "7 weeks 1 day",
            "1 week 3 days",
            "18 weeks 4 days",
        ]
        assert [r.over_6_weeks for r in rows] == [True, False, True]
        assert [r.over_18_weeks for r in rows] == [False, False, True]
        # a priority override with its reason moves the third ahead
        response = client.post(
            reverse("referrals:priority", args=[third.public_id]),
            {"prioritised": "on", "reason": "Waiting 18 weeks and getting worse."},
        )
        assert response.status_code == 302
        rows = list(client.get(reverse("referrals:waiting-list")).context["page"])
        assert rows == [third, first, second]
        assert [r.position for r in rows] == [1, 2, 3]

    def test_a_priority_override_needs_a_reason_both_ways(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = waiting(ReferralFactory(site=clinic.site_a))
        client.force_login(clinic.coordinator)
        url = reverse("referrals:priority", args=[referral.public_id])
        response = client.post(url, {"prioritised": "on"})
        assert "needs one" in str(response.context["form"].errors["reason"])
        response = client.post(url, {"prioritised": "on", "reason": "urgent"})
        assert "in a sentence" in str(response.context["form"].errors["reason"])
        referral.refresh_from_db()
        assert not referral.is_prioritised
        client.post(url, {"prioritised": "on", "reason": "Risk at screening, agreed."})
        client.post(url, {"reason": "Seen by the crisis team; back in date order."})
        referral.refresh_from_db()
        assert not referral.is_prioritised
        history = list(PriorityChange.objects.values_list("prioritised", flat=True))
        assert history == [True, False]
        page = client.get(url).content.decode()
        assert "Seen by the crisis team" in page

    def test_booking_from_the_waiting_list_opens_the_course(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = waiting(ReferralFactory(site=clinic.site_a))
        client.force_login(clinic.coordinator)
        first = _soon(10)
        response = client.post(
            reverse("referrals:book", args=[referral.public_id]),
            {
                "clinician": clinic.therapist_off_team.pk,
                "first_appointment_at": _local(first),
                "place": "Room 2",
            },
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.BOOKED
        assert referral.first_appointment_at == first
        assert referral.course is not None
        assert referral.course.clinician == clinic.therapist_off_team
        assert list(client.get(reverse("referrals:waiting-list")).context["page"]) == []

    def test_booking_needs_a_clinician_and_a_time_to_come(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = waiting(ReferralFactory(site=clinic.site_a))
        client.force_login(clinic.coordinator)
        url = reverse("referrals:book", args=[referral.public_id])
        response = client.post(url, {"first_appointment_at": "2001-01-01T10:00"})
        errors = response.context["form"].errors
        assert "Choose the clinician" in str(errors["clinician"])
        assert "passed" in str(errors["first_appointment_at"])
        assert Course.objects.count() == 0

    def test_only_the_waiting_list_is_booked_from(
        self, clinic: Clinic, referral: Referral
    ) -> None:
        with pytest.raises(services.Refused):
            services.referral_book(
                by=clinic.coordinator, referral=referral,
                clinician=clinic.therapist_on_team, first_appointment_at=_soon(),
            )  # fmt: skip
        with pytest.raises(services.Refused):
            services.priority_set(
                by=clinic.coordinator, referral=referral, prioritised=True,
                reason="Because it matters.",
            )  # fmt: skip

    @pytest.mark.parametrize("kept", [False, True], ids=["afresh", "kept"])
    def test_the_list_costs_the_same_queries_for_5_and_50(
        self, client: Client, clinic: Clinic, settings: Any, kept: bool
    ) -> None:
        """Rendered afresh each time, or sent as the copy kept by the request before
        (decisions/0068): the same count either way for 5 and 50 people."""
        settings.IPTCARE_PAGE_SIZE = 100
        settings.IPTCARE_KEEP_PAGES = kept
        client.force_login(clinic.coordinator)
        url = reverse("referrals:waiting-list")

        def fill(count: int) -> None:
            for _ in range(count):
                waiting(ReferralFactory(site=clinic.site_a), patient=clinic.patient)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        fill(5)
        client.get(url)
        small = queries()
        fill(45)
        client.get(url)
        assert queries() == small
        # session, user, page count, rows, the audit batch, the session save
        assert small <= 12


def test_the_person_details_are_validated_and_only_field_names_audited(
    client: Client, clinic: Clinic
) -> None:
    referral = ReferralFactory(site=clinic.site_a, status=Status.IN_CONTACT)
    client.force_login(clinic.coordinator)
    url = reverse("referrals:person", args=[referral.public_id])
    data = {
        "given_name": "Robin",
        "family_name": "Example",
        "date_of_birth": "2999-01-01",
        "patient_phone": "07700 900123",
    }
    response = client.post(url, data)
    assert "in the future" in str(response.context["form"].errors["date_of_birth"])
    response = client.post(
        url,
        {
            **data,
            "date_of_birth": "1990-05-17",
            "patient_phone": "",
            "patient_email": "",
        },
    )
    assert "telephone number or an e-mail" in str(response.context["form"].errors)
    referral.refresh_from_db()
    assert referral.given_name == ""
    client.post(url, {**data, "date_of_birth": "1990-05-17"})
    referral.refresh_from_db()
    assert referral.has_person_details
    event = AuditEvent.objects.filter(category="referral", action="update").latest("id")
    assert "given_name" in event.detail and "Robin" not in event.detail
