"""Appointment times on the clocks of the site they were booked in, and the patient
page's upcoming sessions (``{% upcoming_sessions patient %}``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import dateformat

from scheduling import recurrence, selectors
from scheduling.models import Appointment

register = template.Library()

DEFAULT_FORMAT = "D j M Y, H:i"


@register.filter
def starts(appointment: Appointment, fmt: str = DEFAULT_FORMAT) -> str:
    """``{{ appointment|starts:"H:i" }}``: the start on the site's clocks."""
    return dateformat.format(appointment.local_starts_at, fmt)


@register.filter
def ends(appointment: Appointment, fmt: str = "H:i T") -> str:
    """``{{ appointment|ends }}``: the end on the site's clocks, with the zone's
    abbreviation (GMT, BST, EST…)."""
    return dateformat.format(appointment.local_ends_at, fmt)


@register.filter
def wall(instant: datetime | None, zone: str | None) -> str:
    """``{{ instant|wall:zone }}``: an instant on the clocks of ``zone``."""
    if instant is None:
        return ""
    return dateformat.format(recurrence.local(instant, zone or "UTC"), "D j M, H:i")


@register.inclusion_tag("scheduling/_patient_upcoming.html", takes_context=True)
def upcoming_sessions(context: template.Context, patient: Any) -> dict[str, Any]:
    """The patient page's next sessions (one query) and links to the rest."""
    return {
        "patient": patient,
        "access": context.get("access"),
        "upcoming": selectors.patient_upcoming(patient=patient),
    }
