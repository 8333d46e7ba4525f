"""The intake queue: order, age and overdue; call attempts and the transitions they
make; who sees which requests; the audit rows and the query count of the list."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic
from referrals import services
from referrals.choices import AttemptOutcome, Status
from referrals.models import ContactAttempt, Referral
from referrals.tests.factories import ReferralFactory, in_contact, waiting

pytestmark = pytest.mark.django_db


def _call(client: Client, referral: Referral, outcome: str, **extra: Any) -> Any:
    return client.post(
        reverse("referrals:attempt", args=[referral.public_id]),
        {"outcome": outcome, **extra},
    )


def _refresh(referral: Referral) -> Referral:
    referral.refresh_from_db()
    return referral


class TestAttempts:
    def test_speaking_to_them_puts_the_request_in_contact(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        client.force_login(clinic.coordinator)
        response = _call(client, referral, "spoke", note="Asked for a call at 2pm")
        assert response.status_code == 302
        referral = _refresh(referral)
        assert referral.status == Status.IN_CONTACT
        assert referral.first_attempt_at == referral.first_contact_at
        attempt = ContactAttempt.objects.get()
        assert (attempt.outcome, attempt.by) == ("spoke", clinic.coordinator)
        event = AuditEvent.objects.get(action=Action.CREATE, category="referral")
        assert "outcome=spoke" in event.detail and "2pm" not in event.detail

    def test_three_calls_reaching_no_one_make_it_unreachable(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a, may_leave_voicemail=True)
        client.force_login(clinic.coordinator)
        _call(client, referral, "no_answer")
        _call(client, referral, "voicemail")
        assert _refresh(referral).status == Status.NEW
        _call(client, referral, "no_answer")
        referral = _refresh(referral)
        assert referral.status == Status.UNREACHABLE
        assert referral.unreachable_since is not None
        page = client.get(reverse("referrals:detail", args=[referral.public_id]))
        assert (
            "Suggested next step: send a letter or an e-mail" in page.content.decode()
        )

    def test_the_number_of_failed_calls_is_a_setting(
        self, clinic: Clinic, settings: Any
    ) -> None:
        settings.IPTCARE_INTAKE_FAILED_ATTEMPTS = 1
        referral = ReferralFactory(site=clinic.site_a)
        services.attempt_record(
            by=clinic.coordinator, referral=referral, outcome="no_answer"
        )
        assert _refresh(referral).status == Status.UNREACHABLE

    def test_failures_count_from_the_last_conversation(self, clinic: Clinic) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        for outcome in ["no_answer", "no_answer", "spoke", "no_answer", "no_answer"]:
            services.attempt_record(
                by=clinic.coordinator, referral=referral, outcome=outcome
            )
        assert _refresh(referral).status == Status.IN_CONTACT
        services.attempt_record(
            by=clinic.coordinator, referral=referral, outcome="no_answer"
        )
        assert _refresh(referral).status == Status.UNREACHABLE

    def test_a_wrong_number_makes_it_unreachable_at_once(self, clinic: Clinic) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        services.attempt_record(
            by=clinic.coordinator, referral=referral, outcome="wrong_number"
        )
        assert _refresh(referral).status == Status.UNREACHABLE

    def test_a_voicemail_is_refused_when_they_did_not_agree(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a, may_leave_voicemail=False)
        client.force_login(clinic.coordinator)
        writes = AuditEvent.objects.exclude(action=Action.VIEW)
        before = writes.count()
        response = _call(client, referral, "voicemail")
        assert response.status_code == 200
        assert "did not agree" in str(response.context["form"].errors["outcome"])
        assert ContactAttempt.objects.count() == 0
        assert writes.count() == before
        assert _refresh(referral).status == Status.NEW

    def test_an_unreachable_person_who_calls_back_is_in_contact_again(
        self, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        services.attempt_record(
            by=clinic.coordinator, referral=referral, outcome="wrong_number"
        )
        services.attempt_record(
            by=clinic.coordinator, referral=referral, outcome="spoke"
        )
        referral = _refresh(referral)
        assert referral.status == Status.IN_CONTACT
        assert referral.unreachable_since is None

    @pytest.mark.parametrize(
        "status",
        [Status.WAITING, Status.REFERRED_ELSEWHERE, Status.DECLINED, Status.WITHDRAWN],
    )
    def test_calls_are_not_logged_on_a_request_out_of_the_queue(
        self, clinic: Clinic, status: Status
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        if status == Status.WAITING:
            waiting(referral)
        else:
            referral.status = status
            referral.save()
        with pytest.raises(services.Refused, match="not possible"):
            services.attempt_record(
                by=clinic.coordinator, referral=referral, outcome="spoke"
            )
        assert ContactAttempt.objects.count() == 0

    BAD = [
        ({"outcome": ""}, "outcome", "required"),
        ({"outcome": "hung up"}, "outcome", "valid choice"),
        (
            {"outcome": "spoke", "attempted_at": "2999-01-01T10:00"},
            "attempted_at",
            "future",
        ),
        ({"outcome": "spoke", "attempted_at": "yesterday"}, "attempted_at", "valid"),
        ({"outcome": "spoke", "note": "x" * 301}, "note", "at most 300"),
    ]

    @pytest.mark.parametrize(("data", "field", "message"), BAD)
    def test_a_bad_call_log_says_why_and_changes_nothing(
        self,
        client: Client,
        clinic: Clinic,
        data: dict[str, str],
        field: str,
        message: str,
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        client.force_login(clinic.coordinator)
        response = client.post(
            reverse("referrals:attempt", args=[referral.public_id]), data
        )
        assert response.status_code == 200
        assert message in str(response.context["form"].errors[field])
        assert ContactAttempt.objects.count() == 0
        assert _refresh(referral).status == Status.NEW

    def test_a_letter_is_recorded_for_an_unreachable_request_only(
        self, client: Client, clinic: Clinic
    ) -> None:
        referral = ReferralFactory(site=clinic.site_a)
        client.force_login(clinic.coordinator)
        url = reverse("referrals:letter", args=[referral.public_id])
        client.post(url)
        assert _refresh(referral).letter_sent_at is None
        services.attempt_record(
            by=clinic.coordinator, referral=referral, outcome="wrong_number"
        )
        client.post(url)
        assert _refresh(referral).letter_sent_at is not None


class TestQueue:
    def test_urgent_first_then_oldest_with_age_and_overdue(
        self, client: Client, clinic: Clinic
    ) -> None:
        london = ZoneInfo("Europe/London")
        monday = datetime(2026, 3, 2, 9, 0, tzinfo=london)
        old = ReferralFactory(
            site=clinic.site_a,
            name="Oldest Person",
            created_at=monday - timedelta(days=3),
            contact_due_on=date(2026, 3, 2),
        )
        newer = ReferralFactory(
            site=clinic.site_a,
            name="Newer Person",
            created_at=monday - timedelta(hours=2),
            contact_due_on=date(2026, 3, 3),
        )
        urgent = in_contact(
            ReferralFactory(
                site=clinic.site_a,
                name="Urgent Person",
                created_at=monday - timedelta(hours=1),
                contact_due_on=date(2026, 3, 3),
            )
        )
        urgent.urgent_since = monday
        urgent.save()
        ReferralFactory(site=clinic.site_b, name="Other Site")
        ReferralFactory(site=clinic.site_a, name="Closed One", status=Status.DECLINED)
        client.force_login(clinic.coordinator)
        with time_machine.travel(monday + timedelta(days=1, hours=1), tick=False):
            response = client.get(reverse("referrals:queue"))
        rows = list(response.context["queue"].page.object_list)
        assert rows == [urgent, old, newer]
        assert [r.overdue for r in rows] == [False, True, False]
        assert rows[1].age == "4 days 1 h"
        page = response.content.decode()
        assert "Other Site" not in page and "Closed One" not in page
        assert "Overdue" in page and "Urgent: risk answer at screening" in page

    def test_an_attempt_in_time_is_not_overdue(self, clinic: Clinic) -> None:
        referral = ReferralFactory(site=clinic.site_a, contact_due_on=date(2026, 3, 2))
        assert referral.is_overdue(date(2026, 3, 3))
        referral.first_attempt_at = timezone.now()
        assert not referral.is_overdue(date(2026, 3, 3))

    def test_the_contact_target_skips_the_weekend(
        self, client: Client, clinic: Clinic
    ) -> None:
        friday = datetime(2026, 3, 6, 16, 30, tzinfo=ZoneInfo("Europe/London"))
        with time_machine.travel(friday, tick=False):
            referral, _ = services.callback_request_create(
                site=clinic.site_a,
                request_for="self",
                name="Friday Caller",
                phone="07700 900555",
                email="",
            )
        assert referral.contact_due_on == date(2026, 3, 9)

    def test_the_contact_target_is_a_setting(
        self, clinic: Clinic, settings: Any
    ) -> None:
        settings.IPTCARE_INTAKE_CONTACT_WORKING_DAYS = 2
        settings.IPTCARE_INTAKE_CLOSED_DAYS = ["2026-03-09"]
        friday = datetime(2026, 3, 6, 12, tzinfo=ZoneInfo("Europe/London"))
        with time_machine.travel(friday, tick=False):
            referral, _ = services.callback_request_create(
                site=clinic.site_a, request_for="self", name="A", phone="07700 900556",
                email="",
            )  # fmt: skip
        assert referral.contact_due_on == date(2026, 3, 11)

    def test_unreachable_requests_have_their_own_tab(
        self, client: Client, clinic: Clinic
    ) -> None:
        ReferralFactory(site=clinic.site_a, name="Still To Call")
        ReferralFactory(
            site=clinic.site_a, name="Gone Quiet", status=Status.UNREACHABLE
        )
        client.force_login(clinic.coordinator)
        to_call = client.get(reverse("referrals:queue")).content.decode()
        gone = client.get(reverse("referrals:queue"), {"show": "unreachable"})
        assert "Still To Call" in to_call and "Gone Quiet" not in to_call
        assert "Gone Quiet" in gone.content.decode()
        assert gone.context["queue"].to_call == 1
        assert gone.context["queue"].unreachable == 1

    def test_a_supervisor_sees_the_requests_of_their_teams_sites(
        self, client: Client, clinic: Clinic
    ) -> None:
        mine = ReferralFactory(site=clinic.site_a)
        ReferralFactory(site=clinic.site_b)
        client.force_login(clinic.supervisor)
        rows = client.get(reverse("referrals:queue")).context["queue"].page.object_list
        assert list(rows) == [mine]

    def test_each_request_listed_is_audited_once(
        self, client: Client, clinic: Clinic
    ) -> None:
        referrals = [ReferralFactory(site=clinic.site_a) for _ in range(3)]
        client.force_login(clinic.coordinator)
        client.get(reverse("referrals:queue"))
        listed = AuditEvent.objects.filter(action=Action.LIST, category="referral")
        assert sorted(listed.values_list("object_id", flat=True)) == sorted(
            str(r.public_id) for r in referrals
        )

    @pytest.mark.parametrize("kept", [False, True], ids=["afresh", "kept"])
    def test_the_queue_costs_the_same_queries_for_5_and_50_requests(
        self, client: Client, clinic: Clinic, settings: Any, kept: bool
    ) -> None:
        """Rendered afresh each time, or sent as the copy kept by the request before
        (decisions/0068): the same count either way for 5 and 50 requests."""
        settings.IPTCARE_PAGE_SIZE = 100
        settings.IPTCARE_KEEP_PAGES = kept
        client.force_login(clinic.coordinator)
        url = reverse("referrals:queue")
        _fill_queue(clinic, 5)
        client.get(url)  # warm the session (and keep the page)
        small = _queries(client, url)
        _fill_queue(clinic, 45)
        client.get(url)
        large = _queries(client, url)
        assert small == large
        # session, user, the two tab counts, the page count, the rows; the audit batch
        # (savepoint, chain head, one insert, release; PostgreSQL adds its lock); the
        # session save (savepoint, update, release)
        assert large <= 13
        rows = client.get(url).context["queue"].page.object_list
        assert len(rows) == 50


def _fill_queue(clinic: Clinic, count: int) -> None:
    for n in range(count):
        referral = ReferralFactory(site=clinic.site_a)
        if n % 2:
            ContactAttempt.objects.create(
                referral=referral,
                attempted_at=timezone.now(),
                outcome=AttemptOutcome.NO_ANSWER,
                by=clinic.coordinator,
            )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_detail_writes_one_audit_row_naming_the_request(
    client: Client, clinic: Clinic
) -> None:
    referral = ReferralFactory(site=clinic.site_a)
    client.force_login(clinic.coordinator)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(id__gt=last or 0)
    assert (event.action, event.category, event.object_id) == (
        Action.VIEW,
        "referral",
        str(referral.public_id),
    )


def test_another_sites_request_is_404_and_the_refusal_is_audited(
    client: Client, clinic: Clinic
) -> None:
    """IDOR sweep over every intake page that names a request."""
    from tests.access_matrix import ROUTES

    foreign = ReferralFactory(site=clinic.site_b, name="Foreign Caller")
    client.force_login(clinic.coordinator)
    for name, route in ROUTES.items():
        if not name.startswith("referrals:"):
            continue
        kwargs = route.kwargs(clinic)
        if "public_id" not in kwargs:
            continue
        kwargs["public_id"] = foreign.public_id
        response = getattr(client, route.method)(reverse(name, kwargs=kwargs))
        assert response.status_code == 404, name
        assert "Foreign Caller" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, object_id=str(foreign.public_id)
    ).exists()


def test_every_intake_page_writes_one_audit_row_naming_its_request(
    client: Client, clinic: Clinic
) -> None:
    """QUALITY A10 row 3 for requests: a 200 on a page that shows a request leaves
    exactly one read row for it (the detail page adds one per possible duplicate
    listed; here there are none)."""
    from tests.access_matrix import ROUTES

    client.force_login(clinic.coordinator)
    checked = 0
    for name, route in ROUTES.items():
        if not name.startswith("referrals:") or route.method != "get":
            continue
        kwargs = route.kwargs(clinic)
        if "public_id" not in kwargs:
            continue
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
        rows = list(AuditEvent.objects.filter(id__gt=last or 0).order_by("id"))
        assert [(r.action, r.object_id) for r in rows] == [
            (Action.VIEW, str(kwargs["public_id"]))
        ], name
        checked += 1
    assert checked == 9
