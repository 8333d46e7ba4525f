"""The initial phase's services: inventory, timeline, problem areas, formulation,
contract and goals, with their rules and refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from ipt import services
from ipt.choices import Phase, ProblemArea
from ipt.models import Course, CourseProblemArea, Goal, GoalRating
from ipt.services import Refused
from ipt.tests.factories import (
    CourseFactory,
    GoalFactory,
    PersonFactory,
    course_in_phase,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LEVELS = {
    "description": "Talk with partner about the chores",
    "level_minus_2": "Rows every day",
    "level_minus_1": "Rows most days",
    "level_0": "One calm talk a week",
    "level_plus_1": "Calm talks most days",
    "level_plus_2": "A new way of sharing the chores, agreed",
}


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)


def test_a_person_is_added_with_the_addiction_care_flags(
    clinic: Clinic, course: Course
) -> None:
    person = services.person_add(
        course=course,
        by=clinic.therapist_on_team,
        name="Dave",
        relationship="friend",
        contact_frequency="daily",
        closeness=4,
        quality="mixed",
        uses_with_patient=True,
        is_trigger=True,
    )
    assert person.flags == ["uses with the patient", "trigger"]
    event = AuditEvent.objects.filter(category="ipt_inventory").get()
    assert "Dave" not in event.detail
    assert "uses_with_patient" in event.detail


def test_closeness_is_between_1_and_5(clinic: Clinic, course: Course) -> None:
    with pytest.raises(ValidationError):
        services.person_add(
            course=course,
            by=clinic.therapist_on_team,
            name="Dave",
            relationship="friend",
            contact_frequency="daily",
            closeness=6,
            quality="mixed",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(course=course, closeness=0)


def test_a_timeline_event_needs_a_kind_and_a_death_is_a_loss(
    clinic: Clinic, course: Course
) -> None:
    with pytest.raises(ValidationError, match="what kind"):
        services.timeline_entry_add(
            course=course,
            by=clinic.therapist_on_team,
            category="life_event",
            title="Something",
            started_on=TODAY,
        )
    with pytest.raises(ValidationError, match="death or loss"):
        services.timeline_entry_add(
            course=course,
            by=clinic.therapist_on_team,
            category="life_event",
            kind="conflict",
            title="Row",
            started_on=TODAY,
            someone_died=True,
        )
    with pytest.raises(ValidationError, match="ended before it started"):
        services.timeline_entry_add(
            course=course,
            by=clinic.therapist_on_team,
            category="substance_use",
            title="Cocaine",
            started_on=TODAY,
            ended_on=TODAY - datetime.timedelta(days=3),
        )
    assert not course.timeline.exists()


def test_a_timeline_entry_links_only_to_this_courses_inventory(
    clinic: Clinic, course: Course
) -> None:
    stranger = PersonFactory()
    with pytest.raises(Refused, match="this course's inventory"):
        services.timeline_entry_add(
            course=course,
            by=clinic.therapist_on_team,
            category="life_event",
            kind="loss",
            title="Died",
            started_on=TODAY,
            someone_died=True,
            person=stranger,
        )


# --- Problem areas ------------------------------------------------------------------


def test_one_or_two_areas_are_chosen_in_order(clinic: Clinic, course: Course) -> None:
    services.problem_areas_choose(
        course=course,
        by=clinic.therapist_on_team,
        choices=[("grief", ""), ("disputes", "impasse")],
        suggested={"grief"},
    )
    areas = list(course.problem_areas.order_by("rank"))
    assert [(a.area, a.rank, a.dispute_stage, a.was_suggested) for a in areas] == [
        ("grief", 1, "", True),
        ("disputes", 2, "impasse", False),
    ]
    # choosing again replaces, and may swap the order
    services.problem_areas_choose(
        course=course,
        by=clinic.therapist_on_team,
        choices=[("disputes", "renegotiation"), ("grief", "")],
    )
    assert list(
        course.problem_areas.order_by("rank").values_list("area", flat=True)
    ) == [
        "disputes",
        "grief",
    ]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([], "at most two"),
        ([("grief", ""), ("disputes", "impasse"), ("deficits", "")], "at most two"),
        ([("grief", ""), ("grief", "")], "two different"),
        ([("disputes", "")], "stage of the dispute"),
        ([("anger", "")], "from the list"),
    ],
)
def test_the_choice_of_areas_is_checked(
    clinic: Clinic, course: Course, choices: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(Refused, match=message):
        services.problem_areas_choose(
            course=course, by=clinic.therapist_on_team, choices=choices
        )
    assert not course.problem_areas.exists()


def test_the_database_holds_at_most_two_areas(clinic: Clinic, course: Course) -> None:
    for rank, area in enumerate(["grief", "deficits"], start=1):
        CourseProblemArea.objects.create(
            course=course, area=area, rank=rank, chosen_by=clinic.therapist_on_team
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseProblemArea.objects.create(
            course=course,
            area="transitions",
            rank=3,
            chosen_by=clinic.therapist_on_team,
        )


def test_an_area_with_goals_is_not_dropped(clinic: Clinic, course: Course) -> None:
    services.problem_areas_choose(
        course=course, by=clinic.therapist_on_team, choices=[("disputes", "impasse")]
    )
    services.goal_add(
        course=course, by=clinic.therapist_on_team, area="disputes", **LEVELS
    )
    with pytest.raises(Refused, match="Remove the goals"):
        services.problem_areas_choose(
            course=course, by=clinic.therapist_on_team, choices=[("grief", "")]
        )
    assert list(course.problem_areas.values_list("area", flat=True)) == ["disputes"]


def test_the_area_is_settled_once_the_contract_is_agreed(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.INITIAL, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="contract is agreed"):
        services.problem_areas_choose(
            course=course, by=clinic.therapist_on_team, choices=[("grief", "")]
        )


# --- Formulation --------------------------------------------------------------------


def test_a_changed_formulation_needs_the_patients_agreement_again(
    clinic: Clinic, course: Course
) -> None:
    with pytest.raises(Refused, match="Write the formulation before"):
        services.formulation_agree(
            course=course, by=clinic.therapist_on_team, agreed_on=TODAY
        )
    services.formulation_save(
        course=course, by=clinic.therapist_on_team, text="First draft."
    )
    services.formulation_agree(
        course=course, by=clinic.therapist_on_team, agreed_on=TODAY
    )
    course.refresh_from_db()
    assert course.formulation_agreed_on == TODAY
    # the same text keeps the agreement; a new one loses it
    services.formulation_save(
        course=course, by=clinic.therapist_on_team, text="First draft."
    )
    course.refresh_from_db()
    assert course.formulation_agreed_on == TODAY
    services.formulation_save(
        course=course, by=clinic.therapist_on_team, text="Second draft."
    )
    course.refresh_from_db()
    assert course.formulation_agreed_on is None
    event = AuditEvent.objects.filter(category="ipt_formulation").latest("id")
    assert event.detail == "fields: formulation"


def test_the_formulation_is_written_in_the_initial_phase(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="initial phase"):
        services.formulation_save(
            course=course, by=clinic.therapist_on_team, text="Late."
        )


# --- Contract and goals -------------------------------------------------------------


def _draft_contract(course: Course, clinic: Clinic, sessions: int = 12) -> None:
    services.contract_save(
        course=course,
        by=clinic.therapist_on_team,
        sessions_agreed=sessions,
        frequency="weekly",
        starts_on=TODAY,
        missed_session_policy="Call ahead; two missed in a row, we review.",
    )


def test_the_contract_is_agreed_with_goals_for_each_area(
    clinic: Clinic, course: Course
) -> None:
    services.problem_areas_choose(
        course=course,
        by=clinic.therapist_on_team,
        choices=[("disputes", "impasse"), ("transitions", "")],
    )
    _draft_contract(course, clinic, sessions=14)
    services.goal_add(
        course=course, by=clinic.therapist_on_team, area="disputes", **LEVELS
    )
    with pytest.raises(Refused, match="1–3 goals for role transition"):
        services.contract_agree(
            course=course, by=clinic.therapist_on_team, agreed_on=TODAY
        )
    services.goal_add(
        course=course, by=clinic.therapist_on_team, area="transitions", **LEVELS
    )
    # when
    services.contract_agree(course=course, by=clinic.therapist_on_team, agreed_on=TODAY)
    # then the contract's sessions become the plan
    course.refresh_from_db()
    assert course.sessions_planned == 14
    assert course.contract.is_agreed
    # and it is settled: no new goal, no new contract
    with pytest.raises(Refused, match="contract is agreed"):
        services.goal_add(
            course=course, by=clinic.therapist_on_team, area="disputes", **LEVELS
        )
    with pytest.raises(Refused, match="contract is agreed"):
        _draft_contract(course, clinic)


def test_the_contract_leaves_room_for_the_phases(
    clinic: Clinic, course: Course
) -> None:
    services.problem_areas_choose(
        course=course, by=clinic.therapist_on_team, choices=[("grief", "")]
    )
    services.goal_add(
        course=course, by=clinic.therapist_on_team, area="grief", **LEVELS
    )
    _draft_contract(course, clinic, sessions=4)
    with pytest.raises(Refused, match="at least 6 sessions"):
        services.contract_agree(
            course=course, by=clinic.therapist_on_team, agreed_on=TODAY
        )


def test_a_contract_is_agreed_once_written(clinic: Clinic, course: Course) -> None:
    with pytest.raises(Refused, match="Write the contract first"):
        services.contract_agree(
            course=course, by=clinic.therapist_on_team, agreed_on=TODAY
        )


def test_an_area_has_at_most_three_goals(clinic: Clinic, course: Course) -> None:
    services.problem_areas_choose(
        course=course, by=clinic.therapist_on_team, choices=[("grief", "")]
    )
    for _ in range(3):
        services.goal_add(
            course=course, by=clinic.therapist_on_team, area="grief", **LEVELS
        )
    with pytest.raises(Refused, match="at most three goals"):
        services.goal_add(
            course=course, by=clinic.therapist_on_team, area="grief", **LEVELS
        )
    assert list(course.goals.values_list("position", flat=True)) == [1, 2, 3]
    # the database agrees
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalFactory(course=course, area="grief", position=4)


def test_goals_belong_to_a_chosen_area_and_need_every_level(
    clinic: Clinic, course: Course
) -> None:
    with pytest.raises(Refused, match="chosen"):
        services.goal_add(
            course=course, by=clinic.therapist_on_team, area="grief", **LEVELS
        )
    services.problem_areas_choose(
        course=course, by=clinic.therapist_on_team, choices=[("grief", "")]
    )
    with pytest.raises(ValidationError):
        services.goal_add(
            course=course,
            by=clinic.therapist_on_team,
            area="grief",
            **{**LEVELS, "level_plus_2": ""},
        )
    assert not Goal.objects.exists()


def test_goals_are_rated_once_the_contract_is_agreed(
    clinic: Clinic, course: Course
) -> None:
    services.problem_areas_choose(
        course=course, by=clinic.therapist_on_team, choices=[("grief", "")]
    )
    goal = services.goal_add(
        course=course, by=clinic.therapist_on_team, area="grief", **LEVELS
    )
    with pytest.raises(Refused, match="once the contract is agreed"):
        services.goal_rate(goal=goal, by=clinic.therapist_on_team, level=0)
    _draft_contract(course, clinic)
    services.contract_agree(course=course, by=clinic.therapist_on_team, agreed_on=TODAY)
    rating = services.goal_rate(goal=goal, by=clinic.therapist_on_team, level=-1)
    assert goal.describe(rating.level) == "Rows most days"
    with pytest.raises(ValidationError):
        services.goal_rate(goal=goal, by=clinic.therapist_on_team, level=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalRating.objects.create(
            goal=goal, level=-3, rated_on=TODAY, rated_by=clinic.therapist_on_team
        )
    event = AuditEvent.objects.filter(category="ipt_goal_rating").get()
    assert event.detail == "fields: level"


def test_problem_area_labels_match_the_pure_modules() -> None:
    from ipt import phases, suggestion
    from ipt.choices import Outcome
    from ipt.choices import Phase as PhaseChoice

    assert set(ProblemArea.values) == {area.value for area in suggestion.Area}
    assert set(PhaseChoice.values) == {phase.value for phase in phases.Phase}
    assert set(Outcome.values) == {outcome.value for outcome in phases.Outcome}
