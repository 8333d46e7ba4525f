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
from ipt.models import Course
from patients.models import Patient
from supervision.models import CaseDiscussion, SupervisionAction, SupervisionNote


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
