"""Small template filters of the recovery pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

WORDS = {
    "abstinent": "yes",
    "used": "no — use reported",
    "unknown": "not known (days without a report)",
}


@register.filter
def abstinence_words(value: str) -> str:
    return WORDS.get(str(value), str(value))


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


# --- Sections other apps' pages show (a one-line load in their templates, so that
# the recovery record appears where clinicians already look; each a fixed number of
# queries, the page's own access check and audit row standing for the read).


@register.inclusion_tag("recovery/_session_use_summary.html")
def session_use_summary(session: Any, patient: Any) -> dict[str, Any]:
    from recovery.selectors import session_use_summary as summary

    return {
        "session": session,
        "patient": patient,
        "reports": summary(session) if session.attended else [],
    }


@register.inclusion_tag("recovery/_course_medications.html")
def course_medications(patient: Any) -> dict[str, Any]:
    from patients.models import ConcurrentTreatment
    from recovery.selectors import medications_of

    return {
        "patient": patient,
        "medications": medications_of(patient),
        "treatments": list(
            ConcurrentTreatment.objects.filter(patient=patient).exclude(
                kind="medication"
            )
        ),
    }


@register.inclusion_tag("recovery/_care_level_timeline.html")
def care_level_timeline(patient: Any) -> dict[str, Any]:
    from recovery.models import CareLevelChange

    return {
        "patient": patient,
        "changes": list(
            CareLevelChange.objects.filter(patient=patient).select_related("level")
        ),
    }


@register.inclusion_tag("recovery/_use_outcome_card.html")
def use_outcome(course: Any) -> dict[str, Any]:
    from recovery.models import Substance
    from recovery.selectors import course_use_outcome

    return {
        "patient": course.patient,
        "outcome": course_use_outcome(course),
        "substances": dict(Substance.objects.values_list("code", "name")),
    }
