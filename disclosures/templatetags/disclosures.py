from __future__ import annotations

from django import template

from disclosures import documents
from disclosures.models import Consent

register = template.Library()


@register.filter
def consent_explanation(consent: Consent | None) -> str:
    return documents.consent_explanation(consent)
