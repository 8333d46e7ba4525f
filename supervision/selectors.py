"""Reads of the supervision pages, access-filtered and audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import router
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import access
from accounts.choices import Role
from accounts.models import Staff
from alerts.models import Alert
from audit import services as audit
from audit.choices import Action
from ipt.choices import Attendance, Phase
from ipt.models import Course, CourseSession
from iptcare.lib.statements import StandIn, Statement, ValuesStatement
from outcomes import calculations as calc
from outcomes.definitions import alerting_instruments, rules_for
from outcomes.selectors import expected_models
from outcomes.services import course_scores, in_chunks
from patients import record_version
from patients.models import Patient
from supervision import review
from supervision.models import (
    CaseDiscussion,
    Checklist,
    ChecklistItem,
    ItemScore,
    RaterRole,
    SessionRating,
    SupervisionAction,
    SupervisionNote,
)


@dataclass(frozen=True)
class ReviewLine:
    patient: Patient
    course: Course | None
    reasons: tuple[review.Reason, ...]

    @property
    def top(self) -> review.Why:
        return self.reasons[0].why


def _tracks(courses: list[Course]) -> dict[int, list[review.TrackFact]]:
    """Each open course's not-on-track status on the alerting instruments (PHQ-9,
    GAD-7), judged as the progress page judges it."""
    instruments = alerting_instruments()
    models = expected_models()
    options = {
        "minimum_courses": settings.IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES,
        "by_session": settings.IPTCARE_OUTCOMES_STATED_RULE_SESSION,
    }
    out: dict[int, list[review.TrackFact]] = defaultdict(list)
    for chunk in in_chunks(courses):
        scores = course_scores(chunk, instruments)
        for course in chunk:
            for instrument_id in instruments:
                rules = rules_for(instrument_id)
                points = scores.get((course.pk, instrument_id), [])
                if rules is None or len(points) < 2:
                    continue
                band = rules.band_for(min(points, key=lambda p: p.when).value) or ""
                status = calc.track_status(
                    rules, points, model=models.get((instrument_id, band)), **options
                )
                out[course.pk].append(
                    review.TrackFact(
                        instrument=rules.name,
                        on_track=status.on_track,
                        deterioration=status.rule
                        is calc.TrackRule.RELIABLE_DETERIORATION,
                        reason=status.reason,
                    )
                )
    return out


# The patients a page of the review shows, as its audit rows name them: kept beside
# the rendered page, so that a kept copy is audited as a fresh one is.
Shown = tuple[tuple[int, str], ...]


def caseload_review(
    *, supervisor: Staff, page_number: int | str | None = 1
) -> Page[ReviewLine]:
    """The supervisor's teams' patients who need a look, most urgent first, each
    with its reasons; the patients shown are audited as listed."""
    page = review_page(supervisor=supervisor, page_number=page_number)
    review_listed(supervisor=supervisor, shown=shown_on(page))
    return page


def review_versions(supervisor: Staff) -> str:
    """What the review rests on that writes move: the supervisor's caseload (who is
    on it) and each of its patients' record versions, and the directory (clinicians'
    names, teams, the expected trajectories). One query, before the review's own,
    answered by the database in one row (``record_version.pairs_digest``) from the
    record versions by team (``access.supervised_versions``, decisions/0075); built
    once per process (``iptcare.lib.statements``)."""
    statement = _caseload_statement(router.db_for_read(Patient))
    pairs, params = statement.bound(staff_id=supervisor.pk)
    return record_version.pairs_digest(pairs, params, statement.alias)


# A supervisor no row is: the caseload's statement is built with it.
_STAND_IN_SUPERVISOR = StandIn(-(2**62) + 69, Staff._meta.pk)


@cache
def _caseload_statement(alias: str) -> ValuesStatement:
    def build(staff_id: int) -> QuerySet[Any]:
        supervisor = Staff(pk=staff_id, role=Role.SUPERVISOR)
        return access.supervised_versions(supervisor)

    return ValuesStatement(build, {"staff_id": _STAND_IN_SUPERVISOR}, alias)


def shown_on(page: Page[ReviewLine]) -> Shown:
    return tuple(
        (line.patient.pk, str(line.patient.public_id)) for line in page.object_list
    )


def review_listed(*, supervisor: Staff, shown: Shown) -> None:
    """Each patient a page of the review shows, audited as listed: on every request,
    the page kept or not."""
    audit.record_listed(
        actor=supervisor, category="supervision", detail="caseload review", shown=shown
    )


def review_page(
    *, supervisor: Staff, page_number: int | str | None = 1
) -> Page[ReviewLine]:
    """The supervisor's teams' patients who need a look, most urgent first, each
    with its reasons, one page of them (not audited: ``review_listed``)."""
    patient_ids = access.caseload_patient_ids(supervisor)
    courses = list(
        Course.objects.filter(patient_id__in=patient_ids)
        .exclude(phase=Phase.ENDED)
        .select_related("patient", "clinician")
        .order_by("id")
    )
    by_patient = {course.patient_id: course for course in courses}
    missed = {
        row["course_id"]: row
        for row in CourseSession.objects.filter(
            course__in=courses, attendance=Attendance.MISSED
        )
        .values("course_id")
        .annotate(missed=Count("id"), last=Max("held_on"))
    }
    alerts: dict[int, list[review.OpenAlert]] = defaultdict(list)
    alert_patients: dict[int, Patient] = {}
    for alert in (
        Alert.objects.filter(patient_id__in=patient_ids, acknowledged_at__isnull=True)
        .select_related("patient")
        .order_by("created_at", "id")
    ):
        alert_patients[alert.patient_id] = alert.patient
        alerts[alert.patient_id].append(
            review.OpenAlert(
                urgency=alert.urgency,
                kind=alert.get_kind_display().lower(),
                reason=alert.reason,
                # On the clinic's clock: the review dates its reasons by local day.
                raised_at=timezone.localtime(alert.created_at),
                escalated=alert.escalated_at is not None,
            )
        )
    tracks = _tracks(courses)
    lines = []
    for patient_id in set(by_patient) | set(alerts):
        course = by_patient.get(patient_id)
        counted = missed.get(course.pk, {}) if course else {}
        facts = review.PatientFacts(
            alerts=tuple(alerts.get(patient_id, ())),
            tracks=tuple(tracks.get(course.pk, ())) if course else (),
            missed_sessions=counted.get("missed", 0),
            last_missed_on=counted.get("last"),
            sessions_attended=course.sessions_attended if course else 0,
            sessions_planned=course.sessions_planned if course else 0,
            course_open=course is not None,
        )
        found = review.reasons(facts)
        if found:
            patient = course.patient if course else alert_patients[patient_id]
            lines.append(ReviewLine(patient, course, tuple(found)))
    lines.sort(
        key=lambda line: (
            *review.urgency_key(line.reasons),
            line.patient.family_name,
            line.patient.pk,
        )
    )
    page: Page[ReviewLine] = Paginator(lines, settings.IPTCARE_PAGE_SIZE).get_page(
        page_number
    )
    return page


# --- Supervision notes ---------------------------------------------------------------

ACTIONS_AHEAD_DAYS = 7


def notes_page(
    *, staff: Staff, page_number: int | str | None = 1
) -> Page[SupervisionNote]:
    """The notes a supervisor wrote, or a clinician received, newest first; each
    patient named on the page is audited as listed."""
    notes = (
        SupervisionNote.objects.filter(Q(supervisor=staff) | Q(clinician=staff))
        .select_related("supervisor", "clinician")
        .prefetch_related(
            Prefetch(
                "cases", queryset=CaseDiscussion.objects.select_related("patient")
            ),
            "actions",
        )
    )
    page: Page[SupervisionNote] = Paginator(notes, settings.IPTCARE_PAGE_SIZE).get_page(
        page_number
    )
    audit.record_many(
        actor=staff,
        entries=[
            audit.Entry(
                Action.LIST,
                "supervision",
                case.patient,
                str(case.public_id),
                "supervision notes",
            )
            for note in page.object_list
            for case in note.cases.all()
        ],
    )
    return page


def actions_due(*, staff: Staff) -> list[SupervisionAction]:
    """Open actions of the staff member's supervision (as supervisor or clinician)
    due within a week or overdue, soonest first. Shown on every inbox page: one
    statement built once per process (decisions/0072)."""
    horizon = timezone.localdate() + timedelta(days=ACTIONS_AHEAD_DAYS)
    statement = _actions_due_statement(router.db_for_read(SupervisionAction))
    return statement.all(staff_id=staff.pk, horizon=horizon)


def _actions_due(staff_id: int, horizon: date) -> QuerySet[SupervisionAction]:
    return SupervisionAction.objects.filter(
        Q(note__supervisor=staff_id) | Q(note__clinician=staff_id),
        done_at__isnull=True,
        due_on__lte=horizon,
    ).select_related("note__clinician", "note__supervisor")[:50]


@cache
def _actions_due_statement(alias: str) -> Statement[SupervisionAction]:
    return Statement(
        _actions_due,
        {
            "staff_id": StandIn(-(2**62) + 74, Staff._meta.pk),
            "horizon": StandIn(
                date(1901, 2, 3), SupervisionAction._meta.get_field("due_on")
            ),
        },
        alias,
    )


def course_advice(course: Course) -> list[CaseDiscussion]:
    """The supervision advice on this course, newest first (the course page has
    already checked access to the patient and audited the read)."""
    return list(
        CaseDiscussion.objects.filter(course=course).select_related("note__supervisor")
    )


# --- Session fidelity ratings --------------------------------------------------------


@dataclass(frozen=True)
class RatingRow:
    item: ChecklistItem
    self_score: str
    supervisor_score: str

    @property
    def differ(self) -> bool:
        return bool(self.self_score and self.supervisor_score) and (
            self.self_score != self.supervisor_score
        )


def checklist_items(
    *, checklist: Checklist, session: CourseSession, areas: list[str]
) -> list[ChecklistItem]:
    """The active items for this session's phase and the course's problem areas."""
    return list(
        checklist.items.filter(is_active=True)
        .filter(Q(phase="") | Q(phase=session.phase))
        .filter(Q(problem_area="") | Q(problem_area__in=areas))
        .order_by("position", "id")
    )


def session_ratings(
    *, session: CourseSession, checklist: Checklist, items: list[ChecklistItem]
) -> tuple[list[RatingRow], dict[str, SessionRating]]:
    """The self-rating and the supervisor's rating of the session, item by item."""
    ratings = {
        r.role: r
        for r in SessionRating.objects.filter(
            session=session, checklist=checklist
        ).select_related("rater")
    }
    labels = dict(ItemScore.choices)

    def score(role: str, item: ChecklistItem) -> str:
        rating = ratings.get(role)
        value = rating.scores.get(str(item.pk), "") if rating else ""
        return str(labels.get(value, ""))

    rows = [
        RatingRow(item, score(RaterRole.SELF, item), score(RaterRole.SUPERVISOR, item))
        for item in items
    ]
    return rows, ratings
