"""The public callback form: good, bad, repeated and spam input; the acknowledgement;
the rate limit; crisis resources on every page."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Site, Staff
from accounts.tests.factories import SiteFactory, StaffFactory
from audit.choices import Action
from audit.models import AuditEvent
from referrals import services
from referrals.choices import Status
from referrals.models import Referral
from referrals.selectors import possible_duplicates

pytestmark = pytest.mark.django_db

URL = "/callback/"
CRISIS = "If you are in danger now"
# Words that would tell whoever reads a shared phone what the message is about.
CLINICAL_WORDS = re.compile(
    r"therap|psych|mental|depress|anxi|crisis|suicid|alcohol|drug|addict|screen|"
    r"treat|clinic|IPT|diagnos|counsel|health|referr|intake|patient",
    re.IGNORECASE,
)


def _good(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "request_for": "self",
        "name": "Canary Zebedee",
        "phone": "07700 900 123",
        "email": "Canary@Example.org",
        "call_times": ["morning", "evening"],
        "may_leave_voicemail": "on",
        "message": "Mornings are best.",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _counts() -> tuple[int, int]:
    return Referral.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def site() -> Site:
    return SiteFactory(name="Northside")


def test_the_address_clinics_link_to_is_stable() -> None:
    assert reverse("referrals:callback") == URL


def test_a_good_request_is_stored_audited_and_thanked(
    client: Client, site: Site, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _good())
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:callback-thanks")
    referral = Referral.objects.get()
    assert referral.site == site
    assert referral.status == Status.NEW
    assert referral.name == "Canary Zebedee"
    assert referral.phone == "07700 900 123"
    assert referral.phone_digits == "7700900123"
    assert referral.email == "canary@example.org"
    assert referral.call_times == ["morning", "evening"]
    assert referral.may_leave_voicemail and not referral.may_text
    assert referral.consented_at is not None
    assert (referral.patient_phone, referral.patient_email) == (
        referral.phone,
        referral.email,
    )
    event = AuditEvent.objects.get(action=Action.CREATE, category="referral")
    assert event.object_id == str(referral.public_id)
    assert event.actor is None
    assert "Canary" not in event.detail and "Mornings" not in event.detail
    assert len(mail.outbox) == 1


def test_the_thanks_page_says_what_happens_next_and_when(
    client: Client, site: Site
) -> None:
    # given: Friday afternoon in London
    with time_machine.travel(
        datetime(2026, 3, 6, 15, 0, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        # when
        page = client.get(reverse("referrals:callback-thanks")).content.decode()
    # then: contact by the end of the next working day, Monday
    assert "What happens next" in page
    assert "Monday 9 March" in page
    assert "up to 3 times" in page
    assert CRISIS in page


BAD = [
    ({"name": ""}, "name", "Tell us your name"),
    ({"request_for": None}, "request_for", "Choose who this request is for"),
    ({"request_for": "the neighbour"}, "request_for", "Select a valid choice"),
    ({"phone": "", "email": ""}, "phone", "telephone number or an e-mail"),
    ({"phone": "call me maybe"}, "phone", "7 to 15 digits"),
    ({"phone": "12345"}, "phone", "7 to 15 digits"),
    ({"email": "not-an-address"}, "email", "e-mail address like"),
    ({"consent": None}, "consent", "Tick this box"),
    (
        {"phone": "", "may_leave_voicemail": "on"},
        "may_leave_voicemail",
        "needs a telephone",
    ),
    ({"phone": "", "may_text": "on"}, "may_text", "need a telephone"),
    ({"call_times": ["midnight"]}, "call_times", "Select a valid choice"),
    ({"name": "x" * 121}, "name", "at most 120"),
    ({"message": "x" * 1001}, "message", "1000 characters or fewer"),
    ({"name": "Nul\x00byte"}, "name", "Null characters"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_bad_input_re_renders_with_a_clear_message_and_stores_nothing(
    client: Client, site: Site, change: dict[str, Any], field: str, message: str
) -> None:
    # given
    before = _counts()
    # when
    response = client.post(URL, _good(**change))
    # then
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    page = response.content.decode()
    assert "Please check the form" in page
    assert CRISIS in page
    assert _counts() == before
    assert mail.outbox == []


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(
    client: Client, site: Site, django_capture_on_commit_callbacks: Any
) -> None:
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, _good(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:callback-thanks")
    assert _counts() == before
    assert callbacks == []
    assert mail.outbox == []


def test_spam_is_refused_even_when_the_rest_is_invalid(
    client: Client, site: Site
) -> None:
    before = _counts()
    response = client.post(URL, {"website": "buy now", "name": ""})
    assert response.status_code == 302
    assert _counts() == before


def test_the_same_request_sent_twice_is_stored_once(
    client: Client, site: Site, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _good())
        second = client.post(URL, _good(email="CANARY@example.org"))
    assert second.status_code == 302
    assert Referral.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_new_request_from_the_same_person_is_kept_and_shown_as_a_duplicate(
    client: Client, site: Site
) -> None:
    # given: a first request
    client.post(URL, _good())
    # when: a day later, the same number asks again with something new
    client.post(URL, _good(message="It has got worse.", phone="+44 7700 900123"))
    # then: both are kept; intake sees the second as a possible duplicate
    first, second = Referral.objects.order_by("id")
    assert second.phone_digits == first.phone_digits
    coordinator = _coordinator(site)
    duplicates = possible_duplicates(staff=coordinator, referral=second)
    assert duplicates.referrals == [first]


def _coordinator(site: Site) -> Staff:
    return StaffFactory(role=Role.INTAKE, site=site)


def test_a_request_for_someone_else_keeps_their_name_and_asks_their_contact_later(
    client: Client, site: Site
) -> None:
    client.post(URL, _good(request_for="someone_else", about_name="Sam", may_text="on"))
    referral = Referral.objects.get()
    assert referral.about_name == "Sam"
    assert referral.may_text
    # the caller's number is not taken to be the patient's own
    assert (referral.patient_phone, referral.patient_email) == ("", "")


def test_with_several_sites_the_person_chooses_or_goes_to_the_default(
    client: Client, settings: Any
) -> None:
    north, south = SiteFactory(name="North"), SiteFactory(name="South")
    settings.IPTCARE_INTAKE_DEFAULT_SITE = "South"
    form = client.get(URL, {"site": str(north.pk)}).context["form"]
    assert form["site"].initial == str(north.pk)
    client.post(URL, _good(site=str(north.pk)))
    client.post(URL, _good(site="", name="Someone Else"))
    assert [r.site for r in Referral.objects.order_by("id")] == [north, south]
    before = _counts()
    response = client.post(URL, _good(site="999999", name="Third"))
    assert "site" in response.context["form"].errors
    assert _counts() == before


def test_without_any_site_the_form_says_it_is_closed(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 503
    assert CRISIS in response.content.decode()


def test_the_acknowledgement_has_no_name_and_no_clinical_word(
    client: Client, site: Site, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _good(message="I drink too much and feel suicidal"))
    [message] = mail.outbox
    assert message.to == ["canary@example.org"]
    text = " ".join([message.subject, message.body, message.from_email])
    assert not CLINICAL_WORDS.search(text), CLINICAL_WORDS.search(text)
    assert "Canary" not in text and "Zebedee" not in text
    assert "We will be in touch by the end of" in message.body
    referral = Referral.objects.get()
    assert referral.acknowledged_at is not None


def test_the_acknowledgement_is_queued_only_after_the_commit_and_sent_once(
    client: Client, site: Site, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(URL, _good())
    assert mail.outbox == []  # nothing before the request is safely stored
    assert len(callbacks) == 1
    callbacks[0]()
    referral = Referral.objects.get()
    assert services.acknowledgement_send(referral_id=referral.pk) is False  # a retry
    assert len(mail.outbox) == 1


def test_no_acknowledgement_without_an_e_mail_address(
    client: Client, site: Site, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(URL, _good(email=""))
    assert callbacks == []
    assert mail.outbox == []


def test_nothing_the_person_typed_reaches_the_logs_or_the_address_bar(
    client: Client, site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses = [
        client.post(URL, _good()),
        client.post(URL, _good(phone="nonsense")),
        client.post(URL, _good(website="x")),
    ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Zebedee" not in logged
    assert "900 123" not in logged
    for response in responses:
        assert "Zebedee" not in response.get("Location", "")


class TestRateLimit:
    """Only accepted requests count. k requests with the same contact details in the
    window pass, the k+1th is refused with 429 (nothing stored, and the page says so),
    and one after the window has passed goes through (mocked time). One address has a
    generous ceiling of its own, for a shared connection."""

    START = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("UTC"))

    def test_k_plus_one_from_the_same_sender_is_refused_and_the_window_resets(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_RATE_LIMIT = 3
        settings.IPTCARE_CALLBACK_RATE_WINDOW_SECONDS = 600
        settings.IPTCARE_INTAKE_PHONE = "0300 123 4567"
        with time_machine.travel(self.START, tick=False) as traveller:
            for n in range(3):
                response = client.post(URL, _good(message=f"Request {n}"))
                assert response.status_code == 302, n
            traveller.shift(599)
            before = _counts()
            refused = client.post(URL, _good(message="Request 3"))
            assert refused.status_code == 429
            page = refused.content.decode()
            assert "has not been stored" in page
            assert "these contact details" in page
            assert 'href="tel:03001234567"' in page
            assert CRISIS in page
            assert _counts() == before
            traveller.shift(2)  # the window has closed
            assert client.post(URL, _good(message="Request 4")).status_code == 302
        assert Referral.objects.count() == 4

    def test_mistakes_and_spam_do_not_count(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_RATE_LIMIT = 1
        settings.IPTCARE_CALLBACK_ADDRESS_LIMIT = 1
        with time_machine.travel(self.START, tick=False):
            client.post(URL, _good(website="spam"))
            for _ in range(4):
                assert client.post(URL, _good(name="")).status_code == 200
            assert client.post(URL, _good()).status_code == 302
        assert Referral.objects.count() == 1

    def test_a_repeated_request_is_not_counted_twice(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_RATE_LIMIT = 2
        with time_machine.travel(self.START, tick=False):
            for _ in range(3):  # a double tap, a reload: the same request
                assert client.post(URL, _good()).status_code == 302
            assert client.post(URL, _good(message="Another")).status_code == 302
        assert Referral.objects.count() == 2

    def test_a_shared_address_takes_many_senders_up_to_its_ceiling(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_RATE_LIMIT = 1
        settings.IPTCARE_CALLBACK_ADDRESS_LIMIT = 3
        with time_machine.travel(self.START, tick=False):
            statuses = [
                client.post(
                    URL,
                    _good(name=f"Person {n}", phone=f"07700 900 20{n}", email=""),
                    REMOTE_ADDR="10.0.0.1",
                ).status_code
                for n in range(4)
            ]
            elsewhere = client.post(
                URL,
                _good(name="Other", phone="07700 900 299", email=""),
                REMOTE_ADDR="10.0.0.2",
            )
        assert statuses == [302, 302, 302, 429]
        assert elsewhere.status_code == 302

    def test_the_same_sender_is_limited_from_any_address(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_RATE_LIMIT = 1
        with time_machine.travel(self.START, tick=False):
            first = client.post(URL, _good(), REMOTE_ADDR="10.0.0.1")
            again = client.post(URL, _good(message="More"), REMOTE_ADDR="10.0.0.2")
        assert [first.status_code, again.status_code] == [302, 429]

    def test_behind_a_proxy_the_forwarded_address_counts(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_ADDRESS_LIMIT = 1
        settings.IPTCARE_TRUSTED_PROXY_COUNT = 1

        def post(n: int, address: str) -> int:
            data = _good(name=f"P{n}", phone=f"07700 900 30{n}", email="")
            return int(client.post(URL, data, HTTP_X_FORWARDED_FOR=address).status_code)

        with time_machine.travel(self.START, tick=False):
            codes = [
                post(1, "203.0.113.9"),
                post(2, "198.51.100.7"),
                post(3, "203.0.113.9"),
            ]
        assert codes == [302, 302, 429]

    def test_reading_the_form_is_never_limited(
        self, client: Client, site: Site, settings: Any
    ) -> None:
        settings.IPTCARE_CALLBACK_RATE_LIMIT = 1
        for _ in range(5):
            assert client.get(URL).status_code == 200


def test_every_public_page_shows_the_crisis_resources_first(
    client: Client, site: Site
) -> None:
    pages = [
        client.get(URL),
        client.get(reverse("referrals:callback-thanks")),
        client.post(URL, _good(name="")),
    ]
    for response in pages:
        page = response.content.decode()
        assert CRISIS in page
        # before the heading of the page itself
        assert page.index(CRISIS) < page.index("<h1")
