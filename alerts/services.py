"""Raising, acknowledging and escalating alerts.

Every alert is raised by ``alert_raise`` from a rule's ``Finding`` (``alerts.rules``)
and a source key, so it is raised once per source event: the key is unique in the
database, and a second call — the same job run twice, two workers at once — returns
``None``. Nothing here runs on a page view: the periodic jobs in ``alerts.tasks`` and
``outcomes.tasks`` call the ``alerts_from_*`` scanners, and the patient portal will
call ``alerts_raise_for_diary`` when a diary entry is saved (docs/alerts.md).

Writes are audited (category ``alert``) with codes only — kind, rule, urgency, action —
never the reason or the note. E-mails carry no patient details, only a link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.choices import CareTeamRole, Role
from alerts import rules
from alerts.choices import ActionTaken, SourceType, Urgency
from alerts.models import Alert, DutyShift
from audit import services as audit
from audit.choices import Action
from ipt.choices import Phase
from ipt.models import Course, CourseSession
from ipt.schedule import due_before_session
from iptcare.lib.dates import shifted
from measures.models import Administration, RiskEvent, instrument_for

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

logger = logging.getLogger(__name__)
CATEGORY = "alert"
SCAN_BATCH = 500
ENGAGEMENT_WINDOW = timedelta(days=14)
"""Engagement signals older than this when first seen are history, not news."""


class AcknowledgeRefused(ValidationError):
    """The alert is closed already, or the action taken is missing."""


# --- Raising ----------------------------------------------------------------------


def alert_raise(
    *,
    patient: Patient,
    finding: rules.Finding,
    source_type: SourceType,
    source_key: str,
    course: Course | None = None,
) -> Alert | None:
    """Raise the alert for one source event, or return ``None`` if it was raised
    before. Urgent and same-day alerts e-mail the care team once committed."""
    key = {"source_type": source_type, "source_key": source_key[:100]}
    if Alert.objects.filter(**key).exists():
        return None
    alert = Alert(
        patient=patient,
        course=course,
        kind=finding.kind,
        rule=finding.rule[:64],
        urgency=finding.urgency,
        reason=finding.reason,
        **key,
    )
    alert.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            alert.save()
            audit.record(
                actor=None,
                action=Action.CREATE,
                category=CATEGORY,
                patient=patient,
                object_id=str(alert.public_id),
                detail=(
                    f"kind={alert.kind}; rule={alert.rule}; urgency={alert.urgency}; "
                    f"source={source_type}"
                ),
            )
    except IntegrityError:  # raised by someone else between the check and the save
        return None
    if alert.urgency >= Urgency.SAME_DAY:
        from alerts import tasks

        responsible_clinician_name(patient=patient)
        transaction.on_commit(lambda: tasks.alert_notify(alert.pk, "raised"))
    return alert


# --- The duty clinician -----------------------------------------------------------


def duty_clinician(*, site_id: int, at: datetime | None = None) -> Staff | None:
    """The clinician on the site's duty rota at ``at`` (now by default): of shifts that
    overlap, the one that started last (a cover shift inside a longer one)."""
    at = at or timezone.now()
    shift = (
        DutyShift.objects.filter(
            site_id=site_id,
            starts_at__lte=at,
            ends_at__gt=at,
            clinician__is_active=True,
        )
        .select_related("clinician")
        .order_by("-starts_at", "-id")
        .first()
    )
    return shift.clinician if shift is not None else None


def responsible_clinician_name(*, patient: Patient) -> Staff | None:
    """Make sure an alert that must reach someone today has a clinician to reach: a
    patient nobody is treating yet (on the waiting list, just accepted) gets the site's
    duty clinician on the care team, so the alert is in their inbox and e-mailed to
    them at once rather than seen by a supervisor at the escalation. Returns the
    clinician added, or ``None`` when the care team has one already or nobody is on
    duty (the supervisors are then told at once, see ``_recipients``)."""
    from patients.models import CareTeamMember

    treating = CareTeamMember.objects.filter(
        patient=patient,
        staff__is_active=True,
        staff__role__in=[Role.CLINICIAN, Role.SUPERVISOR],
    )
    if treating.exists():
        return None
    clinician = duty_clinician(site_id=patient.team.site_id)
    if clinician is None:
        return None
    CareTeamMember.objects.get_or_create(
        patient=patient, staff=clinician, defaults={"role": CareTeamRole.CLINICIAN}
    )
    audit.record(
        actor=None,
        action=Action.CREATE,
        category="care_team",
        patient=patient,
        object_id=str(clinician.public_id),
        detail="role=clinician; reason=duty clinician for an alert",
    )
    return clinician


def _site_supervisors(site_id: int) -> list[Staff]:
    from accounts.models import Staff

    return list(
        Staff.objects.filter(
            role=Role.SUPERVISOR, is_active=True, teams__site_id=site_id
        )
        .distinct()
        .order_by("id")
    )


def _referral_link(referral_public_id: object) -> str:
    path = reverse("referrals:detail", kwargs={"public_id": referral_public_id})
    base = getattr(settings, "IPTCARE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


def intake_risk_notify(*, referral_id: int) -> int:
    """A risk answer at an intake screening, before the person has a record: tell the
    site's duty clinician at once (failing one, its supervisors), name them on the
    request, and let them open it. Returns the number of messages sent."""
    from referrals.models import Referral

    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("patient")
            .filter(pk=referral_id)
            .first()
        )
        if referral is None or referral.risk_notified_at is not None:
            return 0
        clinician = duty_clinician(site_id=referral.site_id)
        people = [clinician] if clinician is not None else []
        if not people:
            people = _site_supervisors(referral.site_id)
        referral.risk_clinician = people[0] if people else None
        referral.risk_notified_at = timezone.now()
        referral.save(
            update_fields=["risk_clinician", "risk_notified_at", "updated_at"]
        )
        recipients = sorted({p.email for p in people if p.email})
        audit.record(
            actor=None,
            action=Action.CREATE,
            category="alert_notification",
            patient=referral.patient,
            object_id=str(referral.public_id),
            detail=(
                "event=intake_risk; "
                f"to={referral.risk_clinician.public_id if referral.risk_clinician else '-'}; "
                f"duty={'yes' if clinician else 'no'}; recipients={len(recipients)}"
            ),
        )
        if not people:
            logger.warning(
                "Request %s has a risk answer and its site has nobody on duty "
                "and no supervisor.",
                referral.public_id,
            )
    body = render_to_string(
        "alerts/email/intake_risk.txt",
        {
            "event": "raised",
            "link": _referral_link(referral.public_id),
            "organisation": settings.IPTCARE_ORGANISATION,
        },
    )
    for address in recipients:
        send_mail(
            "IPT Care: a risk answer at an intake screening", body, None, [address]
        )
    return len(recipients)


def intake_risks_escalate_overdue(*, now: datetime | None = None) -> int:
    """A risk answer at screening still open, on a request not yet accepted,
    ``IPTCARE_ALERT_ESCALATE_AFTER_MINUTES`` after it was given: e-mail the site's
    supervisors, once, as an urgent alert escalates."""
    from referrals.models import Referral

    now = now or timezone.now()
    open_risk = RiskEvent.objects.filter(
        administration__screening__referral=OuterRef("pk"),
        acknowledged_at__isnull=True,
        patient__isnull=True,
        created_at__lte=escalation_due_before(now),
    )
    due = list(
        Referral.objects.filter(risk_escalated_at__isnull=True, patient__isnull=True)
        .filter(Exists(open_risk))
        .order_by("id")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    escalated = 0
    for pk in due:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update()
                .filter(pk=pk, risk_escalated_at__isnull=True)
                .first()
            )
            if referral is None:
                continue
            referral.risk_escalated_at = now
            referral.save(update_fields=["risk_escalated_at", "updated_at"])
            supervisors = _site_supervisors(referral.site_id)
            recipients = sorted({p.email for p in supervisors if p.email})
            audit.record(
                actor=None,
                action=Action.UPDATE,
                category="alert_notification",
                patient=None,
                object_id=str(referral.public_id),
                detail=f"event=intake_risk_escalated; recipients={len(recipients)}",
            )
            body = render_to_string(
                "alerts/email/intake_risk.txt",
                {
                    "event": "escalated",
                    "minutes": settings.IPTCARE_ALERT_ESCALATE_AFTER_MINUTES,
                    "link": _referral_link(referral.public_id),
                    "organisation": settings.IPTCARE_ORGANISATION,
                },
            )
            transaction.on_commit(
                lambda body=body, recipients=recipients: [  # type: ignore[misc]
                    send_mail(
                        "IPT Care: a risk answer at intake has been escalated to you",
                        body,
                        None,
                        [address],
                    )
                    for address in recipients
                ]
            )
            escalated += 1
    return escalated


def _open_course_ids(patient_ids: Iterable[int]) -> dict[int, int]:
    rows = Course.objects.filter(patient_id__in=set(patient_ids)).exclude(
        phase=Phase.ENDED
    )
    return dict(rows.values_list("patient_id", "id"))


def _unraised(source_type: SourceType) -> Exists:
    return Exists(
        Alert.objects.filter(
            source_type=source_type,
            source_key=Cast(OuterRef("pk"), output_field=CharField()),
        )
    )


@transaction.atomic
def alerts_from_risk_events(*, limit: int = SCAN_BATCH) -> int:
    """An alert for each open risk answer (``measures.RiskEvent``) that has none yet:
    PHQ-9 item 9 above 0, a positive C-SSRS screen (with its triage level), and every
    other critical answer. Answers from a screening without a patient wait until the
    intake links them to one. Returns the number raised."""
    from measures.models import RiskEvent

    events = list(
        RiskEvent.objects.filter(patient__isnull=False, acknowledged_at__isnull=True)
        .filter(~_unraised(SourceType.RISK_EVENT))
        .select_related("administration", "patient")
        .order_by("id")[:limit]
    )
    courses = _open_course_ids(e.patient_id for e in events if e.patient_id)
    raised = 0
    for event in events:
        finding = rules.risk_answer(risk_answer_of(event))
        alert = alert_raise(
            patient=event.patient,  # type: ignore[arg-type]
            finding=finding,
            source_type=SourceType.RISK_EVENT,
            source_key=str(event.pk),
            course=_course(courses.get(event.patient_id or 0)),
        )
        raised += alert is not None
    return raised


def alerts_adopt_risk_events(
    *, administration: Administration, draft_keys: Mapping[int, str]
) -> int:
    """The portal raised an alert for a risk answer the moment it was given, before
    the questionnaire was sent. Now that it is stored, point that alert at the stored
    answer's ``RiskEvent``, so the scan does not raise a second alert for the same
    answer. ``draft_keys`` maps item numbers to the draft alerts' source keys.
    Returns the number of alerts re-pointed."""
    adopted = 0
    for event in administration.risk_events.all():
        key = draft_keys.get(event.item_number)
        if key is None:
            continue
        adopted += Alert.objects.filter(
            source_type=SourceType.PORTAL_ANSWER, source_key=key
        ).update(
            source_type=SourceType.RISK_EVENT,
            source_key=str(event.pk),
            updated_at=timezone.now(),
        )
    return adopted


def _course(course_id: int | None) -> Course | None:
    return None if course_id is None else Course(pk=course_id)


def risk_answer_of(event: RiskEvent) -> rules.RiskAnswer:
    administration = event.administration
    instrument = instrument_for(event.instrument_id)
    item = event.item
    option_label = None
    if item is not None and event.answer_position is not None:
        options = item.options
        if 0 <= event.answer_position < len(options):
            option_label = options[event.answer_position].label
    return rules.RiskAnswer(
        instrument_id=event.instrument_id,
        instrument_name=instrument.short_name if instrument else event.instrument_id,
        item_number=event.item_number,
        item_label=item.label if item else "",
        answer_score=event.answer_score,
        answer_label=option_label,
        risk_kind=event.kind,
        day=timezone.localtime(administration.administered_at).date(),
        answers=tuple(administration.answers or ()),
    )


@transaction.atomic
def alerts_from_engagement_events(
    *, now: datetime | None = None, limit: int = SCAN_BATCH
) -> int:
    """An alert for each engagement event the scheduling app records (two or more
    did-not-attends in a row) that has none yet, from the last two weeks."""
    if not apps.is_installed("scheduling"):
        return 0
    from scheduling.models import EngagementEvent

    now = now or timezone.now()
    events = list(
        EngagementEvent.objects.filter(created_at__gte=now - ENGAGEMENT_WINDOW)
        .filter(~_unraised(SourceType.ENGAGEMENT_EVENT))
        .select_related("patient", "appointment")
        .order_by("id")[:limit]
    )
    raised = 0
    for event in events:
        day = timezone.localtime(event.appointment.starts_at).date()
        finding = rules.missed_in_a_row(event.missed_in_a_row, day)
        if finding is None:
            continue
        alert = alert_raise(
            patient=event.patient,
            finding=finding,
            source_type=SourceType.ENGAGEMENT_EVENT,
            source_key=str(event.pk),
            course=_course(event.course_id),
        )
        raised += alert is not None
    return raised


@transaction.atomic
def alerts_for_missing_questionnaires(
    *,
    today: date | None = None,
    run: int | None = None,
    chunk: int = SCAN_BATCH,
) -> int:
    """Questionnaires missing for three sessions in a row on an open course: for each
    attended session, the questionnaires the program's schedule has due before it,
    against those the patient completed since the session before (from up to
    ``IPTCARE_OUTCOMES_BASELINE_DAYS`` before the course for the first). Runs ending
    in the last two weeks only; one alert per run."""
    today = today or timezone.localdate()
    run = run or settings.IPTCARE_ALERT_MISSING_QUESTIONNAIRE_SESSIONS
    lookback = timedelta(days=settings.IPTCARE_OUTCOMES_BASELINE_DAYS)
    recent = today - ENGAGEMENT_WINDOW
    open_courses = (
        Course.objects.exclude(phase=Phase.ENDED)
        .select_related("patient", "program")
        .prefetch_related("program__measures")
        .order_by("id")
    )
    raised = 0
    for start in range(0, open_courses.count(), chunk):
        courses = list(open_courses[start : start + chunk])
        sessions: dict[int, list[tuple[int, int, date]]] = {}
        for session_id, course_id, number, held_on in (
            CourseSession.objects.filter(course__in=courses, number__isnull=False)
            .order_by("course_id", "number")
            .values_list("id", "course_id", "number", "held_on")
        ):
            sessions.setdefault(course_id, []).append(
                (session_id, number or 0, held_on)
            )
        given: dict[int, list[tuple[date, str]]] = {}
        earliest = shifted(
            min((c.opened_on for c in courses), default=today), -lookback
        )
        for patient_id, instrument_id, when in Administration.objects.filter(
            patient_id__in=[c.patient_id for c in courses],
            superseded_at__isnull=True,
            administered_at__date__gte=earliest,
        ).values_list("patient_id", "instrument_id", "administered_at"):
            given.setdefault(patient_id, []).append(
                (timezone.localtime(when).date(), instrument_id)
            )
        for course in courses:
            schedule = course.program.measure_rules()
            previous = shifted(course.opened_on, -lookback - timedelta(days=1))
            rows = []
            for pk, number, held_on in sessions.get(course.pk, []):
                done = frozenset(
                    instrument
                    for day, instrument in given.get(course.patient_id, [])
                    if previous < day <= held_on
                )
                rows.append(
                    rules.SessionQuestionnaires(
                        session_id=str(pk),
                        number=number,
                        day=held_on,
                        due=frozenset(due_before_session(schedule, number)),
                        given=done,
                    )
                )
                previous = held_on
            days = {row.session_id: row.day for row in rows}
            for key, finding in rules.questionnaires_missing(rows, run=run):
                if days[key] < recent:
                    continue
                alert = alert_raise(
                    patient=course.patient,
                    finding=finding,
                    source_type=SourceType.COURSE,
                    source_key=f"{course.pk}:questionnaires_missing:{key}",
                    course=course,
                )
                raised += alert is not None
    return raised


def alerts_raise_for_diary(
    *,
    patient: Patient,
    entry: rules.DiaryDay,
    history: Sequence[rules.DiaryDay] = (),
    course: Course | None = None,
) -> list[Alert]:
    """The patient portal's entry point, called when a diary entry is saved (inside
    its transaction): self-harm reported → an urgent risk alert; use reported after a
    period of abstinence (``IPTCARE_ALERT_ABSTINENT_DAYS``, default 14 days) → a
    same-day relapse alert. ``entry.entry_id`` must be the diary entry's stable id
    (its public id): saving the same entry again raises nothing new. ``history`` is the
    patient's earlier diary days (at least the last ``abstinent_days`` + 1)."""
    findings = [
        finding
        for finding in (
            rules.diary_self_harm(entry),
            rules.use_after_abstinence(
                entry, history, abstinent_days=settings.IPTCARE_ALERT_ABSTINENT_DAYS
            ),
        )
        if finding is not None
    ]
    raised = []
    with transaction.atomic():
        for finding in findings:
            alert = alert_raise(
                patient=patient,
                finding=finding,
                source_type=SourceType.DIARY_ENTRY,
                source_key=f"{entry.entry_id}:{finding.rule}",
                course=course,
            )
            if alert is not None:
                raised.append(alert)
    return raised


def alerts_raise_for_drug_test(
    *,
    patient: Patient,
    test_id: str,
    day: date,
    positives: Sequence[rules.TestPositive],
    course: Course | None = None,
) -> Alert | None:
    """The recovery app's entry point, called when a test result is recorded (inside
    its transaction): an unexpected positive after a period of abstinence
    (``IPTCARE_ALERT_ABSTINENT_DAYS``) raises the same-day relapse alert the diary
    raises, once per test (``test_id``: the test's public id)."""
    finding = rules.positive_after_abstinence(
        day, positives, abstinent_days=settings.IPTCARE_ALERT_ABSTINENT_DAYS
    )
    if finding is None:
        return None
    return alert_raise(
        patient=patient,
        finding=finding,
        source_type=SourceType.DRUG_TEST,
        source_key=f"{test_id}:{finding.rule}",
        course=course,
    )


# --- Acknowledging ----------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(
    *, alert: Alert, by: Staff, action: ActionTaken | str, note: str = ""
) -> Alert:
    """Close the alert with the action taken (required; "other" needs a note). A risk
    alert also closes the risk answer it was raised from. Refused — nothing changed —
    for an alert closed already."""
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise AcknowledgeRefused("This alert has been acknowledged already.")
    if action not in ActionTaken.values:
        raise AcknowledgeRefused({"action_taken": "Say what was done."})
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = by
    locked.action_taken = action
    locked.action_note = note.strip()
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save(
        update_fields=[
            "acknowledged_at",
            "acknowledged_by",
            "action_taken",
            "action_note",
            "updated_at",
        ]
    )
    entries = [
        audit.Entry(
            Action.UPDATE,
            CATEGORY,
            locked.patient,
            str(locked.public_id),
            f"acknowledged; action={locked.action_taken}; "
            f"note={'yes' if locked.action_note else 'no'}",
        )
    ]
    if locked.source_type == SourceType.RISK_EVENT and locked.source_key.isdigit():
        event = RiskEvent.objects.filter(
            pk=locked.source_key, acknowledged_at__isnull=True
        ).first()
        if event is not None:
            event.acknowledged_at = locked.acknowledged_at
            event.acknowledged_by = by
            event.save(
                update_fields=["acknowledged_at", "acknowledged_by", "updated_at"]
            )
            entries.append(
                audit.Entry(
                    Action.UPDATE,
                    "risk_event",
                    locked.patient,
                    str(event.public_id),
                    f"acknowledged; alert={locked.public_id}",
                )
            )
    audit.record_many(actor=by, entries=entries)
    alert.refresh_from_db()
    return locked


# --- Escalating -------------------------------------------------------------------


def supervisors_for(patient: Patient) -> list[Staff]:
    """The active supervisors of the patient's team; failing those, of its site."""
    from accounts.models import Staff

    team = Staff.objects.filter(
        role=Role.SUPERVISOR, is_active=True, teams=patient.team_id
    ).order_by("id")
    supervisors = list(team)
    if not supervisors:
        supervisors = list(
            Staff.objects.filter(
                role=Role.SUPERVISOR,
                is_active=True,
                teams__site_id=patient.team.site_id,
            )
            .distinct()
            .order_by("id")
        )
    return supervisors


def escalation_due_before(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.IPTCARE_ALERT_ESCALATE_AFTER_MINUTES)


def alerts_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every urgent alert still open ``IPTCARE_ALERT_ESCALATE_AFTER_MINUTES``
    (default 120) after it was raised: it goes to a supervisor of the patient's team
    (``escalated_to``; every such supervisor is e-mailed a link). Each alert is
    escalated once, in its own transaction, so a failure leaves the others done."""
    now = now or timezone.now()
    due = (
        Alert.objects.open()
        .filter(
            urgency=Urgency.URGENT,
            escalated_at__isnull=True,
            created_at__lte=escalation_due_before(now),
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    escalated = 0
    for pk in list(due[:SCAN_BATCH]):
        escalated += alert_escalate(alert_id=pk, now=now)
    return escalated


@transaction.atomic
def alert_escalate(*, alert_id: int, now: datetime) -> bool:
    # The alert's row only, not the joined patient and team: see portal's link_redeem
    # (a patient row locked here would deadlock with audit writes for the patient).
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("patient__team")
        .filter(pk=alert_id, acknowledged_at__isnull=True, escalated_at__isnull=True)
        .first()
    )
    if alert is None:  # acknowledged or escalated meanwhile
        return False
    supervisors = supervisors_for(alert.patient)
    alert.escalated_at = now
    alert.escalated_to = supervisors[0] if supervisors else None
    alert.save(update_fields=["escalated_at", "escalated_to", "updated_at"])
    audit.record(
        actor=None,
        action=Action.UPDATE,
        category=CATEGORY,
        patient=alert.patient,
        object_id=str(alert.public_id),
        detail=(
            f"escalated; to={alert.escalated_to.public_id if alert.escalated_to else '-'}; "
            f"supervisors={len(supervisors)}"
        ),
    )
    if not supervisors:
        logger.warning(
            "Alert %s could not be escalated: its team and site have no supervisor.",
            alert.public_id,
        )
        return True
    from alerts import tasks

    transaction.on_commit(lambda: tasks.alert_notify(alert.pk, "escalated"))
    return True


# --- Notifying --------------------------------------------------------------------


def _recipients(alert: Alert, event: str) -> list[str]:
    from accounts.models import Staff

    if event == "escalated":
        people = supervisors_for(alert.patient)
    else:
        people = list(
            Staff.objects.filter(
                care_teams__patient=alert.patient, is_active=True
            ).distinct()
        )
        if not people:  # nobody treating and nobody on duty: tell supervisors now
            people = supervisors_for(alert.patient)
    return sorted({p.email for p in people if p.email})


def alert_link(alert: Alert) -> str:
    path = reverse(
        "alerts:detail",
        kwargs={"public_id": alert.patient.public_id, "alert_id": alert.public_id},
    )
    base = getattr(settings, "IPTCARE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


def alert_notify(*, alert_id: int, event: str) -> int:
    """E-mail the care team (a new alert) or the supervisors (an escalation): the
    urgency, a link, nothing about the patient. Returns the number of messages sent."""
    alert = Alert.objects.select_related("patient__team").filter(pk=alert_id).first()
    if alert is None or (event == "raised" and alert.acknowledged_at is not None):
        return 0
    recipients = _recipients(alert, event)
    if not recipients:
        return 0
    context = {
        "event": event,
        "urgency": alert.urgency_word,
        "link": alert_link(alert),
        "organisation": settings.IPTCARE_ORGANISATION,
        "minutes": settings.IPTCARE_ALERT_ESCALATE_AFTER_MINUTES,
    }
    subject = (
        "IPT Care: an urgent alert has been escalated to you"
        if event == "escalated"
        else f"IPT Care: a new {alert.urgency_word} alert"
    )
    body = render_to_string("alerts/email/alert_notification.txt", context)
    for address in recipients:
        send_mail(subject, body, None, [address])
    audit.record(
        actor=None,
        action=Action.CREATE,
        category="alert_notification",
        patient=alert.patient,
        object_id=str(alert.public_id),
        detail=f"event={event}; recipients={len(recipients)}",
    )
    return len(recipients)


__all__ = [
    "AcknowledgeRefused",
    "alert_acknowledge",
    "alert_escalate",
    "alert_notify",
    "alert_raise",
    "alerts_escalate_overdue",
    "alerts_for_missing_questionnaires",
    "alerts_from_engagement_events",
    "alerts_from_risk_events",
    "alerts_raise_for_diary",
    "duty_clinician",
    "intake_risk_notify",
    "intake_risks_escalate_overdue",
    "responsible_clinician_name",
]
