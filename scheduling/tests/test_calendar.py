"""The clinician's private iCalendar feed and the patient's .ics file, parsed back with
the icalendar library: initials and "session", never names or clinical words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEvent
from conftest import Clinic
from ipt.tests.factories import GroupFactory
from scheduling import messaging, services
from scheduling.models import CalendarFeed
from scheduling.tests.factories import booked, group_booked

pytestmark = pytest.mark.django_db


def _feed_url(token: str) -> str:
    return reverse("scheduling:feed", kwargs={"token": token})


def _events(body: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(body)
    return [
        {
            "summary": str(event.get("summary")),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "location": str(event.get("location", "")),
            "uid": str(event.get("uid")),
        }
        for event in calendar.walk("VEVENT")
    ]


def test_the_feed_parses_and_carries_initials_not_names(
    client: Client, clinic: Clinic
) -> None:
    # given: a session with Canary Zebedee and a group session
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    appointment = booked(
        clinic.patient, clinic.therapist_on_team, starts_at=starts, place="Room 3"
    )
    group = GroupFactory(team=clinic.team_a, facilitators=[clinic.therapist_on_team])
    group_booked(group, clinic.therapist_on_team, starts_at=starts + timedelta(hours=3))
    booked(clinic.patient_other_site, clinic.therapist_other_site)  # not this feed
    token = services.feed_create(staff=clinic.therapist_on_team)
    # when: the calendar app fetches it, signed in to nothing
    response = client.get(_feed_url(token))
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert [e["summary"] for e in events] == ["Session C.Z.", "Group session (0)"]
    first = events[0]
    assert first["start"] == starts.astimezone(UTC)
    assert first["end"] == starts.astimezone(UTC) + timedelta(minutes=50)
    assert first["location"] == "Room 3"
    assert first["uid"].startswith(str(appointment.public_id))
    body = response.content.decode()
    for value in ("Canary", "Zebedee", clinic.patient.record_number):
        assert value not in body
    lowered = body.lower().replace("-//ipt care//appointments//en", "")
    for word in messaging.CLINICAL_WORDS:
        assert word not in lowered, word


def test_the_feed_is_audited_once_per_fetch(client: Client, clinic: Clinic) -> None:
    token = services.feed_create(staff=clinic.therapist_on_team)
    client.get(_feed_url(token))
    row = AuditEvent.objects.filter(category="calendar_feed", action="export").get()
    assert row.actor == clinic.therapist_on_team
    assert row.patient is None


def test_only_the_tokens_digest_is_stored(clinic: Clinic) -> None:
    token = services.feed_create(staff=clinic.therapist_on_team)
    feed = CalendarFeed.objects.get()
    assert token not in feed.token_hash
    assert len(feed.token_hash) == 64


def test_a_revoked_token_answers_404(client: Client, clinic: Clinic) -> None:
    token = services.feed_create(staff=clinic.therapist_on_team)
    services.feed_revoke(staff=clinic.therapist_on_team)
    assert client.get(_feed_url(token)).status_code == 404


def test_a_new_address_revokes_the_old_one(client: Client, clinic: Clinic) -> None:
    old = services.feed_create(staff=clinic.therapist_on_team)
    new = services.feed_create(staff=clinic.therapist_on_team)
    assert client.get(_feed_url(old)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_an_unknown_token_or_an_inactive_clinician_answers_404(
    client: Client, clinic: Clinic
) -> None:
    assert client.get(_feed_url("not-a-real-token")).status_code == 404
    token = services.feed_create(staff=clinic.therapist_on_team)
    clinic.therapist_on_team.is_active = False
    clinic.therapist_on_team.save()
    assert client.get(_feed_url(token)).status_code == 404


def test_the_feed_settings_page_shows_the_address_once_and_revokes(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_on_team)
    url = reverse("scheduling:feed-settings")
    made = client.post(url, {"action": "create"})
    address = made.context["url"]
    assert "/calendar/" in address and address.endswith(".ics")
    assert address not in client.get(url).content.decode()  # shown once
    client.post(url, {"action": "revoke"})
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(_feed_url(token)).status_code == 404


def test_the_patients_ics_holds_their_booked_sessions(
    client: Client, clinic: Clinic
) -> None:
    booked(clinic.patient, clinic.therapist_on_team, place="Room 3")
    booked(
        clinic.patient,
        clinic.therapist_on_team,
        starts_at=timezone.now() + timedelta(days=8),
        status="cancelled",
    )
    booked(clinic.patient_other_site, clinic.therapist_other_site)
    client.force_login(clinic.therapist_on_team)
    response = client.get(
        reverse("scheduling:patient-ics", args=[clinic.patient.public_id])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    events = _events(response.content)
    assert [e["summary"] for e in events] == ["Session"]
    assert "Zebedee" not in response.content.decode()
    row = AuditEvent.objects.filter(patient=clinic.patient).latest("id")
    assert (row.action, row.category) == ("export", "calendar")


def test_feed_times_survive_a_clock_change(client: Client, clinic: Clinic) -> None:
    # 18:00 London on both sides of the October change
    traveller = time_machine.travel(datetime(2026, 10, 1, tzinfo=UTC), tick=False)
    traveller.start()
    before = datetime(2026, 10, 22, 17, tzinfo=UTC)  # BST
    after = datetime(2026, 10, 29, 18, tzinfo=UTC)  # GMT
    for starts in (before, after):
        booked(clinic.patient, clinic.therapist_on_team, starts_at=starts)
    token = services.feed_create(staff=clinic.therapist_on_team)
    events = _events(client.get(_feed_url(token)).content)
    traveller.stop()
    starts_utc = [e["start"] for e in events]
    assert starts_utc == [before, after]
