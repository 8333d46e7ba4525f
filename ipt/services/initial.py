"""The initial phase's writes: inventory, timeline, problem areas, formulation, contract,
goals and their ratings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.choices import Action
from ipt import phases
from ipt.choices import Phase, ProblemArea
from ipt.models import (
    Contract,
    Course,
    CourseProblemArea,
    Goal,
    GoalRating,
    InventoryPerson,
    TimelineEntry,
)
from ipt.services._common import (
    Refused,
    fields_detail,
    locked,
    record,
    require_open,
    require_phase,
)
from ipt.services.courses import goals_per_area

if TYPE_CHECKING:
    from accounts.models import Staff


# --- Interpersonal inventory --------------------------------------------------------


@transaction.atomic
def person_add(*, course: Course, by: Staff, **fields: Any) -> InventoryPerson:
    require_open(course)
    person = InventoryPerson(course=course, **fields)
    person.full_clean()
    person.save()
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_inventory",
        course=course,
        object_id=str(person.public_id),
        detail=fields_detail(name for name, value in fields.items() if value),
    )
    return person


@transaction.atomic
def person_update(
    *, person: InventoryPerson, by: Staff, changed: list[str]
) -> InventoryPerson:
    """Save a person already changed by a validated form; ``changed`` names the fields."""
    require_open(person.course)
    if not changed:
        return person
    person.full_clean()
    person.save(update_fields=[*changed, "updated_at"])
    if {"supports_recovery", "uses_with_patient", "is_trigger"} & set(changed):
        # The recovery record's supporters carry the same marks (kept in step).
        from recovery.services import supporter_marks_from_inventory

        supporter_marks_from_inventory(person)
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_inventory",
        course=person.course,
        object_id=str(person.public_id),
        detail=fields_detail(changed),
    )
    return person


@transaction.atomic
def person_remove(*, person: InventoryPerson, by: Staff) -> None:
    course = person.course
    require_open(course)
    object_id = str(person.public_id)
    person.delete()
    record(
        by=by,
        action=Action.DELETE,
        category="ipt_inventory",
        course=course,
        object_id=object_id,
    )


# --- Timeline -----------------------------------------------------------------------


@transaction.atomic
def timeline_entry_add(*, course: Course, by: Staff, **fields: Any) -> TimelineEntry:
    require_open(course)
    person = fields.get("person")
    if person is not None and person.course_id != course.pk:
        raise Refused("Link the entry to someone in this course's inventory.")
    entry = TimelineEntry(course=course, **fields)
    entry.full_clean()
    entry.save()
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_timeline",
        course=course,
        object_id=str(entry.public_id),
        detail=f"category={entry.category}; kind={entry.kind or '-'}; "
        + fields_detail(name for name, value in fields.items() if value),
    )
    return entry


@transaction.atomic
def timeline_entry_remove(*, entry: TimelineEntry, by: Staff) -> None:
    course = entry.course
    require_open(course)
    object_id = str(entry.public_id)
    entry.delete()
    record(
        by=by,
        action=Action.DELETE,
        category="ipt_timeline",
        course=course,
        object_id=object_id,
    )


# --- Problem areas and formulation --------------------------------------------------


def _require_draft_contract(course: Course, doing: str) -> None:
    require_phase(course, Phase.INITIAL, doing=doing)
    contract = Contract.objects.filter(course=course).first()
    if contract is not None and contract.is_agreed:
        raise Refused(f"The contract is agreed: {doing.lower()} is settled.")


@transaction.atomic
def problem_areas_choose(
    *,
    course: Course,
    by: Staff,
    choices: Sequence[tuple[str, str]],
    suggested: Collection[str] = (),
) -> list[CourseProblemArea]:
    """Set the course's problem areas: one, at most two, in order, with the stage of a
    dispute. ``suggested`` are the areas the suggestion named, kept for the record."""
    course = locked(course)
    _require_draft_contract(course, "Choosing the problem area")
    areas = [area for area, _stage in choices]
    if not 1 <= len(areas) <= phases.MAX_AREAS:
        raise Refused("Choose one problem area, at most two.")
    if len(set(areas)) != len(areas):
        raise Refused("Choose two different problem areas.")
    for area, stage in choices:
        if area not in ProblemArea.values:
            raise Refused("Choose a problem area from the list.")
        if area == ProblemArea.DISPUTES and not stage:
            raise Refused("Record the stage of the dispute.")
    dropped = set(goals_per_area(course)) - set(areas)
    if dropped:
        names = ", ".join(ProblemArea(area).label.lower() for area in sorted(dropped))
        raise Refused(f"Remove the goals set for {names} before dropping that area.")
    CourseProblemArea.objects.filter(course=course).delete()
    chosen = []
    for rank, (area, stage) in enumerate(choices, start=1):
        row = CourseProblemArea(
            course=course,
            area=area,
            rank=rank,
            dispute_stage=stage if area == ProblemArea.DISPUTES else "",
            was_suggested=area in suggested,
            chosen_by=by,
        )
        row.full_clean(validate_constraints=False)
        chosen.append(row)
    CourseProblemArea.objects.bulk_create(chosen)
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_problem_area",
        course=course,
        detail="areas=" + ",".join(areas),
    )
    return chosen


@transaction.atomic
def formulation_save(*, course: Course, by: Staff, text: str) -> Course:
    """Write the interpersonal formulation. A changed text needs the patient's agreement
    again."""
    course = locked(course)
    require_phase(course, Phase.INITIAL, doing="Writing the formulation")
    text = text.strip()
    if not text:
        raise Refused("Write the formulation.")
    if text == course.formulation:
        return course
    course.formulation = text
    course.formulation_agreed_on = None
    course.save(update_fields=["formulation", "formulation_agreed_on", "updated_at"])
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_formulation",
        course=course,
        detail="fields: formulation",
    )
    return course


@transaction.atomic
def formulation_agree(*, course: Course, by: Staff, agreed_on: date) -> Course:
    """Record that the patient agreed to the formulation as written."""
    course = locked(course)
    require_phase(course, Phase.INITIAL, doing="Agreeing the formulation")
    if not course.formulation.strip():
        raise Refused("Write the formulation before recording the patient's agreement.")
    if agreed_on > timezone.localdate():
        raise Refused("The agreement is dated in the future.")
    course.formulation_agreed_on = agreed_on
    course.save(update_fields=["formulation_agreed_on", "updated_at"])
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_formulation",
        course=course,
        detail="fields: formulation_agreed_on",
    )
    return course


# --- Contract and goals -------------------------------------------------------------


@transaction.atomic
def contract_save(
    *,
    course: Course,
    by: Staff,
    sessions_agreed: int,
    frequency: str,
    starts_on: date,
    missed_session_policy: str,
) -> Contract:
    """Write or rewrite the draft contract."""
    course = locked(course)
    _require_draft_contract(course, "Writing the contract")
    contract = Contract.objects.filter(course=course).first() or Contract(course=course)
    created = contract.pk is None
    values = {
        "sessions_agreed": sessions_agreed,
        "frequency": frequency,
        "starts_on": starts_on,
        "missed_session_policy": missed_session_policy.strip(),
    }
    changed = [
        name for name, value in values.items() if getattr(contract, name) != value
    ]
    for name, value in values.items():
        setattr(contract, name, value)
    contract.full_clean()
    contract.save()
    record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="ipt_contract",
        course=course,
        detail=fields_detail(changed),
    )
    return contract


@transaction.atomic
def goal_add(*, course: Course, by: Staff, area: str, **fields: Any) -> Goal:
    """Add a goal for a chosen area (at most three per area) with its five GAS levels."""
    course = locked(course)
    _require_draft_contract(course, "Setting goals")
    if not course.problem_areas.filter(area=area).exists():
        raise Refused("Set goals for a problem area the course has chosen.")
    taken = set(
        Goal.objects.filter(course=course, area=area).values_list("position", flat=True)
    )
    free = [position for position in (1, 2, 3) if position not in taken]
    if not free:
        raise Refused("A problem area has at most three goals.")
    goal = Goal(course=course, area=area, position=free[0], **fields)
    goal.full_clean()
    goal.save()
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_goal",
        course=course,
        object_id=str(goal.public_id),
        detail=f"area={area}; " + fields_detail(fields),
    )
    return goal


@transaction.atomic
def goal_remove(*, goal: Goal, by: Staff) -> None:
    course = goal.course
    _require_draft_contract(course, "Removing goals")
    object_id = str(goal.public_id)
    goal.delete()
    record(
        by=by,
        action=Action.DELETE,
        category="ipt_goal",
        course=course,
        object_id=object_id,
    )


@transaction.atomic
def contract_agree(*, course: Course, by: Staff, agreed_on: date) -> Contract:
    """The patient agrees the contract: its sessions become the course's plan, and the
    contract and goals are settled (more sessions later come by extension)."""
    course = locked(course)
    contract = Contract.objects.filter(course=course).first()
    if contract is None:
        raise Refused("Write the contract first.")
    if contract.is_agreed:
        raise Refused("The contract is already agreed.")
    blockers = phases.contract_blockers(
        phase=phases.Phase(course.phase),
        areas=list(course.problem_areas.values_list("area", flat=True)),
        goals_per_area=goals_per_area(course),
        sessions_agreed=contract.sessions_agreed,
        minimum_sessions=course.initial_sessions + course.termination_sessions,
    )
    if contract.sessions_agreed <= course.sessions_attended:
        blockers.append(
            f"{course.sessions_attended} sessions are already held: agree more than that."
        )
    if agreed_on > timezone.localdate():
        blockers.append("The agreement is dated in the future.")
    if blockers:
        raise Refused(blockers)
    contract.agreed_on = agreed_on
    contract.save(update_fields=["agreed_on", "updated_at"])
    course.sessions_planned = contract.sessions_agreed
    course.save(update_fields=["sessions_planned", "updated_at"])
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_contract",
        course=course,
        detail=f"fields: agreed_on; sessions_agreed={contract.sessions_agreed}",
    )
    return contract


@transaction.atomic
def goal_rate(
    *, goal: Goal, by: Staff, level: int, rated_on: date | None = None
) -> GoalRating:
    """Rate a goal's attainment on its GAS scale (−2..+2) during the course."""
    course = goal.course
    require_open(course)
    contract = Contract.objects.filter(course=course).first()
    if contract is None or not contract.is_agreed:
        raise Refused("Goals are rated once the contract is agreed.")
    rated_on = rated_on or timezone.localdate()
    if rated_on > timezone.localdate():
        raise Refused("The rating is dated in the future.")
    rating = GoalRating(goal=goal, level=level, rated_on=rated_on, rated_by=by)
    rating.full_clean()
    rating.save()
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_goal_rating",
        course=course,
        object_id=str(goal.public_id),
        detail="fields: level",
    )
    return rating
