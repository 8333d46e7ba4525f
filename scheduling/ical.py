"""iCalendar files (RFC 5545) from plain data, with the ``icalendar`` library (no
Django imports).

What a calendar carries leaves the clinic: it is synced to phones and shared
calendars. So an event says "Session" (or "Group session") and the patient's initials,
the time, the place or video link — never a name, a diagnosis or a clinical word. The
callers build ``CalendarEvent`` values that way; ``to_ics`` only writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODUCT_ID = "-//IPT Care//Appointments//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0
    stamp: datetime | None = None


def to_ics(
    events: Iterable[CalendarEvent], *, name: str, refresh_minutes: int = 60
) -> bytes:
    """One VCALENDAR with a VEVENT per event; times in UTC, which every client reads."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", f"PT{refresh_minutes}M")
    now = datetime.now(UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", (item.stamp or now).astimezone(UTC))
        event.add("dtstart", item.starts_at.astimezone(UTC))
        event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
            event.add("description", f"Join: {item.url}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
