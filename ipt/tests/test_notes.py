"""Session notes: drafts save, the structure follows phase and problem area, a signed
note cannot change (service, model and database), corrections are addenda."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from conftest import Clinic
from ipt import services
from ipt.choices import Attendance, NoteStatus, Phase
from ipt.forms import session_checklists
from ipt.models import CourseSession, NoteAddendum, NoteLocked, SessionNote
from ipt.services import Refused
from ipt.tests.factories import course_in_phase, signed_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinic: Clinic) -> CourseSession:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    return course.sessions.order_by("-number").first()  # type: ignore[return-value]


def test_a_draft_saves_and_saves_again(clinic: Clinic, session: CourseSession) -> None:
    # when
    note = services.note_save_draft(
        session=session,
        by=clinic.therapist_on_team,
        mood=4,
        cravings=6,
        week_events="Argument with partner on Friday about money.",
        checklist=["disputes:communication"],
        techniques=["communication_analysis", "role_play"],
    )
    services.note_save_draft(session=session, by=clinic.therapist_on_team, mood=5)
    # then
    note.refresh_from_db()
    assert (note.status, note.mood, note.cravings, note.phase) == (
        NoteStatus.DRAFT,
        5,
        6,
        Phase.MIDDLE,
    )
    events = AuditEvent.objects.filter(category="ipt_note").order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert "Argument" not in events[0].detail
    assert "week_events" in events[0].detail
    assert events[1].detail.endswith("fields: mood")


def test_the_checklists_follow_the_phase_and_the_area(clinic: Clinic) -> None:
    initial = course_in_phase(Phase.INITIAL, clinician=clinic.therapist_on_team)
    first = CourseSession.objects.create(
        course=initial,
        number=1,
        held_on=initial.opened_on,
        phase=Phase.INITIAL,
        recorded_by=clinic.therapist_on_team,
    )
    assert [c.key for c in session_checklists(first)] == ["initial"]
    middle = course_in_phase(Phase.MIDDLE, clinician=clinic.therapist_on_team)
    assert [c.key for c in session_checklists(middle.sessions.last())] == ["disputes"]  # type: ignore[arg-type]
    ending = course_in_phase(Phase.TERMINATION, clinician=clinic.therapist_on_team)
    last = ending.sessions.order_by("-number").first()
    assert [c.key for c in session_checklists(last)] == ["termination", "disputes"]  # type: ignore[arg-type]


def test_a_note_ticks_only_its_own_checklists(
    clinic: Clinic, session: CourseSession
) -> None:
    with pytest.raises(Refused, match="this session's phase and area"):
        services.note_save_draft(
            session=session, by=clinic.therapist_on_team, checklist=["grief:mourning"]
        )
    with pytest.raises(Refused, match="techniques from the list"):
        services.note_save_draft(
            session=session, by=clinic.therapist_on_team, techniques=["hypnosis"]
        )
    assert not SessionNote.objects.exists()


def test_only_the_author_changes_or_signs_a_draft(
    clinic: Clinic, session: CourseSession
) -> None:
    note = services.note_save_draft(
        session=session,
        by=clinic.therapist_on_team,
        risk_level="none",
        plan="Role play.",
    )
    with pytest.raises(Refused, match="Only the author"):
        services.note_save_draft(session=session, by=clinic.supervisor, mood=1)
    with pytest.raises(Refused, match="signed by its author"):
        services.note_sign(note=note, by=clinic.supervisor)


def test_signing_needs_the_risk_review_and_the_plan(
    clinic: Clinic, session: CourseSession
) -> None:
    note = services.note_save_draft(
        session=session, by=clinic.therapist_on_team, mood=3
    )
    with pytest.raises(Refused) as refusal:
        services.note_sign(note=note, by=clinic.therapist_on_team)
    assert refusal.value.reasons == ["Complete the risk review.", "Write the plan."]
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def test_a_signed_note_is_locked_against_the_service(
    clinic: Clinic, session: CourseSession
) -> None:
    note = services.note_save_draft(
        session=session,
        by=clinic.therapist_on_team,
        risk_level="low",
        plan="Homework: diary.",
    )
    services.note_sign(note=note, by=clinic.therapist_on_team)
    note.refresh_from_db()
    assert note.is_signed and note.signed_by == clinic.therapist_on_team
    # when / then
    with pytest.raises(NoteLocked):
        services.note_save_draft(
            session=session, by=clinic.therapist_on_team, plan="Changed."
        )
    with pytest.raises(NoteLocked):
        services.note_sign(note=note, by=clinic.therapist_on_team)
    note.refresh_from_db()
    assert note.plan == "Homework: diary."


def test_a_signed_note_refuses_a_direct_save_and_delete(session: CourseSession) -> None:
    note = signed_note(session)
    loaded = SessionNote.objects.get(pk=note.pk)
    loaded.plan = "Rewritten history."
    with pytest.raises(NoteLocked):
        loaded.save()
    with pytest.raises(NoteLocked):
        loaded.delete()
    assert SessionNote.objects.get(pk=note.pk).plan == "Carry on with the role play."


def test_the_database_refuses_to_change_a_signed_note(session: CourseSession) -> None:
    note = signed_note(session)
    # a queryset update goes straight to the database: the trigger refuses it
    with pytest.raises(DatabaseError), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(plan="Rewritten history.")
    with pytest.raises(DatabaseError), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(status=NoteStatus.DRAFT)
    assert SessionNote.objects.get(pk=note.pk).plan == "Carry on with the role play."


def test_the_database_still_lets_a_draft_change(
    clinic: Clinic, session: CourseSession
) -> None:
    note = services.note_save_draft(
        session=session, by=clinic.therapist_on_team, mood=2
    )
    SessionNote.objects.filter(pk=note.pk).update(mood=3)
    note.refresh_from_db()
    assert note.mood == 3


def test_corrections_are_addenda_and_addenda_never_change(
    clinic: Clinic, session: CourseSession
) -> None:
    note = services.note_save_draft(
        session=session, by=clinic.therapist_on_team, mood=2
    )
    with pytest.raises(Refused, match="addenda are for signed notes"):
        services.note_addendum_add(note=note, by=clinic.therapist_on_team, text="Oops.")
    SessionNote.objects.filter(pk=note.pk).delete()
    note = signed_note(session)
    # when
    addendum = services.note_addendum_add(
        note=note, by=clinic.supervisor, text="Mood was 4, not 2."
    )
    # then
    assert list(note.addenda.all()) == [addendum]
    addendum.text = "Changed."
    with pytest.raises(NoteLocked):
        addendum.save()
    with pytest.raises(NoteLocked):
        addendum.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        NoteAddendum.objects.filter(pk=addendum.pk).update(text="Changed.")
    assert NoteAddendum.objects.get(pk=addendum.pk).text == "Mood was 4, not 2."


def test_a_missed_session_has_no_note(clinic: Clinic, session: CourseSession) -> None:
    missed = services.session_record(
        course=session.course,
        by=clinic.therapist_on_team,
        held_on=session.held_on,
        attendance=Attendance.MISSED,
    )
    with pytest.raises(Refused, match="attended sessions"):
        services.note_save_draft(session=missed, by=clinic.therapist_on_team, mood=1)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE for emptying test databases (migration 0003 says why)",
)
def test_postgresql_refuses_to_delete_a_signed_note(session: CourseSession) -> None:
    note = signed_note(session)
    with pytest.raises(DatabaseError), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).delete()
    assert SessionNote.objects.filter(pk=note.pk).exists()
