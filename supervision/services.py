"""Writes of the supervision app: keyword-only, atomic, validated, audited (the
patient's id and the field names in the trail, never the advice itself)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from accounts.choices import Role
from accounts.models import Staff
from audit import services as audit
from audit.choices import Action
from ipt.models import Course, CourseSession
from patients.models import Patient
from supervision import checklists
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


def clinicians_supervised_by(supervisor: Staff) -> list[int]:
    """The clinicians and supervisors of the supervisor's teams."""
    return list(
        Staff.objects.filter(
            teams__in=supervisor.teams.all(),
            role__in=[Role.CLINICIAN, Role.SUPERVISOR],
            is_active=True,
        )
        .values_list("id", flat=True)
        .distinct()
    )


@transaction.atomic
def note_record(
    *,
    supervisor: Staff,
    clinician: Staff,
    held_on: date,
    patients: Sequence[Patient],
    advice: str,
    actions: Sequence[tuple[str, date]] = (),
) -> SupervisionNote:
    """Record a case discussion: the advice for each patient discussed (shown on their
    current course's page) and the actions agreed, each due by a date."""
    if supervisor.role != Role.SUPERVISOR:
        raise PermissionDenied("Only a supervisor records supervision.")
    if clinician.pk not in clinicians_supervised_by(supervisor):
        raise ValidationError({"clinician": "Not a clinician of your teams."})
    visible = set(
        access.caseload_for(supervisor)
        .filter(pk__in=[p.pk for p in patients])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({p.pk for p in patients}):
        raise ValidationError({"patients": "A patient discussed is not of your teams."})
    if not advice.strip():
        raise ValidationError({"advice": "Write the advice given."})
    note = SupervisionNote(supervisor=supervisor, clinician=clinician, held_on=held_on)
    note.full_clean()
    note.save()
    current = {
        course.patient_id: course
        for course in Course.objects.filter(patient__in=patients).order_by(
            "patient_id", "opened_on", "id"
        )
    }  # each patient's latest course (later courses overwrite earlier ones)
    entries = []
    for patient in patients:
        case = CaseDiscussion(
            note=note,
            patient=patient,
            course=current.get(patient.pk),
            advice=advice.strip(),
        )
        case.full_clean()
        case.save()
        entries.append(
            audit.Entry(
                Action.CREATE,
                "supervision",
                patient,
                str(case.public_id),
                f"note={note.public_id}; fields=advice",
            )
        )
    for description, due_on in actions:
        action = SupervisionAction(
            note=note, description=description.strip(), due_on=due_on
        )
        action.full_clean()
        action.save()
    entries.append(
        audit.Entry(
            Action.CREATE,
            "supervision",
            None,
            str(note.public_id),
            f"cases={len(patients)}; actions={len(actions)}",
        )
    )
    audit.record_many(actor=supervisor, entries=entries)
    return note


@transaction.atomic
def action_done(*, action: SupervisionAction, by: Staff) -> SupervisionAction:
    """Mark an action done: by the note's supervisor or its clinician only."""
    note = action.note
    if by.pk not in {note.supervisor_id, note.clinician_id}:
        raise PermissionDenied("Not your action.")
    if action.done_at is None:
        action.done_at = timezone.now()
        action.done_by = by
        action.save(update_fields=["done_at", "done_by", "updated_at"])
        audit.record(
            actor=by,
            action=Action.UPDATE,
            category="supervision",
            object_id=str(action.public_id),
            detail="fields=done_at",
        )
    return action


# --- Session fidelity ratings --------------------------------------------------------


def checklist_ensure() -> Checklist:
    """The shipped checklist, restored if a test flushed the data migration's rows."""
    checklist, created = Checklist.objects.get_or_create(
        code=checklists.CODE,
        defaults={"name": checklists.NAME, "source": checklists.SOURCE},
    )
    if created:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                position=position,
                phase=phase,
                problem_area=area,
                text=text,
            )
            for position, (phase, area, text) in enumerate(checklists.ITEMS, start=1)
        )
    return checklist


def rater_role(*, staff: Staff, course: Course) -> RaterRole | None:
    """The course's clinician rates themselves; a supervisor (with access to the
    patient, checked by the caller) rates as supervisor; nobody else rates."""
    if staff.pk == course.clinician_id:
        return RaterRole.SELF
    if staff.role == Role.SUPERVISOR:
        return RaterRole.SUPERVISOR
    return None


@transaction.atomic
def session_rate(
    *,
    session: CourseSession,
    checklist: Checklist,
    by: Staff,
    role: RaterRole,
    scores: dict[str, str],
) -> SessionRating:
    """Record (or replace) this rater role's rating of the session."""
    allowed = {str(pk) for pk in checklist.items.values_list("pk", flat=True)}
    if not set(scores) <= allowed or not set(scores.values()) <= set(ItemScore.values):
        raise ValidationError("A rating names an item or a score that does not exist.")
    rating, _ = SessionRating.objects.update_or_create(
        session=session,
        checklist=checklist,
        role=role,
        defaults={"rater": by, "scores": scores},
    )
    audit.record(
        actor=by,
        action=Action.UPDATE,
        category="supervision",
        patient=session.course.patient,
        object_id=str(rating.public_id),
        detail=f"session={session.public_id}; fidelity rating; role={role}",
    )
    return rating
