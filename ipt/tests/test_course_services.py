"""The course's state machine through its services, every rule with its refusal, and
the database's own guards."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import CareTeamRole
from audit.models import AuditEvent
from conftest import Clinic
from ipt import services
from ipt.choices import Attendance, Outcome, Phase, ProblemArea, TerminationDecision
from ipt.models import Course, CourseProblemArea, CourseSession, InventoryPerson
from ipt.services import Refused
from ipt.tests.factories import (
    CourseFactory,
    GoalFactory,
    PersonFactory,
    TimelineEntryFactory,
    attended_sessions,
    course_in_phase,
    program,
    ready_for_middle,
)
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def reasons(refusal: pytest.ExceptionInfo[Refused]) -> str:
    return " ".join(refusal.value.reasons)


# --- Opening ------------------------------------------------------------------------


def test_course_open_starts_in_the_initial_phase_with_the_programs_plan(
    clinic: Clinic,
) -> None:
    # when
    course = services.course_open(
        patient=clinic.patient,
        program=program("ipt16"),
        clinician=clinic.therapist_on_team,
        by=clinic.coordinator,
    )
    # then
    assert course.phase == Phase.INITIAL
    assert (
        course.sessions_planned,
        course.initial_sessions,
        course.termination_sessions,
    ) == (
        16,
        3,
        3,
    )
    assert course.position_text == "no session held yet, initial phase, 16 planned"
    event = AuditEvent.objects.filter(
        patient=clinic.patient, category="ipt_course"
    ).get()
    assert event.detail == "program=ipt16; carried_over=0"


def test_course_open_puts_the_clinician_on_the_care_team(clinic: Clinic) -> None:
    # given a patient with no care team yet
    patient = PatientFactory(team=clinic.team_a)
    # when
    services.course_open(
        patient=patient,
        program=program(),
        clinician=clinic.therapist_off_team,
        by=clinic.coordinator,
    )
    # then the clinician sees the patient, as their primary clinician
    member = patient.care_team.get()
    assert (member.staff, member.role) == (
        clinic.therapist_off_team,
        CareTeamRole.PRIMARY,
    )


def test_a_patient_has_one_open_course_at_a_time(clinic: Clinic) -> None:
    CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    with pytest.raises(Refused, match="already has an open course"):
        services.course_open(
            patient=clinic.patient,
            program=program(),
            clinician=clinic.therapist_on_team,
            by=clinic.therapist_on_team,
        )


def test_the_database_refuses_a_second_open_course(clinic: Clinic) -> None:
    CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)


def test_course_open_refuses_an_inactive_program_and_a_non_clinician(
    clinic: Clinic,
) -> None:
    retired = program("brief8")
    retired.is_active = False
    retired.save()
    with pytest.raises(Refused, match="no longer offered"):
        services.course_open(
            patient=clinic.patient,
            program=retired,
            clinician=clinic.therapist_on_team,
            by=clinic.therapist_on_team,
        )
    with pytest.raises(Refused, match="active clinician"):
        services.course_open(
            patient=clinic.patient,
            program=program(),
            clinician=clinic.coordinator,
            by=clinic.coordinator,
        )
    assert not Course.objects.exists()


def test_a_new_course_carries_over_the_previous_inventory_and_timeline(
    clinic: Clinic,
) -> None:
    # given an ended course with an inventory and a timeline
    old = CourseFactory(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        phase=Phase.ENDED,
        outcome=Outcome.COMPLETED,
        ended_on=TODAY,
    )
    mum = PersonFactory(course=old, name="Mum")
    TimelineEntryFactory(course=old, title="Mum fell ill", person=mum)
    # when
    course = services.course_open(
        patient=clinic.patient,
        program=program("maintenance"),
        clinician=clinic.therapist_on_team,
        by=clinic.therapist_on_team,
    )
    # then copies, not the same rows
    assert course.follows == old
    copied = course.people.get()
    assert copied.name == "Mum" and copied.pk != mum.pk
    assert course.timeline.get().person == copied
    assert old.people.count() == 1


# --- Initial → middle ---------------------------------------------------------------


def test_the_middle_phase_refuses_until_area_formulation_and_contract_are_agreed(
    clinic: Clinic,
) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    with pytest.raises(Refused) as refusal:
        services.phase_begin_middle(course=course, by=clinic.therapist_on_team)
    text = reasons(refusal)
    assert "Choose the problem area" in text
    assert "Write the interpersonal formulation" in text
    assert "Agree the treatment contract" in text
    course.refresh_from_db()
    assert course.phase == Phase.INITIAL


@pytest.mark.parametrize(
    ("undo", "message"),
    [
        ("areas", "Choose the problem area"),
        ("agreement", "patient's agreement to the formulation"),
        ("contract", "Agree the treatment contract"),
        ("goals", "1–3 goals"),
    ],
)
def test_each_missing_piece_alone_refuses_the_middle_phase(
    clinic: Clinic, undo: str, message: str
) -> None:
    # given a course ready for the middle phase but for one thing
    course = ready_for_middle(
        CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    )
    if undo == "areas":
        course.goals.all().delete()
        CourseProblemArea.objects.filter(course=course).delete()
    elif undo == "agreement":
        Course.objects.filter(pk=course.pk).update(formulation_agreed_on=None)
    elif undo == "contract":
        course.contract.agreed_on = None
        course.contract.save()
    else:
        course.goals.all().delete()
    # when / then
    with pytest.raises(Refused, match=message):
        services.phase_begin_middle(course=course, by=clinic.therapist_on_team)


def test_a_dispute_without_its_stage_refuses_the_middle_phase(clinic: Clinic) -> None:
    course = ready_for_middle(
        CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team),
        area=ProblemArea.GRIEF,
    )
    # the database itself refuses a dispute without a stage
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseProblemArea.objects.create(
            course=course, area=ProblemArea.DISPUTES, rank=2, chosen_by=course.clinician
        )


def test_the_middle_phase_begins_when_everything_is_agreed(clinic: Clinic) -> None:
    course = ready_for_middle(
        CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    )
    attended_sessions(course, 3)
    # when
    course = services.phase_begin_middle(course=course, by=clinic.therapist_on_team)
    # then
    assert course.phase == Phase.MIDDLE
    assert course.middle_began_on == TODAY
    assert course.position_text == "session 3 of 12, middle phase, 9 left"
    event = AuditEvent.objects.filter(category="ipt_course").latest("id")
    assert event.detail == "phase=initial>middle"


def test_a_late_middle_phase_goes_straight_to_termination(clinic: Clinic) -> None:
    course = ready_for_middle(
        CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    )
    attended_sessions(course, 10)
    course = services.phase_begin_middle(course=course, by=clinic.therapist_on_team)
    assert course.phase == Phase.TERMINATION


def test_the_middle_phase_is_begun_once(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="not the initial phase"):
        services.phase_begin_middle(course=course, by=clinic.therapist_on_team)


# --- Sessions, termination, the contract's limit -----------------------------------


def test_recording_sessions_counts_them_and_termination_starts_by_itself(
    clinic: Clinic,
) -> None:
    # given a 12-session course in its middle phase after 9 sessions
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    assert (course.sessions_attended, course.phase) == (8, Phase.MIDDLE)
    services.session_record(course=course, by=clinic.therapist_on_team, held_on=TODAY)
    course.refresh_from_db()
    assert course.position_text == "session 9 of 12, middle phase, 3 left"
    # when session 10, the first of the last three, is held
    session = services.session_record(
        course=course, by=clinic.therapist_on_team, held_on=TODAY
    )
    # then
    course.refresh_from_db()
    assert (session.number, session.phase) == (10, Phase.TERMINATION)
    assert course.phase == Phase.TERMINATION
    assert course.termination_began_on == TODAY
    assert course.position_text == "session 10 of 12, termination phase, 2 left"


def test_a_missed_session_is_recorded_but_not_counted(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    before = course.sessions_attended
    session = services.session_record(
        course=course,
        by=clinic.therapist_on_team,
        held_on=TODAY,
        attendance=Attendance.MISSED,
    )
    course.refresh_from_db()
    assert session.number is None
    assert course.sessions_attended == before


def test_no_session_is_held_past_the_contract_without_an_extension(
    clinic: Clinic,
) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    for _ in range(course.sessions_planned - course.sessions_attended):
        services.session_record(
            course=course, by=clinic.therapist_on_team, held_on=TODAY
        )
    with pytest.raises(Refused, match="extension with a reason"):
        services.session_record(
            course=course, by=clinic.therapist_on_team, held_on=TODAY
        )
    course.refresh_from_db()
    assert course.sessions_attended == 12
    # the database refuses a count past the plan, whatever code tries
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(sessions_attended=13)


def test_an_extension_with_a_reason_allows_more_sessions_and_returns_to_the_middle(
    clinic: Clinic,
) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    # when
    services.course_extend(
        course=course,
        by=clinic.therapist_on_team,
        sessions_added=4,
        reason="The dispute reached renegotiation only last week.",
    )
    # then
    course.refresh_from_db()
    assert course.sessions_planned == 16
    assert course.phase == Phase.MIDDLE
    assert course.termination_began_on is None
    assert course.extensions.get().reason.startswith("The dispute")
    event = AuditEvent.objects.filter(category="ipt_extension").get()
    assert "renegotiation" not in event.detail  # field names, never values
    assert "fields: reason" in event.detail


def test_an_extension_without_a_reason_is_refused(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="reason for the extension"):
        services.course_extend(
            course=course, by=clinic.therapist_on_team, sessions_added=2, reason="more"
        )
    course.refresh_from_db()
    assert course.sessions_planned == 12


def test_an_initial_phase_course_is_not_extended(clinic: Clinic) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    with pytest.raises(Refused, match="change the contract"):
        services.course_extend(
            course=course,
            by=clinic.therapist_on_team,
            sessions_added=2,
            reason="A reason that is long enough.",
        )


def test_sessions_are_recorded_in_order_and_not_in_the_future(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    last = course.sessions.order_by("-number").first()
    assert last is not None
    with pytest.raises(Refused, match="recorded in order"):
        services.session_record(
            course=course,
            by=clinic.therapist_on_team,
            held_on=last.held_on - datetime.timedelta(days=1),
        )
    with pytest.raises(Refused, match="once it has taken place"):
        services.session_record(
            course=course,
            by=clinic.therapist_on_team,
            held_on=TODAY + datetime.timedelta(days=1),
        )


# --- Ending -------------------------------------------------------------------------


def _ready_to_complete(course: Course, clinic: Clinic) -> None:
    services.termination_review_save(
        course=course,
        by=clinic.therapist_on_team,
        progress_summary="PHQ-9 from 18 to 7.",
    )
    services.relapse_plan_save(
        course=course,
        by=clinic.therapist_on_team,
        warning_signs="Sleeping badly, skipping meals.",
        interpersonal_triggers="Rows about money.",
        other_triggers="",
        coping_steps="Walk, call Mum, go to a meeting.",
        people_to_contact="Mum; sponsor.",
        crisis_plan="Call the crisis line; GP the next morning.",
    )
    for goal in course.goals.all():
        services.goal_rate(goal=goal, by=clinic.therapist_on_team, level=1)


def test_completing_needs_termination_the_review_the_plan_and_every_goal_rated(
    clinic: Clinic,
) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused) as refusal:
        services.course_end(
            course=course, by=clinic.therapist_on_team, outcome=Outcome.COMPLETED
        )
    text = reasons(refusal)
    assert "progress review" in text
    assert "relapse-prevention plan" in text
    assert "Rate every goal" in text
    # when everything is there
    _ready_to_complete(course, clinic)
    course = services.course_end(
        course=course, by=clinic.therapist_on_team, outcome=Outcome.COMPLETED
    )
    # then the course has ended with its GAS T-score: one goal at +1 is 60
    assert (course.phase, course.outcome) == (Phase.ENDED, Outcome.COMPLETED)
    assert course.gas_t_score == 60.0
    assert course.position_text == "ended (completed) after 10 of 12 sessions"


def test_a_middle_phase_course_cannot_be_completed(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="from its termination phase"):
        services.course_end(
            course=course, by=clinic.therapist_on_team, outcome=Outcome.COMPLETED
        )


@pytest.mark.parametrize(
    "outcome", [Outcome.DROPPED_OUT, Outcome.STEPPED_UP, Outcome.TRANSFERRED]
)
def test_a_course_may_end_early_with_a_reason(clinic: Clinic, outcome: Outcome) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    with pytest.raises(Refused, match="why the course ends"):
        services.course_end(course=course, by=clinic.therapist_on_team, outcome=outcome)
    course = services.course_end(
        course=course,
        by=clinic.therapist_on_team,
        outcome=outcome,
        reason="Moved to another service area.",
    )
    assert course.phase == Phase.ENDED
    assert course.gas_t_score is None


def test_an_ended_course_refuses_every_further_change(clinic: Clinic) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    services.course_end(
        course=course,
        by=clinic.therapist_on_team,
        outcome=Outcome.DROPPED_OUT,
        reason="Stopped answering after session 1.",
    )
    course.refresh_from_db()
    with pytest.raises(Refused, match="ended"):
        services.session_record(
            course=course, by=clinic.therapist_on_team, held_on=TODAY
        )
    with pytest.raises(Refused, match="already ended"):
        services.course_end(
            course=course,
            by=clinic.therapist_on_team,
            outcome=Outcome.TRANSFERRED,
            reason="Transferred to the north team.",
        )
    with pytest.raises(Refused, match="ended"):
        services.person_add(
            course=course,
            by=clinic.therapist_on_team,
            name="Mum",
            relationship="parent",
            contact_frequency="weekly",
            closeness=5,
            quality="good",
        )
    assert not InventoryPerson.objects.exists()
    assert not CourseSession.objects.exists()


# --- The termination decision -------------------------------------------------------


def test_the_decision_to_end_completes_the_course(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    _ready_to_complete(course, clinic)
    services.termination_decide(
        course=course, by=clinic.therapist_on_team, decision=TerminationDecision.END
    )
    course.refresh_from_db()
    assert course.outcome == Outcome.COMPLETED
    assert course.termination_review.decision == TerminationDecision.END


def test_the_decision_for_maintenance_opens_a_monthly_course(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    _ready_to_complete(course, clinic)
    PersonFactory(course=course, name="Sister")
    following = services.termination_decide(
        course=course,
        by=clinic.therapist_on_team,
        decision=TerminationDecision.MAINTENANCE,
        reason="Three earlier episodes: keep the gains.",
    )
    course.refresh_from_db()
    assert course.outcome == Outcome.COMPLETED
    assert following.program.code == "maintenance"
    assert following.phase == Phase.INITIAL
    assert following.follows == course
    assert following.people.get().name == "Sister"


def test_the_decision_to_extend_needs_sessions_and_a_reason(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    services.termination_review_save(
        course=course, by=clinic.therapist_on_team, progress_summary="Partial response."
    )
    with pytest.raises(Refused, match="how many sessions"):
        services.termination_decide(
            course=course,
            by=clinic.therapist_on_team,
            decision=TerminationDecision.EXTEND,
        )
    services.termination_decide(
        course=course,
        by=clinic.therapist_on_team,
        decision=TerminationDecision.EXTEND,
        reason="Grief work resumed after the anniversary.",
        sessions_added=4,
    )
    course.refresh_from_db()
    assert (course.phase, course.sessions_planned) == (Phase.MIDDLE, 16)


def test_the_decision_to_step_up_ends_the_course_as_stepped_up(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    services.termination_review_save(
        course=course, by=clinic.therapist_on_team, progress_summary="Worse: PHQ-9 22."
    )
    services.termination_decide(
        course=course,
        by=clinic.therapist_on_team,
        decision=TerminationDecision.STEP_UP,
        reason="Referred to the crisis team.",
    )
    course.refresh_from_db()
    assert course.outcome == Outcome.STEPPED_UP


def test_no_decision_before_the_review_nor_outside_termination(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    with pytest.raises(Refused, match="progress review"):
        services.termination_decide(
            course=course, by=clinic.therapist_on_team, decision=TerminationDecision.END
        )
    middle = CourseFactory(clinician=clinic.therapist_on_team)
    with pytest.raises(Refused, match="termination phase"):
        services.termination_review_save(
            course=middle, by=clinic.therapist_on_team, progress_summary="Too early."
        )


def test_gas_uses_each_goals_latest_rating_and_its_weight(clinic: Clinic) -> None:
    course = course_in_phase(
        Phase.TERMINATION, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    first = course.goals.get()
    second = GoalFactory(course=course, position=2, weight=2)
    services.goal_rate(goal=first, by=clinic.therapist_on_team, level=-1)
    services.goal_rate(goal=first, by=clinic.therapist_on_team, level=0)
    assert services.gas_t_score(course) is None  # the second goal is not rated yet
    services.goal_rate(goal=second, by=clinic.therapist_on_team, level=1)
    # weights (1, 2), levels (0, +1): 50 + 20/√(0.7·5 + 0.3·9) = 58.0
    assert services.gas_t_score(course) == 58.0
