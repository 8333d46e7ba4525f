"""The patient's own copy: asked for in the portal (or by staff on the patient's
behalf), made in the background, downloaded from the portal while it lasts."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.models import Staff
from audit import services as audit
from audit.choices import Action
from disclosures import services
from disclosures.models import SubjectAccessPack
from iptcare.lib import ratelimit
from iptcare.lib.submissions import saved_once
from patients.models import Patient
from portal import session
from portal.crisis import crisis_lines

FILES = {
    "pdf": ("application/pdf", "my-record.pdf"),
    # A FHIR R4 Bundle (disclosures.access_packs.pack_fhir).
    "json": ("application/fhir+json", "my-record.fhir.json"),
}


def _patient(request: HttpRequest) -> Patient:
    return request.portal_patient  # type: ignore[attr-defined, no-any-return]


@require_http_methods(["GET", "POST"])
@session.patient_required
@saved_once
def portal_packs(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    if request.method == "POST":
        if not ratelimit.hit(request, scope="access-pack", limit=5, window=3600):
            return HttpResponse(status=429)
        try:
            services.access_pack_request(patient=patient)
        except services.Refused as error:
            messages.info(request, str(error))
        return redirect("disclosures:portal-packs")
    audit.record(
        actor=None,
        action=Action.VIEW,
        category="subject_access",
        patient=patient,
        detail="portal",
        actor_label="patient",
    )
    now = timezone.now()
    packs = list(
        SubjectAccessPack.objects.filter(patient=patient).defer("pdf", "bundle")[:10]
    )
    return render(
        request,
        "disclosures/portal_packs.html",
        {
            "packs": [(p, p.available_at(now)) for p in packs],
            "crisis_lines": crisis_lines(),
            "section": "records",
            "portal_patient": patient,
        },
    )


@require_http_methods(["GET"])
@session.patient_required
def portal_pack_download(request: HttpRequest, pack_id: UUID, fmt: str) -> HttpResponse:
    patient = _patient(request)
    if fmt not in FILES:
        raise Http404("No such file.")
    pack = get_object_or_404(SubjectAccessPack, public_id=pack_id, patient=patient)
    if not pack.available_at(timezone.now()):
        raise Http404("This copy is no longer available.")
    audit.record(
        actor=None,
        action=Action.EXPORT,
        category="subject_access",
        patient=patient,
        object_id=str(pack.public_id),
        detail=f"portal; {fmt}",
        actor_label="patient",
    )
    content_type, filename = FILES[fmt]
    data = pack.pdf if fmt == "pdf" else pack.bundle
    response = HttpResponse(bytes(data or b""), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@saved_once
def staff_pack_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    patient_access = access.patient_get_for_user(
        staff=staff, public_id=public_id, category="subject_access"
    )
    access.require_clinical(patient_access)
    try:
        services.access_pack_request(patient=patient_access.patient, by=staff)
    except services.Refused as error:
        messages.info(request, str(error))
    else:
        messages.success(
            request,
            "The copy is being prepared; the patient downloads it in the portal.",
        )
    return redirect("disclosures:consents", public_id=public_id)
