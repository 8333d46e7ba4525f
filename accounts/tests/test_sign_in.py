"""Signing in: lock-out, session rotation and expiry, the second factor."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import second_factor_reset
from accounts.tests.factories import TEST_PASSWORD
from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic

SIGN_IN = "/sign-in/"


def _sign_in(client: Client, username: str, password: str = TEST_PASSWORD) -> object:
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_a_clinician_signs_in_and_lands_on_the_caseload(
    client: Client, clinic: Clinic
) -> None:
    response = _sign_in(client, clinic.therapist_on_team.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:caseload")
    assert AuditEvent.objects.filter(
        actor=clinic.therapist_on_team, action=Action.SIGN_IN
    ).exists()


def test_a_wrong_password_is_refused_and_recorded(
    client: Client, clinic: Clinic
) -> None:
    response = _sign_in(client, clinic.therapist_on_team.username, "wrong-password-1")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1


def test_the_account_locks_after_five_failures(client: Client, clinic: Clinic) -> None:
    username = clinic.therapist_on_team.username
    for _ in range(5):
        _sign_in(client, username, "wrong-password-1")
    # the right password no longer works while locked
    response = _sign_in(client, username)
    assert response.status_code == 429
    assert b"Sign-in locked" in response.content
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_cool_off(client: Client, clinic: Clinic) -> None:
    username = clinic.therapist_on_team.username
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            _sign_in(client, username, "wrong-password-1")
        clock.shift(timedelta(minutes=16))
        assert _sign_in(client, username).status_code == 302


def test_signing_in_rotates_the_session_key(client: Client, clinic: Clinic) -> None:
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    _sign_in(client, clinic.therapist_on_team.username)
    assert client.session.session_key != before


def test_signing_out_kills_the_session(client: Client, clinic: Clinic) -> None:
    _sign_in(client, clinic.therapist_on_team.username)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:sign-out"))
    stale = Client()
    stale.cookies["sessionid"] = cookie
    assert stale.get(reverse("patients:caseload")).status_code == 302


def test_signing_out_needs_a_post(client: Client, clinic: Clinic) -> None:
    client.force_login(clinic.therapist_on_team)
    assert client.get(reverse("accounts:sign-out")).status_code == 405


def test_an_idle_session_ends_after_fifteen_minutes(
    client: Client, clinic: Clinic
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic.therapist_on_team.username)
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("patients:caseload")).status_code == 200
        clock.shift(timedelta(minutes=16))
        assert client.get(reverse("patients:caseload")).status_code == 302


def test_a_busy_session_still_ends_after_twelve_hours(
    client: Client, clinic: Clinic
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, clinic.therapist_on_team.username)
        for _ in range(13 * 6):  # a page every ten minutes keeps it from idling out
            clock.shift(timedelta(minutes=10))
            response = client.get(reverse("patients:caseload"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


@pytest.fixture
def second_factor_required(settings: object) -> None:
    settings.IPTCARE_REQUIRE_2FA = True  # type: ignore[attr-defined]


@pytest.mark.usefixtures("second_factor_required")
class TestSecondFactor:
    def test_staff_must_enrol_before_seeing_anything(
        self, client: Client, clinic: Clinic
    ) -> None:
        _sign_in(client, clinic.therapist_on_team.username)
        response = client.get(reverse("patients:caseload"))
        assert response["Location"] == reverse("accounts:verify")
        assert client.get(reverse("accounts:verify"))["Location"] == reverse(
            "accounts:setup-2fa"
        )

    def test_enrolling_an_app_signs_in_and_gives_backup_codes(
        self, client: Client, clinic: Clinic
    ) -> None:
        code = second_factor_reset(
            actor=clinic.administrator, staff=clinic.therapist_on_team
        )
        _sign_in(client, clinic.therapist_on_team.username)
        client.post(reverse("accounts:setup-2fa"), {"enrolment_code": code})
        page = client.get(reverse("accounts:setup-2fa"))
        assert b"data:image/svg+xml" in page.content  # the QR code, drawn here
        device = TOTPDevice.objects.get(user=clinic.therapist_on_team)
        # a wrong code changes nothing
        wrong = client.post(reverse("accounts:setup-2fa"), {"otp_token": "000000"})
        assert b"not right" in wrong.content
        device.refresh_from_db()
        assert device.confirmed is False
        # a failure slows the next try (django-otp throttling): wait it out
        with time_machine.travel(timezone.now() + timedelta(seconds=5)):
            code = f"{totp(device.bin_key):06d}"
            response = client.post(reverse("accounts:setup-2fa"), {"otp_token": code})
        assert b"backup codes" in response.content
        assert client.get(reverse("patients:caseload")).status_code == 200

    def test_a_second_sign_in_asks_for_the_code(
        self, client: Client, clinic: Clinic
    ) -> None:
        device = TOTPDevice.objects.create(
            user=clinic.therapist_on_team, name="app", confirmed=True
        )
        _sign_in(client, clinic.therapist_on_team.username)
        assert client.get(reverse("patients:caseload")).status_code == 302
        bad = client.post(reverse("accounts:verify"), {"otp_token": "123456"})
        assert b"not right" in bad.content
        with time_machine.travel(timezone.now() + timedelta(seconds=5)):
            code = f"{totp(device.bin_key):06d}"
            client.post(reverse("accounts:verify"), {"otp_token": code})
            assert client.get(reverse("patients:caseload")).status_code == 200


def test_the_second_factor_is_off_in_the_demo_and_tests(settings: object) -> None:
    assert settings.IPTCARE_REQUIRE_2FA is False  # type: ignore[attr-defined]


@pytest.mark.parametrize("password", ["short", "password1234", "123456789012"])
def test_weak_passwords_are_refused(clinic: Clinic, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, clinic.therapist_on_team)
