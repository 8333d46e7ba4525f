"""Reads of IPT data, through the access module (accounts.access) and audited.

A course, a person of the inventory, a session or a note is always fetched *through*
the patient the user may see, so that a foreign id is a 404. Pages load what they show
in a fixed number of queries, whatever the number of people, entries or notes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.choices import Role
from audit import services as audit
from audit.choices import Action
from ipt import phases, pictures, suggestion
from ipt.choices import (
    Attendance,
    MeasureTiming,
    NoteStatus,
    Phase,
    TimelineCategory,
)
from ipt.models import (
    Contract,
    Course,
    CourseSession,
    Goal,
    GoalRating,
    Group,
    GroupMember,
    InventoryPerson,
    Program,
    RelapsePreventionPlan,
    SessionNote,
    TerminationReview,
    TimelineEntry,
)
from iptcare.lib import kept_pages
from iptcare.lib.dates import shifted
from iptcare.lib.drawing import drawn_or_none

if TYPE_CHECKING:
    from collections.abc import Sequence

    from accounts.models import Staff
    from patients.models import Patient


# --- Access -------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseAccess:
    """A course the user may see clinically, with the basis of their access."""

    access: access.PatientAccess
    course: Course

    @property
    def patient(self) -> Patient:
        return self.access.patient


def patient_clinical_get_for_user(
    *,
    staff: Staff,
    public_id: uuid.UUID,
    action: Action = Action.VIEW,
    detail: str = "",
) -> access.PatientAccess:
    """The patient with clinical access (404 otherwise), the read audited once."""
    patient_access = access.patient_get_for_user(
        staff=staff,
        public_id=public_id,
        action=action,
        category="ipt_course",
        detail=detail,
    )
    access.require_clinical(patient_access)
    return patient_access


def course_get_for_user(
    *,
    staff: Staff,
    patient_id: uuid.UUID,
    course_id: uuid.UUID,
    action: Action = Action.VIEW,
    detail: str = "",
    when_shown: bool = False,
) -> CourseAccess:
    """The patient's course (404 for anyone without clinical access to the patient, and
    for a course of another patient). One audit row, naming the course.

    ``when_shown``: the course is read only when the page uses it, for a kept page,
    whose copy is kept under the course's public id at the patient's record version:
    a copy exists only if the course was the patient's at that version, so sending it
    needs no query. Rendered afresh, a foreign course is still a 404."""
    patient_access = patient_clinical_get_for_user(
        staff=staff,
        public_id=patient_id,
        action=action,
        detail=f"course={course_id}" + (f"; {detail}" if detail else ""),
    )

    def course_read() -> Course:
        course = (
            Course.objects.select_related("program", "clinician", "contract")
            .filter(public_id=course_id, patient=patient_access.patient)
            .first()
        )
        if course is None:
            raise Http404("No such course.")
        course.patient = patient_access.patient  # already loaded: no second query
        return course

    if when_shown:
        return CourseAccess(patient_access, kept_pages.when_shown(course_read))
    return CourseAccess(patient_access, course_read())


def person_of(course: Course, public_id: uuid.UUID) -> InventoryPerson:
    person = InventoryPerson.objects.filter(course=course, public_id=public_id).first()
    if person is None:
        raise Http404("No such person.")
    person.course = course
    return person


def entry_of(course: Course, public_id: uuid.UUID) -> TimelineEntry:
    entry = TimelineEntry.objects.filter(course=course, public_id=public_id).first()
    if entry is None:
        raise Http404("No such entry.")
    entry.course = course
    return entry


def goal_of(course: Course, public_id: uuid.UUID) -> Goal:
    goal = (
        Goal.objects.filter(course=course, public_id=public_id)
        .prefetch_related("ratings")
        .first()
    )
    if goal is None:
        raise Http404("No such goal.")
    goal.course = course
    return goal


def session_of(course: Course, public_id: uuid.UUID) -> CourseSession:
    session = (
        CourseSession.objects.filter(course=course, public_id=public_id)
        .select_related("note__author", "note__signed_by", "group_session")
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    session.course = course
    return session


def open_programs() -> QuerySet[Program]:
    return Program.objects.filter(is_active=True).order_by("sessions", "name")


# --- The course page ----------------------------------------------------------------


@dataclass
class GoalRow:
    goal: Goal
    ratings: list[GoalRating]

    @property
    def latest(self) -> GoalRating | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def first(self) -> GoalRating | None:
        return self.ratings[0] if self.ratings else None

    @property
    def latest_text(self) -> str:
        return self.goal.describe(self.latest.level) if self.latest else ""


@dataclass
class CourseDetail:
    """Everything the course page shows, loaded in a fixed number of queries."""

    course: Course
    contract: Contract | None
    people: list[InventoryPerson]
    timeline: list[TimelineEntry]
    areas: list[Any]
    goals: list[GoalRow]
    sessions: list[CourseSession]
    extensions: list[Any]
    review: TerminationReview | None
    relapse_plan: RelapsePreventionPlan | None
    measures_next: list[str] = field(default_factory=list)
    middle_blockers: list[str] = field(default_factory=list)
    group: Group | None = None

    @property
    def attended(self) -> list[CourseSession]:
        return [session for session in self.sessions if session.attended]

    @property
    def missed(self) -> list[CourseSession]:
        return [session for session in self.sessions if not session.attended]


def _note_or_none(session: CourseSession) -> SessionNote | None:
    try:
        return session.note
    except SessionNote.DoesNotExist:
        return None


def sessions_without_signed_note(course: Course) -> list[CourseSession]:
    """Attended sessions whose note is missing or not signed: ending the course lists
    them, so a course does not end with its record half written."""
    return list(
        course.sessions.filter(attendance=Attendance.ATTENDED)
        .exclude(note__status=NoteStatus.SIGNED)
        .order_by("held_on", "number", "pk")
    )


def course_detail(course: Course) -> CourseDetail:
    """The course page's content: a fixed number of queries (one per kind of thing)."""
    contract = _contract_or_none(course)
    people = list(course.people.all())
    timeline = list(course.timeline.select_related("person"))
    areas = list(course.problem_areas.all())
    goals = [
        GoalRow(goal, list(goal.ratings.all()))
        for goal in course.goals.prefetch_related(
            Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "id"))
        )
    ]
    sessions = list(
        course.sessions.select_related("note", "group_session").order_by(
            "held_on", "id"
        )
    )
    for session in sessions:
        session.loaded_note = _note_or_none(session)  # type: ignore[attr-defined]
    extensions = list(course.extensions.select_related("recorded_by"))
    review = TerminationReview.objects.filter(course=course).first()
    relapse_plan = RelapsePreventionPlan.objects.filter(course=course).first()
    detail = CourseDetail(
        course=course,
        contract=contract,
        people=people,
        timeline=timeline,
        areas=areas,
        goals=goals,
        sessions=sessions,
        extensions=extensions,
        review=review,
        relapse_plan=relapse_plan,
    )
    detail.measures_next = [_instrument_name(i) for i in _measures_next(course)]
    if course.program.is_group:
        membership = GroupMember.objects.filter(course=course).select_related("group")
        detail.group = next((m.group for m in membership), None)
    if course.phase == Phase.INITIAL:
        detail.middle_blockers = _middle_blockers(course, contract, areas, goals)
    return detail


def _contract_or_none(course: Course) -> Contract | None:
    try:
        return course.contract
    except Contract.DoesNotExist:
        return None


def _middle_blockers(
    course: Course, contract: Contract | None, areas: list[Any], goals: list[GoalRow]
) -> list[str]:
    counts: dict[str, int] = {}
    for row in goals:
        counts[row.goal.area] = counts.get(row.goal.area, 0) + 1
    return phases.middle_phase_blockers(
        phase=phases.Phase(course.phase),
        areas=[(area.area, area.dispute_stage) for area in areas],
        formulation=course.formulation,
        formulation_agreed=course.formulation_agreed_on is not None,
        contract_agreed=bool(contract and contract.is_agreed),
        goals_per_area=counts,
    )


def _measures_next(course: Course) -> list[str]:
    """The instruments due before the next session, by the program's schedule."""
    if course.phase == Phase.ENDED:
        return []
    program = course.program
    prefetch_related_objects([program], "measures")
    if course.sessions_attended == 0:
        intake = program.instruments_at(MeasureTiming.INTAKE)
        return intake + [
            i for i in program.instruments_before_session(1) if i not in intake
        ]
    return program.instruments_before_session(course.sessions_attended + 1)


# --- Pictures and the suggestion ----------------------------------------------------


def circle_picture(people: list[InventoryPerson], *, centre_label: str) -> str:
    """The closeness circle as a data URI for ``<img>`` (and for reports); empty when
    it cannot be drawn, and the page says so beside its table."""
    svg = drawn_or_none(
        lambda: pictures.circle_svg(
            [
                pictures.CirclePerson(
                    name=person.name,
                    closeness=person.closeness,
                    quality=person.quality,
                    supports_recovery=person.supports_recovery,
                    uses_with_patient=person.uses_with_patient,
                    is_trigger=person.is_trigger,
                    deceased=person.deceased,
                )
                for person in people
            ],
            centre_label=centre_label,
        ),
        picture="closeness circle",
    )
    return pictures.svg_data_uri(svg) if svg is not None else ""


def timeline_picture(
    entries: list[TimelineEntry],
    *,
    today: date | None = None,
    care_changes: Sequence[pictures.CareChange] = (),
) -> str:
    events = [
        pictures.TimelineEvent(
            title=entry.title,
            kind=entry.kind,
            on=entry.started_on,
            approximate=entry.approximate,
        )
        for entry in entries
        if entry.category == TimelineCategory.LIFE_EVENT
    ]
    periods = [
        pictures.TimelinePeriod(
            title=entry.title,
            lane=entry.category,
            started=entry.started_on,
            ended=entry.ended_on,
            approximate=entry.approximate,
        )
        for entry in entries
        if entry.category != TimelineCategory.LIFE_EVENT
    ]
    day = today or timezone.localdate()
    svg = drawn_or_none(
        lambda: pictures.timeline_svg(
            events, periods, today=day, care_changes=care_changes
        ),
        picture="timeline",
    )
    return pictures.svg_data_uri(svg) if svg is not None else ""


def suggestions_for(
    *,
    people: list[InventoryPerson],
    entries: list[TimelineEntry],
    today: date | None = None,
) -> list[suggestion.Suggestion]:
    """The problem-area suggestion over this course's timeline and inventory."""
    return suggestion.suggest(
        events=[
            suggestion.LifeEvent(
                title=entry.title,
                kind=entry.kind,
                on=entry.started_on,
                someone_died=entry.someone_died,
            )
            for entry in entries
            if entry.category == TimelineCategory.LIFE_EVENT
        ],
        episodes=[
            suggestion.Period(entry.title, entry.started_on, entry.ended_on)
            for entry in entries
            if entry.category == TimelineCategory.SYMPTOMS
        ],
        substance_use=[
            suggestion.Period(entry.title, entry.started_on, entry.ended_on)
            for entry in entries
            if entry.category == TimelineCategory.SUBSTANCE_USE
        ],
        people=[
            suggestion.Person(
                name=person.name,
                closeness=person.closeness,
                quality=person.quality,
                expectations_met=person.expectations_met,
                deceased=person.deceased,
            )
            for person in people
        ],
        today=today or timezone.localdate(),
    )


# --- Scores for the progress review -------------------------------------------------


@dataclass(frozen=True)
class ScoreChange:
    """An instrument's first and latest total around the course."""

    instrument: str
    name: str
    first: float
    first_on: datetime
    latest: float
    latest_on: datetime
    count: int
    first_note: str = ""  # "prorated from 8 of 9 items", shown beside the score
    latest_note: str = ""

    @property
    def change(self) -> float:
        return self.latest - self.first


BASELINE_DAYS = 90  # intake scores taken up to three months before the course opened


def course_score_changes(course: Course) -> list[ScoreChange] | None:
    """First and latest score of each instrument, from intake (up to 90 days before the
    course opened) to the end of the course. Reads ``measures.Administration`` (current
    rows, not superseded); None when the measures app has no administrations model.
    The caller has already checked access and audited the read of the course."""
    try:
        administration = apps.get_model("measures", "Administration")
    except LookupError:
        return None
    start = shifted(course.opened_on, -timedelta(days=BASELINE_DAYS))
    rows = administration.objects.filter(
        patient_id=course.patient_id,
        superseded_at__isnull=True,
        total__isnull=False,
        administered_at__date__gte=start,
    )
    if course.ended_on:
        rows = rows.filter(administered_at__date__lte=course.ended_on)
    by_instrument: dict[str, list[tuple[datetime, float, str]]] = {}
    fields = ("instrument_id", "total", "administered_at", "answers")
    for row in rows.order_by("administered_at", "id").only(*fields):
        by_instrument.setdefault(row.instrument_id, []).append(
            (row.administered_at, row.total, row.prorated_note)
        )
    changes = []
    for instrument, scores in sorted(by_instrument.items()):
        changes.append(
            ScoreChange(
                instrument=instrument,
                name=_instrument_name(instrument),
                first=scores[0][1],
                first_on=scores[0][0],
                latest=scores[-1][1],
                latest_on=scores[-1][0],
                count=len(scores),
                first_note=scores[0][2],
                latest_note=scores[-1][2],
            )
        )
    return changes


def _instrument_name(instrument_id: str) -> str:
    try:
        from measures.instruments import REGISTRY  # optional: measures may be absent
    except ImportError:
        return instrument_id
    definition = REGISTRY.get(instrument_id)
    return str(getattr(definition, "short_name", instrument_id))


# --- Groups -------------------------------------------------------------------------


def groups_for_user(staff: Staff) -> QuerySet[Group]:
    """Groups the user facilitates, and for supervisors their teams' groups."""
    if staff.role not in {Role.CLINICIAN, Role.SUPERVISOR}:
        return Group.objects.none()
    visible = Q(facilitators=staff)
    if staff.role == Role.SUPERVISOR:
        visible |= Q(team__in=staff.teams.all())
    return (
        Group.objects.filter(visible)
        .distinct()
        .select_related("program", "team__site")
        .order_by("-starts_on", "name")
    )


@dataclass(frozen=True)
class GroupAccess:
    group: Group
    members: list[GroupMember]


def group_get_for_user(
    *, staff: Staff, public_id: uuid.UUID, action: Action = Action.VIEW
) -> GroupAccess:
    """The group (404 unless the user facilitates it or supervises its team), with the
    members the user may see; one audit row for each member shown."""
    group = groups_for_user(staff).filter(public_id=public_id).first()
    if group is None:
        raise Http404("No such group.")
    visible = access.patients_visible_to(staff)
    members = list(
        group.members.filter(course__patient__in=visible)
        .select_related("course__patient", "course__clinician")
        .order_by("course__patient__family_name", "course__patient__given_name", "id")
    )
    audit.record_many(
        actor=staff,
        entries=[
            audit.Entry(
                action,
                "ipt_group",
                member.course.patient,
                str(group.public_id),
                f"course={member.course.public_id}",
            )
            for member in members
        ],
    )
    return GroupAccess(group, members)


def group_candidates(*, staff: Staff, group: Group) -> QuerySet[Course]:
    """Open courses on the group's program, of the group's team's patients the user may
    see, not yet in a group."""
    return (
        Course.objects.filter(
            program=group.program,
            patient_id__in=access.visible_patient_ids(staff),
            patient__team=group.team,
            group_membership__isnull=True,
        )
        .exclude(phase=Phase.ENDED)
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name")
    )


def group_sessions(group: Group) -> list[Any]:
    return list(
        group.sessions.prefetch_related(
            Prefetch(
                "course_sessions",
                queryset=CourseSession.objects.select_related(
                    "course__patient", "note"
                ),
            )
        ).order_by("-number")
    )
