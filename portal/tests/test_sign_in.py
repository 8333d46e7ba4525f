"""Signing in: a single-use link that expires, confirmed with the date of birth; the
token kept only as a digest; the session ends after inactivity; patient A never
reaches patient B."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from iptcare.lib.tokens import token_digest
from portal.choices import LinkChannel
from portal.models import PortalLink
from portal.services import links
from portal.tests.conftest import sign_in_patient

pytestmark = pytest.mark.django_db


def _dob(patient, shift_days: int = 0) -> dict[str, int]:  # type: ignore[no-untyped-def]
    day = patient.date_of_birth + dt.timedelta(days=shift_days)
    return {"day": day.day, "month": day.month, "year": day.year}


def _open(client: Client, issued: links.IssuedLink) -> None:
    response = client.get(issued.path)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign-in")  # token leaves the URL


def test_the_token_is_stored_only_as_its_digest(clinic: Clinic) -> None:
    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    row = PortalLink.objects.get()
    assert row.token_digest == token_digest(issued.token)
    assert issued.token not in str(PortalLink.objects.values().get())


def test_link_and_date_of_birth_sign_in_once(client: Client, clinic: Clinic) -> None:
    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    _open(client, issued)
    response = client.post(reverse("portal:sign-in"), _dob(clinic.patient))
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    # the same link a second time, in another browser: spent
    other = Client()
    _open(other, issued)
    page = other.get(reverse("portal:sign-in"))
    assert page.status_code == 410
    assert "This link no longer works" in page.content.decode()


def test_an_expired_link_opens_nothing(client: Client, clinic: Clinic) -> None:
    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        _open(client, issued)
        page = client.post(reverse("portal:sign-in"), _dob(clinic.patient))
        assert page.status_code == 410
        assert client.get(reverse("portal:home")).status_code == 302


def test_a_tablet_code_lasts_minutes_not_hours(client: Client, clinic: Clinic) -> None:
    issued = links.link_issue(patient=clinic.patient, channel="tablet", by=None)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert links.link_for_digest(token_digest(issued.token)) is None


def test_a_wrong_date_of_birth_is_refused_and_five_spend_the_link(
    client: Client, clinic: Clinic
) -> None:
    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    _open(client, issued)
    for _ in range(4):
        page = client.post(reverse("portal:sign-in"), _dob(clinic.patient, 1))
        assert page.status_code == 200
        assert "does not match our records" in page.content.decode()
        assert client.get(reverse("portal:home")).status_code == 302
    page = client.post(reverse("portal:sign-in"), _dob(clinic.patient, 1))
    assert page.status_code == 410
    # now even the right date does nothing
    _open(client, issued)
    assert (
        client.post(reverse("portal:sign-in"), _dob(clinic.patient)).status_code == 410
    )
    assert PortalLink.objects.get().revoked_at is not None
    failures = AuditEvent.objects.filter(
        patient=clinic.patient, action="sign_in_failed"
    )
    assert failures.count() == 5


def test_bad_date_input_gets_a_clear_error(client: Client, clinic: Clinic) -> None:
    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    _open(client, issued)
    for bad in [{"day": 31, "month": 2, "year": 1990}, {"day": "x"}, {}]:
        page = client.post(reverse("portal:sign-in"), bad)
        assert page.status_code == 200
        assert "There is a problem" in page.content.decode(), (
            bad,
            page.content.decode()[page.content.decode().find("<main") :][:600],
        )
    assert PortalLink.objects.get().failed_attempts == 0


def test_an_unknown_token_looks_like_a_spent_one(
    client: Client, clinic: Clinic
) -> None:
    client.get("/portal/link/not-a-real-token/")
    page = client.get(reverse("portal:sign-in"))
    assert page.status_code == 410


def test_the_session_ends_after_inactivity(client: Client, clinic: Clinic) -> None:
    sign_in_patient(client, clinic.patient)
    now = timezone.now()
    with time_machine.travel(now + dt.timedelta(minutes=14)):
        assert client.get(reverse("portal:home")).status_code == 200
    with time_machine.travel(now + dt.timedelta(minutes=30)):
        response = client.get(reverse("portal:home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:start")


def test_a_shorter_portal_idle_limit_signs_out_and_says_so(
    client: Client, clinic: Clinic, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.IPTCARE_PORTAL_IDLE_MINUTES = 5
    sign_in_patient(client, clinic.patient)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert client.get(reverse("portal:home")).status_code == 302
        page = client.get(reverse("portal:start")).content.decode()
        assert "You were signed out" in page


def test_the_session_ends_after_the_absolute_limit(
    client: Client, clinic: Clinic, settings
) -> None:  # type: ignore[no-untyped-def]
    sign_in_patient(client, clinic.patient)
    start = timezone.now()
    for minutes in range(10, 4 * 60, 10):  # busy all along
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            assert client.get(reverse("portal:home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=4, minutes=5)):
        assert client.get(reverse("portal:home")).status_code == 302


def test_signing_in_to_the_portal_ends_a_staff_session(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    sign_in_patient(client, clinic.patient)
    assert client.get(reverse("patients:caseload")).status_code == 302


def test_a_staff_session_is_not_a_portal_session(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    assert client.get(reverse("portal:home")).status_code == 302


def test_sign_out(client: Client, clinic: Clinic) -> None:
    sign_in_patient(client, clinic.patient)
    client.post(reverse("portal:sign-out"))
    assert client.get(reverse("portal:home")).status_code == 302


def test_sign_in_attempts_are_rate_limited(
    client: Client, clinic: Clinic, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.IPTCARE_PORTAL_RATE_LIMIT = 3
    settings.IPTCARE_PORTAL_DOB_ATTEMPTS = 50
    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    _open(client, issued)
    for _ in range(3):
        assert (
            client.post(reverse("portal:sign-in"), _dob(clinic.patient, 1)).status_code
            == 200
        )
    assert (
        client.post(reverse("portal:sign-in"), _dob(clinic.patient)).status_code == 429
    )
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        pass  # the window is kept by the cache's own clock; see the callback tests


def test_asking_for_a_link_sends_it_to_the_contact_on_record_only(
    client: Client, clinic: Clinic, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    patient = clinic.patient
    patient.email = "canary@example.org"
    patient.save()
    form = {"contact": "CANARY@example.org", **_dob(patient)}
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("portal:request-link"), form)
    assert page.status_code == 200 and "Check your messages" in page.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["canary@example.org"]
    body = mail.outbox[0].body
    assert "Zebedee" not in body and "/portal/link/" in body
    # wrong date of birth: the same answer, and nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post(
            reverse("portal:request-link"), {**form, **_dob(patient, 2)}
        )
    assert wrong.content.decode().count("Check your messages") >= 1
    assert len(mail.outbox) == 1


def test_a_sent_link_signs_the_patient_in(
    client: Client, clinic: Clinic, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    patient = clinic.patient
    patient.email = "canary@example.org"
    patient.save()
    with_self = Client()
    with_self.force_login(clinic.therapist_on_team)
    with django_capture_on_commit_callbacks(execute=True):
        with_self.post(
            reverse("portal:staff-access", args=[patient.public_id]),
            {"channel": LinkChannel.EMAIL},
        )
    assert len(mail.outbox) == 1
    path = next(w for w in mail.outbox[0].body.split() if "/portal/link/" in w)
    client.get(path.replace("http://127.0.0.1:8000", ""))
    assert client.post(reverse("portal:sign-in"), _dob(patient)).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_the_session_holds_the_links_digest_never_the_token(
    client: Client, clinic: Clinic
) -> None:
    from django.contrib.sessions.models import Session

    issued = links.link_issue(patient=clinic.patient, channel="email", by=None)
    _open(client, issued)
    stored = [str(session.get_decoded()) for session in Session.objects.all()]
    assert stored and not any(issued.token in data for data in stored)
    assert any(token_digest(issued.token) in data for data in stored)


def test_one_tablet_code_is_live_at_a_time(client: Client, clinic: Clinic) -> None:
    first = links.link_issue(patient=clinic.patient, channel="tablet", by=None)
    emailed = links.link_issue(patient=clinic.patient, channel="email", by=None)
    second = links.link_issue(patient=clinic.patient, channel="tablet", by=None)
    assert links.link_for_digest(token_digest(first.token)) is None
    assert links.link_for_digest(token_digest(second.token)) is not None
    # a link sent by e-mail is the patient's own, and stays
    assert links.link_for_digest(token_digest(emailed.token)) is not None
    other = links.link_issue(
        patient=clinic.patient_other_site, channel="tablet", by=None
    )
    assert links.link_for_digest(token_digest(second.token)) is not None
    assert links.link_for_digest(token_digest(other.token)) is not None
