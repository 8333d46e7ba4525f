"""Sign-in tried as an attacker would: guessing one account from many addresses, one
address guessing many accounts, the right password on a locked account, forged
forwarded addresses, enrolling a phone with only the password, and a background poll
keeping an idle session alive."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import BACKGROUND_HEADER
from accounts.services import second_factor_reset
from accounts.tests.factories import TEST_PASSWORD
from audit.models import AuditEvent
from conftest import Clinic

pytestmark = pytest.mark.django_db
SIGN_IN = "/sign-in/"
WRONG = "not-the-password-1"


def attempt(client: Client, username: str, password: str, **headers: str) -> int:
    response = client.post(
        SIGN_IN, {"username": username, "password": password}, **headers
    )
    return response.status_code


def test_a_fresh_address_gets_no_fresh_guesses(clinic: Clinic) -> None:
    username = clinic.therapist_on_team.username
    for n in range(5):
        attempt(Client(), username, WRONG, REMOTE_ADDR=f"198.51.100.{n + 1}")
    elsewhere = Client()
    response = elsewhere.post(
        SIGN_IN,
        {"username": username, "password": TEST_PASSWORD},
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 429  # locked, even with the right password
    assert "_auth_user_id" not in elsewhere.session


def test_the_locked_page_is_the_same_whether_the_password_was_right(
    clinic: Clinic,
) -> None:
    username = clinic.therapist_on_team.username
    for _ in range(5):
        attempt(Client(), username, WRONG)
    right = Client().post(SIGN_IN, {"username": username, "password": TEST_PASSWORD})
    wrong = Client().post(SIGN_IN, {"username": username, "password": WRONG})
    assert right.status_code == wrong.status_code == 429

    def words(page: bytes) -> str:  # the page without its per-request CSRF token
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page.decode())

    assert words(right.content) == words(wrong.content)


def test_one_address_guessing_many_accounts_is_locked_out(clinic: Clinic) -> None:
    client = Client()
    for n in range(5):
        attempt(client, f"guess{n}", WRONG, REMOTE_ADDR="192.0.2.10")
    assert (
        attempt(
            client, clinic.supervisor.username, TEST_PASSWORD, REMOTE_ADDR="192.0.2.10"
        )
        == 429
    )
    # another address (another person) is not locked out by it
    assert (
        attempt(
            Client(),
            clinic.supervisor.username,
            TEST_PASSWORD,
            REMOTE_ADDR="192.0.2.11",
        )
        == 302
    )


def test_behind_the_proxy_each_client_counts_on_its_own(
    clinic: Clinic, settings: object
) -> None:
    settings.IPTCARE_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(5):
        attempt(
            Client(), f"guess{n}", WRONG, HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy
        )
    # the attacker's address is locked; a colleague behind the same proxy is not
    colleague = attempt(
        Client(),
        clinic.supervisor.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="192.0.2.20",
        **proxy,
    )
    assert colleague == 302
    # forging an address to the left of the proxy's does not escape the lock
    forged = attempt(
        Client(),
        clinic.therapist_on_team.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.10",
        **proxy,
    )
    assert forged == 429


def test_the_audit_trail_records_the_forwarded_client(
    clinic: Clinic, settings: object
) -> None:
    settings.IPTCARE_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    attempt(
        Client(),
        clinic.supervisor.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="not-an-address, 192.0.2.44",
        REMOTE_ADDR="10.0.0.1",
    )
    assert AuditEvent.objects.order_by("-id").first().ip_address == "192.0.2.44"  # type: ignore[union-attr]
    attempt(
        Client(),
        clinic.supervisor.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="<script>",
        REMOTE_ADDR="10.0.0.1",
    )
    assert AuditEvent.objects.order_by("-id").first().ip_address == "10.0.0.1"  # type: ignore[union-attr]


class TestEnrolment:
    @pytest.fixture(autouse=True)
    def _required(self, settings: object) -> None:
        settings.IPTCARE_REQUIRE_2FA = True  # type: ignore[attr-defined]

    def test_the_password_alone_never_shows_a_secret(
        self, client: Client, clinic: Clinic
    ) -> None:
        attempt(client, clinic.therapist_on_team.username, TEST_PASSWORD)
        page = client.get(reverse("accounts:setup-2fa")).content.decode()
        assert "data:image/svg+xml" not in page and "enrolment code" in page
        assert not TOTPDevice.objects.filter(user=clinic.therapist_on_team).exists()
        wrong = client.post(
            reverse("accounts:setup-2fa"), {"enrolment_code": "abcd1234"}
        )
        assert "not right" in wrong.content.decode()
        assert "data:image/svg+xml" not in wrong.content.decode()

    def test_an_enrolment_code_works_once(self, clinic: Clinic) -> None:
        code = second_factor_reset(
            actor=clinic.administrator, staff=clinic.therapist_on_team
        )
        first = Client()
        attempt(first, clinic.therapist_on_team.username, TEST_PASSWORD)
        first.post(reverse("accounts:setup-2fa"), {"enrolment_code": code})
        assert b"data:image/svg+xml" in first.get(reverse("accounts:setup-2fa")).content
        second = Client()
        attempt(second, clinic.therapist_on_team.username, TEST_PASSWORD)
        again = second.post(reverse("accounts:setup-2fa"), {"enrolment_code": code})
        assert b"data:image/svg+xml" not in again.content

    def test_a_reset_is_audited_and_refused_on_ones_own_account(
        self, clinic: Clinic
    ) -> None:
        from accounts.services import AccessChangeRefused

        with pytest.raises(AccessChangeRefused):
            second_factor_reset(actor=clinic.administrator, staff=clinic.administrator)
        second_factor_reset(actor=clinic.administrator, staff=clinic.supervisor)
        row = AuditEvent.objects.get(category="second_factor")
        assert row.actor == clinic.administrator
        assert row.object_id == str(clinic.supervisor.public_id)

    def test_the_command_line_issues_a_code(
        self, clinic: Clinic, capsys: pytest.CaptureFixture[str]
    ) -> None:
        call_command("second_factor_reset", clinic.administrator.username)
        assert "Enrolment code for administrator" in capsys.readouterr().out


def test_the_alert_poll_does_not_keep_an_idle_session_open(
    client: Client, clinic: Clinic
) -> None:
    poll = {
        "HTTP_HX_REQUEST": "true",
        f"HTTP_{BACKGROUND_HEADER.upper().replace('-', '_')}": "poll",
    }
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt(client, clinic.therapist_on_team.username, TEST_PASSWORD)
        for _ in range(15):  # a poll a minute, nobody at the keyboard
            clock.shift(timedelta(minutes=1))
            assert client.get(reverse("alerts:count"), **poll).status_code == 200
        clock.shift(timedelta(minutes=1, seconds=1))
        response = client.get(reverse("alerts:count"), **poll)
        assert response["HX-Redirect"] == reverse("accounts:sign-in")
        assert client.get(reverse("patients:caseload")).status_code == 302


def test_the_alert_poll_is_marked_as_background(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    page = client.get(reverse("alerts:count")).content.decode()
    assert BACKGROUND_HEADER in page


def test_an_address_spelled_another_way_is_the_same_address(
    clinic: Clinic, settings: object
) -> None:
    """An IPv6 address written long, upper case or with its zeros is one client: it
    cannot pass for five to escape the lock-out, and the audit trail records it as the
    database stores it, so the trail's chain still verifies (decisions/0074)."""
    from audit import services as audit

    settings.IPTCARE_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    spellings = [
        "2001:db8::7",
        "2001:DB8::7",
        "2001:0db8:0000:0000:0000:0000:0000:0007",
        "2001:db8:0:0:0:0:0:7",
        "2001:0DB8::0007",
    ]
    for n, spelling in enumerate(spellings):
        attempt(Client(), f"guess{n}", WRONG, HTTP_X_FORWARDED_FOR=spelling, **proxy)
    locked = attempt(
        Client(),
        clinic.supervisor.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="2001:DB8:0:0::7",
        **proxy,
    )
    assert locked == 429
    signed_in = attempt(
        Client(),
        clinic.therapist_on_team.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="2001:db8::8",
        **proxy,
    )
    assert signed_in == 302
    addresses = set(AuditEvent.objects.values_list("ip_address", flat=True))
    assert addresses <= {"2001:db8::7", "2001:db8::8", None}
    assert "2001:db8::8" in addresses
    assert audit.verify_chain().intact
