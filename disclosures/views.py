"""Staff pages for consents, disclosures and the accounting of disclosures. Each view:
the patient through ``accounts.access`` (clinical access; the read audited), a form
or a selector, a render."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import request_staff as _staff
from audit.choices import Action
from disclosures import documents, rules, selectors, services, signatures
from disclosures.choices import Channel, ConsentKind, ContentKind, SignatureKind
from disclosures.forms import (
    ConsentForm,
    DisclosureForm,
    ExpiryEventForm,
    RevocationForm,
)
from disclosures.models import Disclosure, LegalText
from iptcare.lib.submissions import saved_once
from reports.pdf import PdfUnavailable, html_to_pdf
from reports.views import pdf_response


def _clinical(
    request: HttpRequest, public_id: UUID, category: str, **kwargs: Any
) -> access.PatientAccess:
    patient_access = access.patient_get_for_user(
        staff=_staff(request), public_id=public_id, category=category, **kwargs
    )
    access.require_clinical(patient_access)
    return patient_access


def _notice_warning(request: HttpRequest) -> None:
    """Staff see when the notice in force is not verified word for word."""
    try:
        notice = rules.notice_in_force(timezone.now())
    except LegalText.DoesNotExist:
        messages.error(request, "No §2.32 notice is stored: Part 2 records cannot go.")
        return
    if notice.status != "verbatim":
        messages.warning(
            request,
            f"The §2.32 notice in force ({notice.version}) is incomplete: "
            "an administrator should add the verified text.",
        )


@require_http_methods(["GET"])
def consents(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = _clinical(request, public_id, "consent")
    patient = patient_access.patient
    now = timezone.now()
    rows = [
        {"consent": c, "status": c.status_at(now)}
        for c in selectors.consents_for(patient)
    ]
    return render(
        request,
        "disclosures/consent_list.html",
        {
            "access": patient_access,
            "patient": patient,
            "rows": rows,
            "part2": rules.is_part2(patient),
        },
    )


@require_http_methods(["GET", "POST"])
@saved_once
def consent_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = _clinical(request, public_id, "consent")
    patient = patient_access.patient
    form = ConsentForm(
        request.POST or None, request.FILES or None, born=patient.date_of_birth
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.consent_record(
                by=_staff(request),
                patient=patient,
                kind=ConsentKind(data["kind"]),
                discloser=data["discloser"],
                information=data["information"],
                content_kinds=[ContentKind(k) for k in data["content_kinds"]],
                recipients=data["recipients"],
                recipient_description=data["recipient_description"],
                purpose=data["purpose"],
                expires_at=data["expires_at"],
                expiry_event=data["expiry_event"],
                signed_on=data["signed_on"],
                signature_kind=SignatureKind(data["signature_kind"]),
                signature=data["signature"],
                signature_content_type=data["signature_content_type"],
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Consent recorded.")
            return redirect(
                "disclosures:consent-detail",
                public_id=patient.public_id,
                consent_id=consent.public_id,
            )
    try:
        statements = rules.tpo_statements_in_force(timezone.now())
    except LegalText.DoesNotExist:  # the form works without the text
        statements = None
    return render(
        request,
        "disclosures/consent_form.html",
        {"patient": patient, "form": form, "tpo_statements": statements},
    )


@require_http_methods(["GET"])
def consent_detail(
    request: HttpRequest, public_id: UUID, consent_id: UUID
) -> HttpResponse:
    patient_access = _clinical(
        request, public_id, "consent", detail=f"consent={consent_id}"
    )
    patient = patient_access.patient
    consent = selectors.consent_for(patient, consent_id)
    signature_url = (
        signatures.as_data_url(bytes(consent.signature), consent.signature_content_type)
        if consent.signature_content_type.startswith("image/")
        else ""
    )
    return render(
        request,
        "disclosures/consent_detail.html",
        {
            "patient": patient,
            "consent": consent,
            "status": consent.status_at(timezone.now()),
            "signature_url": signature_url,
        },
    )


@require_http_methods(["GET", "POST"])
def consent_revoke(
    request: HttpRequest, public_id: UUID, consent_id: UUID
) -> HttpResponse:
    patient_access = _clinical(
        request, public_id, "consent", detail=f"consent={consent_id}"
    )
    patient = patient_access.patient
    consent = selectors.consent_for(patient, consent_id)
    form = RevocationForm(
        request.POST or None, request.FILES or None, born=patient.date_of_birth
    )
    if request.method == "POST" and form.is_valid():
        document, content_type = form.cleaned_data["document"]
        try:
            services.consent_revoke(
                by=_staff(request),
                consent=consent,
                received_on=form.cleaned_data["received_on"],
                document=document,
                content_type=content_type,
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Revocation recorded: the consent authorises nothing from now."
            )
            return redirect("disclosures:consents", public_id=patient.public_id)
    return render(
        request,
        "disclosures/consent_revoke.html",
        {"patient": patient, "consent": consent, "form": form},
    )


@require_http_methods(["GET", "POST"])
def consent_expiry_event(
    request: HttpRequest, public_id: UUID, consent_id: UUID
) -> HttpResponse:
    """Record that the event a consent expires on has happened."""
    patient_access = _clinical(
        request, public_id, "consent", detail=f"consent={consent_id}"
    )
    patient = patient_access.patient
    consent = selectors.consent_for(patient, consent_id)
    form = ExpiryEventForm(request.POST or None, born=patient.date_of_birth)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_expiry_event(
                by=_staff(request),
                consent=consent,
                occurred_on=form.cleaned_data["occurred_on"],
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "The event is recorded: the consent authorises nothing from that day.",
            )
            return redirect(
                "disclosures:consent-detail",
                public_id=patient.public_id,
                consent_id=consent.public_id,
            )
    return render(
        request,
        "disclosures/consent_expiry_event.html",
        {"patient": patient, "consent": consent, "form": form},
    )


@require_http_methods(["GET", "POST"])
@saved_once
def disclosure_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = _clinical(request, public_id, "disclosure")
    patient = patient_access.patient
    form = DisclosureForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prepared = services.disclosure_prepare(
                by=_staff(request),
                patient=patient,
                recipient=data["recipient"],
                consent=data["consent"],
                content_kinds=[ContentKind(k) for k in data["content_kinds"]],
                channel=Channel(data["channel"]),
                emergency_reason=data["emergency_reason"],
                letter=data["letter"],
                purpose=data["purpose"],
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        except PdfUnavailable:
            return render(request, "reports/pdf_unavailable.html", status=503)
        else:
            messages.success(request, "Disclosure made and logged.")
            return redirect(
                "disclosures:disclosure-detail",
                public_id=patient.public_id,
                disclosure_id=prepared.disclosure.public_id,
            )
    else:
        _notice_warning(request)
    return render(
        request,
        "disclosures/disclosure_form.html",
        {"patient": patient, "form": form, "part2": rules.is_part2(patient)},
    )


def _disclosure(patient: Any, disclosure_id: UUID) -> Disclosure:
    return get_object_or_404(
        Disclosure.objects.select_related("recipient", "consent", "notice"),
        patient=patient,
        public_id=disclosure_id,
    )


@require_http_methods(["GET"])
def disclosure_detail(
    request: HttpRequest, public_id: UUID, disclosure_id: UUID
) -> HttpResponse:
    patient_access = _clinical(
        request, public_id, "disclosure", detail=f"disclosure={disclosure_id}"
    )
    disclosure = _disclosure(patient_access.patient, disclosure_id)
    return render(
        request,
        "disclosures/disclosure_detail.html",
        {"patient": patient_access.patient, "disclosure": disclosure},
    )


@require_http_methods(["GET"])
def disclosure_document(
    request: HttpRequest, public_id: UUID, disclosure_id: UUID
) -> HttpResponse:
    patient_access = _clinical(
        request,
        public_id,
        "disclosure",
        action=Action.EXPORT,
        detail=f"disclosure={disclosure_id}; document",
    )
    disclosure = _disclosure(patient_access.patient, disclosure_id)
    content_type, filename = documents.file_of(Channel(disclosure.channel))
    response = HttpResponse(
        bytes(disclosure.document or b""), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def accounting(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = _clinical(request, public_id, "accounting")
    return render(
        request,
        "disclosures/accounting.html",
        {
            "patient": patient_access.patient,
            "accounting": selectors.accounting(patient_access.patient),
        },
    )


def accounting_pdf_bytes(accounting: selectors.Accounting) -> bytes:
    html = render_to_string(
        "disclosures/accounting_print.html", {"accounting": accounting}
    )
    return html_to_pdf(html, render_to_string("reports/_print.css"))


@require_http_methods(["GET"])
def accounting_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = _clinical(
        request, public_id, "accounting", action=Action.EXPORT, detail="accounting PDF"
    )
    try:
        pdf = accounting_pdf_bytes(selectors.accounting(patient_access.patient))
    except PdfUnavailable:
        return render(request, "reports/pdf_unavailable.html", status=503)
    return pdf_response(pdf, "accounting-of-disclosures.pdf")
