"""Template helpers for the IPT app's sections in other apps' pages."""

from __future__ import annotations

from django import template

from ipt.models import Course
from patients.models import Patient

register = template.Library()


@register.simple_tag
def patient_courses(patient: Patient) -> list[Course]:
    """The patient's courses, newest first, in one query (the patient page shows them;
    its view has already checked clinical access)."""
    return list(Course.objects.filter(patient=patient).select_related("program"))
