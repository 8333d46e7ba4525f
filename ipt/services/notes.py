"""Session notes: a draft per attended session, signed by its author and then locked;
corrections are addenda."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.choices import Action
from ipt import strategies
from ipt.choices import NoteStatus
from ipt.models import CourseSession, NoteAddendum, NoteLocked, SessionNote
from ipt.services._common import Refused, fields_detail, record

if TYPE_CHECKING:
    from accounts.models import Staff

NOTE_FIELDS = (
    "mood",
    "cravings",
    "week_events",
    "since_last_time",
    "checklist",
    "techniques",
    "homework_reviewed",
    "homework_set",
    "risk_level",
    "risk_notes",
    "plan",
)


def checklist_choices(session: CourseSession) -> list[strategies.Checklist]:
    """The note's checklists for this session: its phase and the course's areas."""
    areas = [area.area for area in session.course.problem_areas.all()]
    return strategies.checklists_for(session.phase, areas)


def _check_codes(session: CourseSession, fields: dict[str, Any]) -> None:
    allowed = {
        code
        for checklist in checklist_choices(session)
        for code, _ in checklist.stored()
    }
    if not set(fields.get("checklist", [])) <= allowed:
        raise Refused(
            "Tick only the tasks and strategies of this session's phase and area."
        )
    techniques = {code for code, _ in strategies.TECHNIQUES}
    if not set(fields.get("techniques", [])) <= techniques:
        raise Refused("Tick only techniques from the list.")


@transaction.atomic
def note_save_draft(*, session: CourseSession, by: Staff, **fields: Any) -> SessionNote:
    """Create or update the draft note of an attended session. Only its author edits a
    draft; a signed note refuses (``NoteLocked``)."""
    unknown = set(fields) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"Not note fields: {sorted(unknown)}")
    if not session.attended:
        raise Refused("Notes are written for attended sessions.")
    note = SessionNote.objects.filter(session=session).first()
    created = note is None
    if note is None:
        note = SessionNote(session=session, author=by, phase=session.phase)
    elif note.is_signed:
        raise NoteLocked("This note is signed: add an addendum instead.")
    elif note.author_id != by.pk:
        raise Refused("Only the author of a draft changes it.")
    _check_codes(session, fields)
    changed = [name for name, value in fields.items() if getattr(note, name) != value]
    for name, value in fields.items():
        setattr(note, name, value)
    note.full_clean()
    note.save()
    record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="ipt_note",
        course=session.course,
        object_id=str(note.public_id),
        detail=f"session={session.number}; " + fields_detail(changed),
    )
    return note


def sign_blockers(note: SessionNote) -> list[str]:
    blockers = []
    if not note.risk_level:
        blockers.append("Complete the risk review.")
    if not note.plan.strip():
        blockers.append("Write the plan.")
    return blockers


@transaction.atomic
def note_sign(*, note: SessionNote, by: Staff) -> SessionNote:
    """Sign the draft: from now on it is locked (corrections are addenda)."""
    note = SessionNote.objects.select_for_update().get(pk=note.pk)
    if note.is_signed:
        raise NoteLocked("This note is already signed.")
    if note.author_id != by.pk:
        raise Refused("A note is signed by its author.")
    blockers = sign_blockers(note)
    if blockers:
        raise Refused(blockers)
    note.status = NoteStatus.SIGNED
    note.signed_at = timezone.now()
    note.signed_by = by
    note.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    session = note.session
    record(
        by=by,
        action=Action.UPDATE,
        category="ipt_note",
        course=session.course,
        object_id=str(note.public_id),
        detail=f"session={session.number}; signed",
    )
    return note


@transaction.atomic
def note_addendum_add(*, note: SessionNote, by: Staff, text: str) -> NoteAddendum:
    """Add a correction or addition to a signed note."""
    if not note.is_signed:
        raise Refused("A draft is edited directly; addenda are for signed notes.")
    text = text.strip()
    if not text:
        raise Refused("Write the addendum.")
    addendum = NoteAddendum(note=note, author=by, text=text)
    addendum.full_clean()
    addendum.save()
    record(
        by=by,
        action=Action.CREATE,
        category="ipt_note_addendum",
        course=note.session.course,
        object_id=str(note.public_id),
        detail="fields: text",
    )
    return addendum
