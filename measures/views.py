"""Staff pages for rating scales. Each view: the patient through ``accounts.access``
(which writes the audit row) with clinical access required, the administration fetched
through that patient, a form or a selector, a render."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import request_staff as _staff
from iptcare.lib.submissions import saved_once
from measures import selectors, services
from measures.choices import Source
from measures.forms import (
    AdministrationForm,
    CorrectionForm,
    InstrumentForm,
    instrument_as_displayed,
)
from measures.instruments import REGISTRY


def _clinical_access(
    request: HttpRequest, public_id: UUID, detail: str
) -> access.PatientAccess:
    patient_access = access.patient_get_for_user(
        staff=_staff(request),
        public_id=public_id,
        category="measure",
        detail=detail,
    )
    access.require_clinical(patient_access)
    return patient_access


def _save_errors(form: InstrumentForm, error: ValidationError) -> None:
    """The service refused what the form let through (a race, or a rule only it knows)."""
    for message in error.messages:
        form.add_error(None, message)


@require_http_methods(["GET", "POST"])
@saved_once
def administration_record(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Choose a questionnaire (no ``?instrument=``), then fill it in and save."""
    patient = _clinical_access(request, public_id, "record a questionnaire").patient
    instrument_id = request.GET.get("instrument", "")[:32]
    instrument = REGISTRY.get(instrument_id)
    if instrument is None:
        error = (
            f"There is no questionnaire called {instrument_id!r}."
            if instrument_id
            else ""
        )
        context = {"patient": patient, "instruments": REGISTRY.values(), "error": error}
        return render(request, "measures/administration_choose.html", context)
    form = AdministrationForm(
        request.POST or None, instrument=instrument, born=patient.date_of_birth
    )
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_record(
                by=_staff(request),
                instrument_id=instrument.id,
                answers=form.positions(),
                extra_answers=form.extra_positions(),
                source=Source.CLINICIAN,
                patient=patient,
                administered_at=form.cleaned_data["administered_at"],
            )
        except ValidationError as error:
            _save_errors(form, error)
        else:
            if not administration.is_critical:  # otherwise the safety steps come first
                messages.success(request, f"{instrument.short_name} saved.")
            return redirect("measures:detail", public_id, administration.public_id)
    context = {"patient": patient, "instrument": instrument, "form": form}
    return render(request, "measures/administration_form.html", context)


@require_http_methods(["GET"])
def administration_detail(
    request: HttpRequest, public_id: UUID, administration_id: UUID
) -> HttpResponse:
    """The result: safety steps first if an answer was critical, then the score."""
    patient = _clinical_access(request, public_id, "questionnaire").patient
    administration = selectors.administration_for_patient(
        patient=patient, public_id=administration_id
    )
    context = {
        "patient": patient,
        "administration": administration,
        "answer_rows": administration.answer_rows(
            instrument_as_displayed(administration.instrument)
            if administration.instrument
            else None
        ),
        "history": selectors.administration_history(administration),
        "risk_events": selectors.administration_risk_events(administration),
    }
    return render(request, "measures/administration_detail.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def administration_correct(
    request: HttpRequest, public_id: UUID, administration_id: UUID
) -> HttpResponse:
    """A new version with corrected answers and a reason; the original is kept."""
    patient = _clinical_access(request, public_id, "correct a questionnaire").patient
    original = selectors.administration_for_patient(
        patient=patient, public_id=administration_id
    )
    if not original.is_current or original.instrument is None:
        messages.error(
            request,
            "Only the latest version of a questionnaire IPT Care still offers can be corrected.",
        )
        return redirect("measures:detail", public_id, original.public_id)
    form = CorrectionForm(
        request.POST or None,
        instrument=original.instrument,
        answers=original.answers,
        extra_answers=original.extra_answers,
    )
    if request.method == "POST" and form.is_valid():
        try:
            corrected = services.administration_correct(
                by=_staff(request),
                original=original,
                answers=form.positions(),
                extra_answers=form.extra_positions(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _save_errors(form, error)
        else:
            if not corrected.is_critical:
                messages.success(
                    request, "Correction saved; the earlier version is kept."
                )
            return redirect("measures:detail", public_id, corrected.public_id)
    context = {
        "patient": patient,
        "instrument": original.instrument,
        "form": form,
        "original": original,
    }
    return render(request, "measures/administration_form.html", context)
