"""The course and its state machine: open, begin the middle phase, record sessions,
extend, end (docs/ipt.md). The rules themselves are in ``ipt.phases``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.choices import CLINICAL_ROLES, CareTeamRole
from audit.choices import Action
from ipt import gas, phases
from ipt.choices import Attendance, Delivery, Outcome, Phase
from ipt.models import (
    Contract,
    Course,
    CourseExtension,
    CourseSession,
    Goal,
    GroupSession,
    InventoryPerson,
    Program,
    RelapsePreventionPlan,
    TerminationReview,
    TimelineEntry,
)
from ipt.services._common import Refused, locked, record, require_open
from patients import services as patient_services

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient


@transaction.atomic
def course_open(
    *,
    patient: Patient,
    program: Program,
    clinician: Staff,
    by: Staff,
    opened_on: date | None = None,
) -> Course:
    """Open a course of ``program`` for the patient, in its initial phase.

    Called by the intake app when a referral is accepted, and from the patient's page.
    The clinician joins the patient's care team if not on it (as primary clinician when
    the patient has none), since the course is theirs to run. A patient has at most one
    open course. The inventory and timeline of the patient's previous course, if any,
    are carried over to be reviewed rather than retaken from nothing.
    """
    if not program.is_active:
        raise Refused("This program is no longer offered.")
    if not clinician.is_active or clinician.role not in CLINICAL_ROLES:
        raise Refused("A course is run by an active clinician or supervisor.")
    if Course.objects.filter(patient=patient).exclude(phase=Phase.ENDED).exists():
        raise Refused("The patient already has an open course: end it first.")
    previous = (
        Course.objects.filter(patient=patient, phase=Phase.ENDED)
        .order_by("-ended_on", "-id")
        .first()
    )
    course = Course(
        patient=patient,
        program=program,
        clinician=clinician,
        opened_on=opened_on or timezone.localdate(),
        initial_sessions=program.initial_sessions,
        termination_sessions=program.termination_sessions,
        sessions_planned=program.sessions,
        follows=previous,
        # A Part 2 program flags everything it creates (docs/decisions/0022).
        part2=patient.team.part2_program,
    )
    course.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as error:  # a second course opened at the same moment
        raise Refused(
            "The patient already has an open course: end it first."
        ) from error
    on_team = patient.care_team.filter(staff=clinician).exists()
    if not on_team:
        has_primary = patient.care_team.filter(role=CareTeamRole.PRIMARY).exists()
        patient_services.care_team_add(
            by=by,
            patient=patient,
            staff=clinician,
            role=CareTeamRole.CLINICIAN if has_primary else CareTeamRole.PRIMARY,
        )
    carried = _carry_over(previous, course) if previous else 0
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_course",
        course=course,
        detail=f"program={program.code}; carried_over={carried}",
    )
    return course


def _carry_over(previous: Course, course: Course) -> int:
    """Copy the previous course's inventory and timeline; return the rows copied."""
    people = list(previous.people.all())
    copies = {}
    for person in people:
        original_pk = person.pk
        person.pk = None
        person.id = None
        person.public_id = InventoryPerson._meta.get_field("public_id").get_default()
        person.course = course
        copies[original_pk] = person
    InventoryPerson.objects.bulk_create(copies.values())
    entries = list(previous.timeline.all())
    for entry in entries:
        entry.pk = None
        entry.id = None
        entry.public_id = TimelineEntry._meta.get_field("public_id").get_default()
        entry.course = course
        entry.person = copies.get(entry.person_id) if entry.person_id else None
    TimelineEntry.objects.bulk_create(entries)
    return len(people) + len(entries)


def goals_per_area(course: Course) -> dict[str, int]:
    return dict(
        Goal.objects.filter(course=course)
        .values("area")
        .annotate(count=Count("id"))
        .values_list("area", "count")
    )


@transaction.atomic
def phase_begin_middle(*, course: Course, by: Staff, on: date | None = None) -> Course:
    """Initial → middle: needs the problem area, the agreed formulation and the agreed
    contract with its goals. Begun late, the course may go straight to termination."""
    course = locked(course)
    contract = Contract.objects.filter(course=course).first()
    blockers = phases.middle_phase_blockers(
        phase=phases.Phase(course.phase),
        areas=list(course.problem_areas.values_list("area", "dispute_stage")),
        formulation=course.formulation,
        formulation_agreed=course.formulation_agreed_on is not None,
        contract_agreed=bool(contract and contract.is_agreed),
        goals_per_area=goals_per_area(course),
    )
    if blockers:
        raise Refused(blockers)
    today = on or timezone.localdate()
    new_phase = phases.phase_after_middle_begins(
        attended=course.sessions_attended, plan=course.plan
    )
    course.phase = new_phase.value
    course.middle_began_on = today
    changed = ["phase", "middle_began_on"]
    if new_phase == phases.Phase.TERMINATION:
        course.termination_began_on = today
        changed.append("termination_began_on")
    course.save(update_fields=[*changed, "updated_at"])
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_course",
        course=course,
        detail=f"phase=initial>{course.phase}",
    )
    return course


@transaction.atomic
def session_record(
    *,
    course: Course,
    by: Staff,
    held_on: date,
    attendance: Attendance = Attendance.ATTENDED,
    group_session: GroupSession | None = None,
) -> CourseSession:
    """Record a session of the course: attended (numbered, counted against the
    contract, may start termination) or missed/cancelled (neither).

    Called by the ``scheduling`` app when attendance is taken on an appointment
    (``count_on_course``; an unplanned session is booked first), so that every session
    belongs to an appointment; the group meeting service calls it for each member.
    """
    course = locked(course)
    require_open(course)
    if held_on > timezone.localdate():
        raise Refused("A session is recorded once it has taken place.")
    if held_on < course.opened_on:
        raise Refused("The session is dated before the course opened.")
    number = None
    phase = phases.Phase(course.phase)
    if attendance == Attendance.ATTENDED:
        refusal = phases.may_hold_session(
            phase=phase,
            attended=course.sessions_attended,
            planned=course.sessions_planned,
        )
        if refusal:
            raise Refused(refusal)
        last = (
            course.sessions.filter(number__isnull=False)
            .order_by("-number")
            .values_list("held_on", flat=True)
            .first()
        )
        if last and held_on < last:
            raise Refused(
                f"Sessions are recorded in order: the last was held on {last:%-d %B %Y}."
            )
        number = course.sessions_attended + 1
        phase = phases.phase_after_session(
            phase=phase, attended=number, plan=course.plan
        )
    session = CourseSession(
        course=course,
        number=number,
        held_on=held_on,
        attendance=attendance,
        delivery=Delivery.GROUP if group_session else Delivery.INDIVIDUAL,
        phase=phase,
        group_session=group_session,
        recorded_by=by,
    )
    session.full_clean(validate_constraints=False)
    session.save()
    if number is not None:
        changed = ["sessions_attended"]
        course.sessions_attended = number
        if phase != course.phase:
            course.phase = phase
            course.termination_began_on = held_on
            changed += ["phase", "termination_began_on"]
        course.save(update_fields=[*changed, "updated_at"])
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_session",
        course=course,
        object_id=str(session.public_id),
        detail=f"attendance={attendance}; number={number or '-'}; phase={phase}",
    )
    return session


@transaction.atomic
def course_extend(
    *, course: Course, by: Staff, sessions_added: int, reason: str
) -> CourseExtension:
    """Add sessions past the contract, with the reason. In termination, the course goes
    back to the middle phase until the new last sessions."""
    course = locked(course)
    blockers = phases.extension_blockers(
        phase=phases.Phase(course.phase), sessions_added=sessions_added, reason=reason
    )
    if blockers:
        raise Refused(blockers)
    extension = CourseExtension(
        course=course,
        sessions_added=sessions_added,
        reason=reason.strip(),
        recorded_by=by,
    )
    extension.full_clean()
    extension.save()
    course.sessions_planned += sessions_added
    before = phases.Phase(course.phase)
    after = phases.phase_after_extension(
        phase=before, attended=course.sessions_attended, plan=course.plan
    )
    course.phase = after.value
    changed = ["sessions_planned", "phase"]
    if before == phases.Phase.TERMINATION and after == phases.Phase.MIDDLE:
        course.termination_began_on = None
        changed.append("termination_began_on")
    course.save(update_fields=[*changed, "updated_at"])
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_extension",
        course=course,
        detail=f"sessions_added={sessions_added}; phase={before}>{course.phase}; "
        "fields: reason",
    )
    return extension


def gas_t_score(course: Course) -> float | None:
    """The GAS T-score from each goal's latest rating; None unless every goal is
    rated."""
    goals = list(course.goals.prefetch_related("ratings"))
    levels, weights = [], []
    for goal in goals:
        ratings = list(goal.ratings.all())
        if not ratings:
            return None
        latest = max(ratings, key=lambda rating: (rating.rated_on, rating.pk))
        levels.append(latest.level)
        weights.append(float(goal.weight))
    if not levels:
        return None
    return round(gas.t_score(levels, weights), 1)


@transaction.atomic
def course_end(
    *,
    course: Course,
    by: Staff,
    outcome: Outcome,
    reason: str = "",
    ended_on: date | None = None,
    keep_appointments: Iterable[object] = (),
) -> Course:
    """End the course: completed (from termination, with the review, a complete
    relapse-prevention plan and every goal rated), or dropped out, stepped up or
    transferred (any time, with a reason). The GAS T-score is computed now.

    Ending a course ends its calendar, in this transaction: every future appointment
    is cancelled except those in ``keep_appointments`` (public ids), so no reminder or
    questionnaire invitation reaches a patient who has finished."""
    course = locked(course)
    review = TerminationReview.objects.filter(course=course).first()
    plan = RelapsePreventionPlan.objects.filter(course=course).first()
    blockers = phases.end_blockers(
        phase=phases.Phase(course.phase),
        outcome=phases.Outcome(outcome),
        reason=reason,
        review_written=bool(review and review.progress_summary.strip()),
        relapse_plan_complete=bool(plan and plan.is_complete),
    )
    score = gas_t_score(course)
    if outcome == Outcome.COMPLETED and course.goals.exists() and score is None:
        blockers.append("Rate every goal before completing the course.")
    if blockers:
        raise Refused(blockers)
    course.phase = Phase.ENDED
    course.outcome = outcome
    course.ended_on = ended_on or timezone.localdate()
    course.end_reason = reason.strip()
    course.gas_t_score = score
    course.save(
        update_fields=[
            "phase",
            "outcome",
            "ended_on",
            "end_reason",
            "gas_t_score",
            "updated_at",
        ]
    )
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_course",
        course=course,
        detail=f"phase=ended; outcome={outcome}",
    )
    # Scheduling books on courses and imports this module: import it here.
    from scheduling.services import course_calendar_end

    course_calendar_end(by=by, course=course, keep=keep_appointments)
    return course
