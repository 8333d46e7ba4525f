"""The recovery pages: the patient through ``recovery.selectors.patient_for`` (access
module, audited, 404 without clinical access), a form, a service, a render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_staff as _staff
from audit.choices import Action
from ipt.services import Refused
from iptcare.lib.forms import form_refusal
from iptcare.lib.submissions import saved_once
from patients.models import Patient
from recovery import forms, selectors, services
from recovery.models import TestPanel, UseReport


def _patient(request: HttpRequest, public_id: UUID, detail: str) -> Patient:
    action = Action.VIEW if request.method == "GET" else Action.UPDATE
    return selectors.patient_for(
        staff=_staff(request), public_id=public_id, action=action, detail=detail
    ).patient


def _to_overview(patient: Patient) -> HttpResponse:
    return redirect("recovery:overview", public_id=patient.public_id)


def _form_page(
    request: HttpRequest,
    *,
    patient: Patient,
    form: django_forms.BaseForm,
    save: Callable[[], Any],
    title: str,
    done: str,
    **extra: Any,
) -> HttpResponse:
    """A simple form page: valid and accepted → back to the recovery page."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, done)
            return _to_overview(patient)
    context = {"patient": patient, "form": form, "title": title, **extra}
    return render(request, "recovery/form.html", context)


@require_http_methods(["GET"])
def overview(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "overview")
    return render(
        request,
        "recovery/overview.html",
        {"patient": patient, "recovery": selectors.overview(patient)},
    )


@require_http_methods(["GET", "POST"])
@saved_once
def session_use(
    request: HttpRequest, public_id: UUID, session_id: UUID
) -> HttpResponse:
    patient = _patient(request, public_id, "session use")
    session = selectors.session_of(patient, session_id)
    view = selectors.session_use(session)
    form = forms.SessionUseForm(request.POST or None, view=view)
    if request.method == "POST" and form.is_valid():
        answers = [
            services.SessionUse(substance=s, days_used=days, heavy_days=heavy)
            for s, days, heavy in form.answers()
        ]
        if form.is_valid():  # answers() may add an error
            try:
                services.session_use_record(
                    session=session,
                    by=_staff(request),
                    answers=answers,
                    adherence=form.adherence(),
                )
            except Refused as refusal:
                form_refusal(form, refusal)
            else:
                messages.success(request, "Use since last time recorded.")
                return redirect(
                    "ipt:note",
                    public_id=patient.public_id,
                    course_id=session.course.public_id,
                    session_id=session.public_id,
                )
    context = {"patient": patient, "form": form, "view": view, "session": session}
    return render(request, "recovery/session_use.html", context)


@require_http_methods(["GET", "POST"])
def tlfb(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "calendar")
    chooser = forms.SobrietyForm.base_fields["substance"].queryset  # type: ignore[attr-defined]
    substance = chooser.filter(code=request.GET.get("substance", "alcohol")).first()
    substance = substance or chooser.first()
    length = 90 if request.GET.get("days") == "90" else 28
    first, last = services.tlfb_period(patient, length)
    existing = {
        row.first_day: row.amount if row.amount is not None else row.days_used
        for row in UseReport.objects.filter(
            patient=patient,
            substance=substance,
            source="tlfb",
            first_day__gte=first,
            first_day__lte=last,
        )
    }
    form = forms.TlfbForm(
        request.POST or None,
        substance=substance,
        first=first,
        last=last,
        existing=existing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            filled = services.tlfb_save(
                patient=patient,
                by=_staff(request),
                substance=substance,
                length=length,
                amounts=form.amounts(),
            )
        except Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, f"Calendar saved: {filled} days filled in.")
            return _to_overview(patient)
    context = {
        "patient": patient,
        "form": form,
        "substance": substance,
        "substances": list(chooser),
        "length": length,
        "first": first,
        "last": last,
    }
    return render(request, "recovery/tlfb.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def test_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "drug test")
    panels = TestPanel.objects.filter(is_active=True)
    wanted = request.POST.get("panel") or request.GET.get("panel") or ""
    panel = (panels.filter(pk=wanted).first() if wanted.isdigit() else None) or (
        panels.first()
    )
    if panel is None:
        messages.error(request, "No test panels are set up: ask an administrator.")
        return _to_overview(patient)
    form = forms.DrugTestForm(
        request.POST or None, panel=panel, born=patient.date_of_birth
    )

    def save() -> None:
        data = form.cleaned_data
        test = services.drug_test_record(
            patient=patient,
            by=_staff(request),
            collected_on=data["collected_on"],
            specimen=data["specimen"],
            panel=data["panel"],
            results=form.results(),
            collected_by=data["collected_by"],
            note=data["note"],
        )
        if test.unexpected:
            messages.warning(
                request,
                "Unexpected positive: " + ", ".join(test.unexpected_labels) + ".",
            )

    return _form_page(
        request,
        patient=patient,
        form=form,
        save=save,
        title="Record a drug or alcohol test",
        done="Test recorded.",
        panels=list(panels),
        panel=panel,
    )


@require_http_methods(["GET", "POST"])
def sobriety(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "sobriety date")
    form = forms.SobrietyForm(request.POST or None, born=patient.date_of_birth)
    return _form_page(
        request,
        patient=patient,
        form=form,
        save=lambda: services.sobriety_set(
            patient=patient, by=_staff(request), **form.cleaned_data
        ),
        title="Set a sobriety date",
        done="Sobriety date saved.",
    )


@require_POST
def review(request: HttpRequest, public_id: UUID, review_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "use review")
    item = selectors.review_of(patient, review_id)
    form = forms.ReviewForm(request.POST, born=patient.date_of_birth)
    if not form.is_valid():
        messages.error(request, "Choose confirm or not, with the day of last use.")
        return _to_overview(patient)
    try:
        services.review_decide(
            review=item,
            by=_staff(request),
            confirm=form.cleaned_data["decision"] == "confirm",
            last_use=form.cleaned_data["last_use"],
        )
    except Refused as refusal:
        for reason in refusal.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, "Decision recorded.")
    return _to_overview(patient)


@require_http_methods(["GET", "POST"])
@saved_once
def medication_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "medication")
    form = forms.MedicationForm(request.POST or None, born=patient.date_of_birth)
    return _form_page(
        request,
        patient=patient,
        form=form,
        save=lambda: services.medication_save(
            patient=patient, by=_staff(request), **form.cleaned_data
        ),
        title="Record a medication",
        done="Medication recorded.",
        intro="The program records the medication the patient takes; it does not "
        "prescribe.",
    )


@require_http_methods(["GET", "POST"])
def medication_edit(
    request: HttpRequest, public_id: UUID, medication_id: UUID
) -> HttpResponse:
    patient = _patient(request, public_id, "medication")
    medication = selectors.medication_of(patient, medication_id)
    form = forms.MedicationForm(
        request.POST or None, instance=medication, born=patient.date_of_birth
    )
    if request.method == "POST":
        # The form must not change the instance before the service's checks.
        medication = selectors.medication_of(patient, medication_id)
    return _form_page(
        request,
        patient=patient,
        form=form,
        save=lambda: services.medication_save(
            patient=patient,
            by=_staff(request),
            medication=medication,
            **form.cleaned_data,
        ),
        title="Change a medication",
        done="Medication saved.",
    )


@require_http_methods(["GET", "POST"])
@saved_once
def supporter_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "supporter")
    form = forms.SupporterForm(request.POST or None, patient=patient)
    return _form_page(
        request,
        patient=patient,
        form=form,
        save=lambda: services.supporter_save(
            patient=patient, by=_staff(request), **form.cleaned_data
        ),
        title="Add a supporter",
        done="Supporter saved.",
        intro="Someone the patient allows the program to contact. Record the "
        "patient's permission and what may be shared.",
    )


@require_http_methods(["GET", "POST"])
def supporter_edit(
    request: HttpRequest, public_id: UUID, supporter_id: UUID
) -> HttpResponse:
    patient = _patient(request, public_id, "supporter")
    supporter = selectors.supporter_of(patient, supporter_id)
    form = forms.SupporterForm(
        request.POST or None,
        instance=selectors.supporter_of(patient, supporter_id),
        patient=patient,
    )
    return _form_page(
        request,
        patient=patient,
        form=form,
        save=lambda: services.supporter_save(
            patient=patient,
            by=_staff(request),
            supporter=supporter,
            **form.cleaned_data,
        ),
        title=f"Supporter: {supporter.name}",
        done="Supporter saved.",
        supporter=supporter,
        contacts=list(supporter.contacts.select_related("by")),
        contact_form=forms.ContactForm(),
    )


@require_POST
@saved_once
def contact_add(
    request: HttpRequest, public_id: UUID, supporter_id: UUID
) -> HttpResponse:
    patient = _patient(request, public_id, "supporter contact")
    supporter = selectors.supporter_of(patient, supporter_id)
    form = forms.ContactForm(request.POST, born=patient.date_of_birth)
    if form.is_valid():
        try:
            services.contact_log(
                supporter=supporter, by=_staff(request), **form.cleaned_data
            )
        except Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Contact logged.")
            return redirect(
                "recovery:supporter",
                public_id=patient.public_id,
                supporter_id=supporter.public_id,
            )
    context = {
        "patient": patient,
        "form": forms.SupporterForm(instance=supporter, patient=patient),
        "title": f"Supporter: {supporter.name}",
        "supporter": supporter,
        "contacts": list(supporter.contacts.select_related("by")),
        "contact_form": form,
    }
    return render(request, "recovery/form.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def care_level(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _patient(request, public_id, "level of care")
    form = forms.CareLevelForm(request.POST or None, born=patient.date_of_birth)
    return _form_page(
        request,
        patient=patient,
        form=form,
        save=lambda: services.care_level_change(
            patient=patient, by=_staff(request), **form.cleaned_data
        ),
        title="Change the level of care",
        done="Level of care recorded.",
    )
