"""The patient's own view of their interpersonal inventory: they may add people and
change the ones they added; the clinician reviews each before it counts as agreed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from audit import services as audit
from audit.choices import Action
from ipt.models import InventoryPerson
from portal.services.links import PATIENT
from portal.services.questionnaires import current_course

if TYPE_CHECKING:
    from patients.models import Patient

CATEGORY = "portal_inventory"
PATIENT_FIELDS = (
    "name",
    "relationship",
    "contact_frequency",
    "closeness",
    "quality",
    "satisfying",
    "unsatisfying",
    "desired_change",
)


class InventoryRefused(ValidationError):
    """No open course to add to, or a person the patient may not change."""


def person_of(patient: Patient, person_id: uuid.UUID) -> InventoryPerson:
    """A person the patient added, in their current course; 404-like refusal else."""
    course = current_course(patient)
    person = (
        InventoryPerson.objects.filter(
            course=course, public_id=person_id, added_by_patient=True
        ).first()
        if course is not None
        else None
    )
    if person is None:
        raise InventoryRefused("No such person.")
    return person


@transaction.atomic
def person_save(
    *, patient: Patient, values: dict[str, object], person: InventoryPerson | None
) -> InventoryPerson:
    """Add a person, or change one the patient added; either way it waits for the
    clinician's review again."""
    course = current_course(patient)
    if course is None or course.phase == "ended":
        raise InventoryRefused("There is no course to add people to.")
    created = person is None
    if person is None:
        person = InventoryPerson(course=course, added_by_patient=True)
    elif person.course_id != course.pk or not person.added_by_patient:
        raise InventoryRefused("No such person.")
    for name in PATIENT_FIELDS:
        if name in values:
            setattr(person, name, values[name])
    person.patient_reviewed_at = None
    person.full_clean(exclude=["course"])
    person.save()
    audit.record(
        actor=None,
        action=Action.CREATE if created else Action.UPDATE,
        category=CATEGORY,
        patient=patient,
        object_id=str(person.public_id),
        actor_label=PATIENT,
    )
    return person
