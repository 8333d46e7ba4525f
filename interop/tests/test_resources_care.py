"""The mappings of the course, its sessions and consents (PractitionerRole,
Appointment, Encounter, EpisodeOfCare, CarePlan, Goal, Consent): each valid against the
R4 model, and every mapped field survives the round trip database → FHIR → back."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.practitionerrole import PractitionerRole

from accounts.choices import Role
from accounts.tests.factories import SiteFactory, StaffFactory, TeamFactory
from disclosures.choices import ConsentKind, ContentKind, RecipientKind
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from interop import codes
from interop.resources import (
    appointment,
    care_plan,
    consent,
    encounter,
    episode_of_care,
    goal,
    practitioner_role,
)
from ipt.choices import Attendance, Frequency, Outcome, Phase, ProblemArea
from ipt.models import CourseProblemArea, CourseSession, GoalRating
from ipt.tests.factories import CourseFactory, GoalFactory, course_in_phase
from scheduling.choices import AppointmentStatus, AttendanceOutcome
from scheduling.tests.factories import AttendeeFactory, booked

pytestmark = pytest.mark.django_db


def valid(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Validated by fhir.resources (R4B), which raises on anything invalid."""
    model.model_validate(data)
    return data


# --- PractitionerRole -----------------------------------------------------------------
def test_practitioner_role_round_trips_one_role_per_team_of_the_site() -> None:
    site = SiteFactory()
    first, second = TeamFactory(site=site), TeamFactory(site=site)
    staff = StaffFactory(
        site=site, role=Role.SUPERVISOR, teams=[first, second, TeamFactory()]
    )
    roles = [valid(PractitionerRole, r) for r in practitioner_role.to_fhir(staff)]
    assert [practitioner_role.from_fhir(r) for r in roles] == [
        {
            "public_id": str(staff.public_id),
            "is_active": True,
            "role": "supervisor",
            "team_id": team.pk,
        }
        for team in (first, second)
    ]
    assert roles[0]["id"] == f"{staff.public_id}.team-{first.pk}"


def test_practitioner_role_of_someone_in_no_team_is_at_the_site() -> None:
    staff = StaffFactory(role=Role.INTAKE, is_active=False)
    (role,) = practitioner_role.to_fhir(staff)
    back = practitioner_role.from_fhir(valid(PractitionerRole, role))
    assert back == {
        "public_id": str(staff.public_id),
        "is_active": False,
        "role": "intake",
        "site_id": staff.site_id,
    }


# --- Appointment ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("attendance", "status"),
    [
        ("", "booked"),
        (AttendanceOutcome.ATTENDED, "fulfilled"),
        (AttendanceOutcome.DID_NOT_ATTEND, "noshow"),
        (AttendanceOutcome.LATE_CANCELLATION, "cancelled"),
    ],
)
def test_appointment_round_trips_with_its_attendance(
    attendance: str, status: str
) -> None:
    course = CourseFactory()
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    booked(course.patient, course.clinician, starts_at=start, minutes=50, course=course)
    attendee = course.attendees.get()
    if attendance:
        attendee.attendance = attendance
        attendee.attendance_recorded_at = timezone.now()
        attendee.save()
    data = valid(FhirAppointment, appointment.to_fhir(attendee))
    back = appointment.from_fhir(data)
    assert data["status"] == status
    assert back == {
        "public_id": str(attendee.public_id),
        "attendance": attendance,
        "cancelled": False,
        "kind": "individual",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(minutes=50),
        "patient": str(course.patient.public_id),
        "clinician": str(course.clinician.public_id),
    }


def test_a_cancelled_appointment_is_cancelled_and_the_patient_declined() -> None:
    attendee = AttendeeFactory(appointment__status=AppointmentStatus.CANCELLED)
    data = valid(FhirAppointment, appointment.to_fhir(attendee))
    assert data["status"] == "cancelled"
    assert appointment.from_fhir(data)["cancelled"] is True


# --- Encounter ------------------------------------------------------------------------
def test_encounter_round_trips_an_attended_session_with_its_appointment() -> None:
    course = course_in_phase(Phase.MIDDLE)
    session = course.sessions.order_by("number").last()
    assert session is not None
    attendee = AttendeeFactory(
        patient=course.patient, course=course, course_session=session
    )
    data = valid(Encounter, encounter.to_fhir(session))
    back = encounter.from_fhir(data)
    assert data["status"] == "finished"
    assert back == {
        "public_id": str(session.public_id),
        "attendance": "attended",
        "phase": session.phase,
        "number": session.number,
        "delivery": "individual",
        "held_on": session.held_on,
        "course": str(course.public_id),
        "patient": str(course.patient.public_id),
        "clinician": str(course.clinician.public_id),
        "appointment": str(attendee.public_id),
    }


def test_a_missed_session_is_a_cancelled_encounter_saying_missed() -> None:
    course = CourseFactory()
    session = CourseSession.objects.create(
        course=course,
        held_on=course.opened_on,
        attendance=Attendance.MISSED,
        phase=Phase.INITIAL,
        recorded_by=course.clinician,
    )
    data = valid(Encounter, encounter.to_fhir(session))
    back = encounter.from_fhir(data)
    assert data["status"] == "cancelled"
    assert (back["attendance"], back["number"], back["appointment"]) == (
        "missed",
        None,
        "",
    )


# --- EpisodeOfCare and CarePlan -------------------------------------------------------
def _ended_course() -> Any:
    course = course_in_phase(Phase.TERMINATION)
    today = timezone.localdate()
    course.middle_began_on = course.opened_on + datetime.timedelta(days=21)
    course.termination_began_on = today - datetime.timedelta(days=7)
    course.phase = Phase.ENDED
    course.outcome = Outcome.DROPPED_OUT
    course.ended_on = today
    course.save()
    return course


def test_episode_of_care_round_trips_an_open_and_an_ended_course() -> None:
    for course in [CourseFactory(), _ended_course()]:
        data = valid(EpisodeOfCare, episode_of_care.to_fhir(course))
        back = episode_of_care.from_fhir(data)
        assert back == {
            "public_id": str(course.public_id),
            "program": course.program.code,
            "outcome": course.outcome,
            "ended": course.phase == Phase.ENDED,
            "opened_on": course.opened_on,
            "ended_on": course.ended_on,
            "patient": str(course.patient.public_id),
            "clinician": str(course.clinician.public_id),
        }
        assert data["managingOrganization"] == {
            "reference": f"Organization/team-{course.patient.team_id}"
        }


def test_care_plan_round_trips_phases_contract_areas_and_goals() -> None:
    # given a course in its middle phase with two problem areas
    course = course_in_phase(Phase.MIDDLE)
    course.middle_began_on = course.opened_on + datetime.timedelta(days=21)
    course.save()
    CourseProblemArea.objects.create(
        course=course,
        area=ProblemArea.TRANSITIONS,
        rank=2,
        chosen_by=course.clinician,
    )
    contract = course.contract
    contract.frequency = Frequency.FORTNIGHTLY
    contract.save()
    # when
    data = valid(CarePlan, care_plan.to_fhir(course))
    back = care_plan.from_fhir(data)
    # then
    for field in [
        "phase",
        "opened_on",
        "ended_on",
        "middle_began_on",
        "termination_began_on",
        "sessions_planned",
        "formulation",
    ]:
        assert back[field] == getattr(course, field), field
    assert back["program"] == course.program.code
    assert back["contract"] == {
        field: getattr(contract, field)
        for field in [
            "sessions_agreed",
            "frequency",
            "starts_on",
            "missed_session_policy",
            "agreed_on",
        ]
    }
    assert back["problem_areas"] == [
        {"rank": a.rank, "area": a.area, "dispute_stage": a.dispute_stage}
        for a in course.problem_areas.order_by("rank")
    ]
    assert back["goals"] == [str(g.public_id) for g in course.goals.all()]
    assert data["addresses"] == [{"reference": "#area-1"}, {"reference": "#area-2"}]
    statuses = [a["detail"]["status"] for a in data["activity"]]
    assert statuses == ["completed", "in-progress", "not-started", "in-progress"]


def test_care_plan_of_a_course_ended_early_says_so() -> None:
    course = _ended_course()
    data = valid(CarePlan, care_plan.to_fhir(course))
    back = care_plan.from_fhir(data)
    assert data["status"] == "revoked"  # dropped out before completing
    assert (back["phase"], back["ended_on"]) == (Phase.ENDED, course.ended_on)
    assert back["termination_began_on"] == course.termination_began_on


def test_care_plan_before_a_contract_or_area_is_valid() -> None:
    course = CourseFactory()
    data = valid(CarePlan, care_plan.to_fhir(course))
    back = care_plan.from_fhir(data)
    assert back["contract"] is None and back["problem_areas"] == []
    assert back["phase"] == Phase.INITIAL


# --- Goal -----------------------------------------------------------------------------
def test_goal_round_trips_levels_weight_and_ratings() -> None:
    therapist = StaffFactory()
    item = GoalFactory(weight=3, position=2, area=ProblemArea.GRIEF)
    first = datetime.date(2026, 3, 1)
    for offset, level in [(0, -1), (14, 1)]:
        GoalRating.objects.create(
            goal=item,
            level=level,
            rated_on=first + datetime.timedelta(days=offset),
            rated_by=therapist,
        )
    data = valid(FhirGoal, goal.to_fhir(item))
    back = goal.from_fhir(data)
    for field in [
        "area",
        "description",
        "weight",
        "position",
        "level_minus_2",
        "level_minus_1",
        "level_0",
        "level_plus_1",
        "level_plus_2",
    ]:
        assert back[field] == getattr(item, field), field
    assert back["ratings"] == [
        {"level": -1, "rated_on": first, "rated_by": str(therapist.public_id)},
        {
            "level": 1,
            "rated_on": first + datetime.timedelta(days=14),
            "rated_by": str(therapist.public_id),
        },
    ]
    assert back["patient"] == str(item.course.patient.public_id)
    assert data["achievementStatus"]["coding"][0]["code"] == "achieved"


def test_a_goal_below_its_expected_level_is_in_progress_then_not_achieved() -> None:
    item = GoalFactory()
    GoalRating.objects.create(
        goal=item, level=-2, rated_on=datetime.date(2026, 3, 1), rated_by=StaffFactory()
    )
    assert goal.to_fhir(item)["achievementStatus"]["coding"][0]["code"] == (
        "in-progress"
    )
    unrated = valid(FhirGoal, goal.to_fhir(GoalFactory()))
    assert "achievementStatus" not in unrated


# --- Consent --------------------------------------------------------------------------
def test_consent_round_trips_a_specific_consent() -> None:
    gp, payer = RecipientFactory(), RecipientFactory(kind=RecipientKind.PAYER)
    signed = timezone.now() - datetime.timedelta(days=3)
    item = ConsentFactory(
        scopes=[ContentKind.SCORES, ContentKind.ATTENDANCE],
        recipients=[gp, payer],
        signed_at=signed,
        expires_at=signed + datetime.timedelta(days=365),
    )
    data = valid(FhirConsent, consent.to_fhir(item))
    back = consent.from_fhir(data)
    for field in [
        "kind",
        "purpose",
        "information",
        "expiry_event",
        "revoked_at",
        "signed_at",
        "expires_at",
        "discloser",
        "recipient_description",
    ]:
        assert back[field] == getattr(item, field), field
    assert back["content_kinds"] == ["attendance", "scores"]
    assert back["recipients"] == [str(gp.public_id), str(payer.public_id)]
    assert back["status"] == "active"
    assert data["category"][0]["coding"][0] == {
        "system": codes.LOINC,
        "code": "64292-6",
    }
    assert "signature" not in str(data)


def test_a_revoked_tpo_consent_is_inactive_and_names_its_class() -> None:
    item = ConsentFactory(kind=ConsentKind.TPO, scopes=[ContentKind.DEMOGRAPHICS])
    item.revoked_at = timezone.now() - datetime.timedelta(hours=1)
    item.revocation_received_on = timezone.localdate()
    item.save()
    data = valid(FhirConsent, consent.to_fhir(item))
    back = consent.from_fhir(data)
    assert back["status"] == "inactive"
    assert back["revoked_at"] == item.revoked_at
    assert back["recipient_description"] == item.recipient_description
    assert back["recipients"] == []
