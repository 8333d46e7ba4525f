"""The alerts of the demo clinic, as the jobs would have raised them: one per risk
answer (open ones still open, a few of those escalated; the rest acknowledged with an
action), and one per open course that is not on track on the PHQ-9 or GAD-7.

Deterministic for a given generator, bulk-inserted (a handful of queries whatever the
size), and built by the same rule functions as the real thing, so the demo's inbox
reads as a clinic's would.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Staff
from alerts import rules
from alerts.choices import ActionTaken, SourceType, Urgency
from alerts.models import Alert
from alerts.services import escalation_due_before, risk_answer_of
from ipt.choices import Phase
from ipt.models import Course
from iptcare.lib.bulk import insert_objects
from measures.models import RiskEvent
from outcomes import calculations as calc
from outcomes.definitions import alerting_instruments, rules_for
from outcomes.services import course_scores, in_chunks

ACTIONS = [
    ActionTaken.SAFETY_PLAN_REVIEWED,
    ActionTaken.CALLED_PATIENT,
    ActionTaken.RISK_ASSESSMENT,
    ActionTaken.DISCUSSED_IN_SESSION,
]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _supervisors() -> dict[int, Staff]:
    """The first supervisor of each team, by team id (one query)."""
    by_team: dict[int, Staff] = {}
    for staff in (
        Staff.objects.filter(role=Role.SUPERVISOR, is_active=True)
        .prefetch_related(Prefetch("teams"))
        .order_by("id")
    ):
        for team in staff.teams.all():
            by_team.setdefault(team.pk, staff)
    return by_team


def _risk_alerts(
    rng: random.Random, now: datetime, courses: dict[int, int]
) -> list[Alert]:
    supervisors = _supervisors()
    overdue = escalation_due_before(now)
    alerts = []
    events = (
        RiskEvent.objects.filter(patient__isnull=False)
        .select_related("administration", "patient", "acknowledged_by")
        .order_by("id")
    )
    for event in events:
        finding = rules.risk_answer(risk_answer_of(event))
        created = event.created_at
        alert = Alert(
            public_id=_uuid(rng),
            patient=event.patient,
            course_id=courses.get(event.patient_id or 0),
            kind=finding.kind,
            rule=finding.rule,
            urgency=finding.urgency,
            source_type=SourceType.RISK_EVENT,
            source_key=str(event.pk),
            reason=finding.reason,
        )
        if event.acknowledged_at is not None:
            alert.acknowledged_at = event.acknowledged_at
            alert.acknowledged_by_id = event.acknowledged_by_id
            alert.action_taken = rng.choice(ACTIONS)
        elif finding.urgency == Urgency.URGENT and created <= overdue:
            supervisor = supervisors.get(event.patient.team_id)  # type: ignore[union-attr]
            alert.escalated_at = created + timedelta(
                minutes=settings.IPTCARE_ALERT_ESCALATE_AFTER_MINUTES + 3
            )
            alert.escalated_to = supervisor
        alerts.append(alert)
        alert._demo_created = created  # type: ignore[attr-defined]
    return alerts


def _not_on_track_alerts(rng: random.Random, now: datetime) -> list[Alert]:
    instruments = alerting_instruments()
    open_courses = list(
        Course.objects.exclude(phase=Phase.ENDED)
        .select_related("patient")
        .order_by("id")
    )
    alerts = []
    for chunk in in_chunks(open_courses):
        scores = course_scores(chunk, instruments)
        for course in chunk:
            for instrument_id in instruments:
                rules_ = rules_for(instrument_id)
                points = scores.get((course.pk, instrument_id), [])
                if rules_ is None or len(points) < 2:
                    continue
                history = calc.track_history(
                    rules_,
                    points,
                    minimum_courses=settings.IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES,
                    by_session=settings.IPTCARE_OUTCOMES_STATED_RULE_SESSION,
                )
                fired = calc.first_fired(history)
                for rule, status in fired.items():
                    finding = rules.not_on_track(rules_.name, rule.value, status.reason)
                    alert = Alert(
                        public_id=_uuid(rng),
                        patient=course.patient,
                        course=course,
                        kind=finding.kind,
                        rule=finding.rule,
                        urgency=finding.urgency,
                        source_type=SourceType.COURSE,
                        source_key=f"{course.pk}:{instrument_id}:{rule.value}",
                        reason=finding.reason,
                    )
                    index = history.index(status) + 1
                    when = points[index].when
                    alert._demo_created = (  # type: ignore[attr-defined]
                        when if isinstance(when, datetime) else now
                    ) + timedelta(hours=1)
                    alerts.append(alert)
    return alerts


def _insert(alerts: list[Alert], created: dict[uuid.UUID, datetime]) -> None:
    """One statement for every alert, with the dates of their events (``bulk_create``
    would stamp them all "now" and split the batch at SQLite's parameter limit)."""
    for alert in alerts:
        alert.created_at = alert.updated_at = created[alert.public_id]
    insert_objects(alerts, stamp=False)


def load_alerts(rng: random.Random) -> int:
    """Raise the demo clinic's alerts in bulk; return how many."""
    now = timezone.now()
    courses = dict(
        Course.objects.exclude(phase=Phase.ENDED).values_list("patient_id", "id")
    )
    alerts = _risk_alerts(rng, now, courses) + _not_on_track_alerts(rng, now)
    created = {a.public_id: min(a._demo_created, now) for a in alerts}  # type: ignore[attr-defined]
    if alerts:
        _insert(alerts, created)
    return len(alerts)
