"""The supervisor's caseload review: why each patient of the team needs a look, and
in what order. Plain functions over plain facts (no Django); ``supervision.selectors``
gathers the facts.

A patient is on the list for any of: an escalated alert, an unacknowledged alert, a
course not on track (``outcomes.calculations.track_status``), two or more missed
sessions in the open course, or a course that has used its contracted sessions and is
still open. The list is sorted by the most urgent reason, then by how many reasons,
then by how long the oldest reason has stood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum

MISSED_SESSIONS = 2


class Why(IntEnum):
    """Reasons, most urgent first (the value is the sort weight)."""

    ESCALATED_ALERT = 100
    URGENT_ALERT = 90
    DETERIORATION = 70
    SAME_DAY_ALERT = 60
    NOT_ON_TRACK = 50
    MISSED_SESSIONS = 40
    ROUTINE_ALERT = 30
    PAST_CONTRACT = 20


@dataclass(frozen=True)
class OpenAlert:
    urgency: int  # alerts.choices.Urgency: 1 routine, 2 same day, 3 urgent
    kind: str
    reason: str
    raised_at: datetime  # on the clinic's clock: its date is the local day
    escalated: bool


@dataclass(frozen=True)
class TrackFact:
    instrument: str
    on_track: bool | None
    deterioration: bool
    reason: str


@dataclass(frozen=True)
class PatientFacts:
    """What the record says about one patient's open course and alerts."""

    alerts: tuple[OpenAlert, ...] = ()
    tracks: tuple[TrackFact, ...] = ()
    missed_sessions: int = 0
    last_missed_on: date | None = None
    sessions_attended: int = 0
    sessions_planned: int = 0
    course_open: bool = False


@dataclass(frozen=True)
class Reason:
    why: Why
    text: str
    since: date | None = None


def reasons(facts: PatientFacts) -> list[Reason]:
    """Every reason this patient is on the review list, most urgent first; an empty
    list keeps them off it."""
    out: list[Reason] = []
    for alert in facts.alerts:
        day = alert.raised_at.date()
        if alert.escalated:
            why = Why.ESCALATED_ALERT
            text = f"Escalated {alert.kind} alert, not acknowledged: {alert.reason}"
        else:
            why = {3: Why.URGENT_ALERT, 2: Why.SAME_DAY_ALERT}.get(
                alert.urgency, Why.ROUTINE_ALERT
            )
            text = f"Unacknowledged {alert.kind} alert: {alert.reason}"
        out.append(Reason(why, text, day))
    for track in facts.tracks:
        if track.on_track is False:
            why = Why.DETERIORATION if track.deterioration else Why.NOT_ON_TRACK
            out.append(
                Reason(why, f"Not on track ({track.instrument}): {track.reason}")
            )
    if facts.course_open and facts.missed_sessions >= MISSED_SESSIONS:
        last = (
            f", last on {facts.last_missed_on:%-d %b %Y}"
            if facts.last_missed_on
            else ""
        )
        out.append(
            Reason(
                Why.MISSED_SESSIONS,
                f"Missed {facts.missed_sessions} sessions of this course{last}.",
                facts.last_missed_on,
            )
        )
    if (
        facts.course_open
        and facts.sessions_planned
        and facts.sessions_attended >= facts.sessions_planned
    ):
        out.append(
            Reason(
                Why.PAST_CONTRACT,
                f"All {facts.sessions_planned} contracted sessions held and the course "
                "is still open: end it, or extend it with a reason.",
            )
        )
    return sorted(out, key=lambda r: -r.why)


def urgency_key(found: Sequence[Reason]) -> tuple[int, int, date]:
    """Sort key, ascending: the most urgent reason, then the most reasons, then the
    oldest (a reason with no date sorts after dated ones of the same weight)."""
    oldest = min((r.since for r in found if r.since), default=date.max)
    return (-max(r.why for r in found), -len(found), oldest)
