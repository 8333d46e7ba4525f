"""The patient's own pages in the portal: who received their records."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from audit import services as audit
from audit.choices import Action
from disclosures import selectors
from patients.models import Patient
from portal import session
from portal.crisis import crisis_lines


def _patient(request: HttpRequest) -> Patient:
    return request.portal_patient  # type: ignore[attr-defined, no-any-return]


@require_http_methods(["GET"])
@session.patient_required
def accounting(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    audit.record(
        actor=None,
        action=Action.VIEW,
        category="accounting",
        patient=patient,
        detail="portal",
        actor_label="patient",
    )
    return render(
        request,
        "disclosures/portal_accounting.html",
        {
            "accounting": selectors.accounting(patient),
            "crisis_lines": crisis_lines(),
            "section": "disclosures",
            "portal_patient": patient,
        },
    )
