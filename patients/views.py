"""Staff pages for the patient record. Each view: access check (accounts.access, which
also writes the audit row), a form or a selector, a render."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.access import Basis
from accounts.access import request_staff as _staff
from accounts.choices import Role
from accounts.models import Staff
from iptcare.lib import kept_pages
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.submissions import saved_once
from iptcare.lib.urls import ReversedOnce
from measures import selectors as measures_selectors
from patients import selectors, services
from patients.forms import CareTeamForm, DiagnosisForm, PatientForm, TreatmentForm
from patients.models import CareTeamMember, Patient


def _refuse_non_clinical_roles(staff: Staff) -> None:
    if access.sees_no_patient(staff):
        raise Http404("Administrators and clinical leads see no patient records.")


@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    if staff.role == Role.ADMINISTRATOR:
        return render(request, "patients/caseload_administrator.html")
    if staff.role == Role.CLINICAL_LEAD:  # aggregates only: no caseload
        return redirect("outcomes:service")
    query = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "")[:20]
    page = selectors.caseload_page(
        staff=staff,
        query=query,
        page_number=request.GET.get("page", 1),
        per_page=settings.IPTCARE_PAGE_SIZE,
        sort=sort,
    )
    rows = page.object_list
    page.object_list = when_shown(lambda: _with_links(list(rows)))
    # The rows rendered are kept under the patients chosen, their versions, and what
    # else the list shows (decisions/0067): the search, the sort, the page, the count.
    kept_key = kept_pages.list_key(
        request,
        "caseload",
        page.chosen,
        query,
        sort,
        page.number,
        page.paginator.count,
    )
    template = "patients/caseload.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#caseload-table"
    context = {"page": page, "query": query, "sort": sort, "kept_key": kept_key}
    return render(request, template, context)


def _with_links(patients: list[Patient]) -> list[Patient]:
    """Each row's links to the record and the open course, the route reversed once
    per page (decisions/0064)."""
    patient_link = ReversedOnce("patients:detail", 1)
    course_link = ReversedOnce("ipt:course-detail", 2)
    for patient in patients:
        patient.detail_url = patient_link(patient.public_id)  # type: ignore[attr-defined]
        for course in getattr(patient, "open_courses", ()):
            course.detail_url = course_link(patient.public_id, course.public_id)
    return patients


@require_http_methods(["GET"])
def patient_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient_access = access.patient_get_for_user(
        staff=_staff(request), public_id=public_id
    )
    patient = patient_access.patient
    context: dict[str, object] = {
        "access": patient_access,
        "patient": patient,
        "kept_key": kept_pages.page_key(request, patient_access, "patient-record"),
        "care_team": when_shown(
            lambda: list(patient.care_team.select_related("staff"))
        ),
    }
    if patient_access.clinical:
        context["diagnoses"] = when_shown(lambda: list(patient.diagnoses.all()))
        context["treatments"] = when_shown(
            lambda: list(patient.concurrent_treatments.all())
        )
        context["measures"] = when_shown(
            lambda: measures_selectors.patient_measures(patient=patient)
        )
    return render(request, "patients/patient_detail.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def patient_create(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    _refuse_non_clinical_roles(staff)
    form = PatientForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "team"}
        patient = services.patient_create(
            by=staff, team=form.cleaned_data["team"], **fields
        )
        messages.success(request, f"Registered {patient.record_number}.")
        return redirect("patients:detail", public_id=patient.public_id)
    return render(
        request, "patients/patient_form.html", {"form": form, "creating": True}
    )


@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    patient_access = access.patient_get_for_user(
        staff=staff, public_id=public_id, detail="edit form"
    )
    patient = patient_access.patient
    form = PatientForm(request.POST or None, instance=patient, staff=staff)
    if request.method == "POST" and form.is_valid():
        services.patient_update(
            by=staff, patient=form.instance, changed=form.changed_data
        )
        messages.success(request, "Saved.")
        return redirect("patients:detail", public_id=patient.public_id)
    return render(
        request, "patients/patient_form.html", {"form": form, "patient": patient}
    )


def _clinical_access(
    request: HttpRequest, public_id: UUID, detail: str
) -> access.PatientAccess:
    patient_access = access.patient_get_for_user(
        staff=_staff(request), public_id=public_id, detail=detail
    )
    access.require_clinical(patient_access)
    return patient_access


@require_http_methods(["GET", "POST"])
@saved_once
def diagnosis_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _clinical_access(request, public_id, "diagnosis form").patient
    form = DiagnosisForm(request.POST or None, born=patient.date_of_birth)
    if request.method == "POST" and form.is_valid():
        _, demoted = services.diagnosis_add(
            by=_staff(request), patient=patient, **form.cleaned_data
        )
        messages.success(request, "Diagnosis added.")
        for earlier in demoted:
            messages.info(
                request,
                f"{earlier.code} {earlier.title} is now secondary: "
                "a patient has one primary diagnosis.",
            )
        return redirect("patients:detail", public_id=patient.public_id)
    return render(
        request, "patients/diagnosis_form.html", {"form": form, "patient": patient}
    )


@require_http_methods(["GET", "POST"])
@saved_once
def treatment_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    patient = _clinical_access(request, public_id, "treatment form").patient
    form = TreatmentForm(request.POST or None, born=patient.date_of_birth)
    if request.method == "POST" and form.is_valid():
        services.treatment_add(by=_staff(request), patient=patient, **form.cleaned_data)
        messages.success(request, "Treatment added.")
        return redirect("patients:detail", public_id=patient.public_id)
    return render(
        request, "patients/treatment_form.html", {"form": form, "patient": patient}
    )


@require_http_methods(["GET", "POST"])
@saved_once
def care_team(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    patient_access = _clinical_access(request, public_id, "care team")
    if not patient_access.may_manage_care_team:
        raise Http404("No such patient.")
    patient = patient_access.patient
    form = CareTeamForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        services.care_team_add(
            by=staff,
            patient=patient,
            staff=form.cleaned_data["staff"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, "Care team updated.")
        return redirect("patients:care-team", public_id=patient.public_id)
    members = patient.care_team.select_related("staff")
    return render(
        request,
        "patients/care_team.html",
        {"form": form, "patient": patient, "members": members},
    )


@require_POST
def care_team_remove(
    request: HttpRequest, public_id: UUID, member_id: int
) -> HttpResponse:
    patient_access = _clinical_access(request, public_id, "care team")
    if not patient_access.may_manage_care_team:
        raise Http404("No such patient.")
    member = get_object_or_404(
        CareTeamMember, pk=member_id, patient=patient_access.patient
    )
    services.care_team_remove(by=_staff(request), member=member)
    messages.success(request, "Removed from the care team.")
    return redirect("patients:care-team", public_id=public_id)


@require_http_methods(["GET"])
def patient_audit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Who saw or changed this record: for the supervisors of the patient's team."""
    staff = _staff(request)
    patient_access = access.patient_get_for_user(
        staff=staff, public_id=public_id, category="audit"
    )
    if patient_access.basis is not Basis.SUPERVISOR:
        raise Http404("No such patient.")
    patient = patient_access.patient
    page = selectors.patient_audit_page(
        staff=staff,
        patient=patient,
        page_number=request.GET.get("page", 1),
        per_page=50,
    )
    grants = patient.break_glass_accesses.select_related("staff")[:50]
    return render(
        request,
        "patients/patient_audit.html",
        {"patient": patient, "page": page, "grants": grants},
    )
