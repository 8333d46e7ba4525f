"""The course report as a PDF download: the patient through ``accounts.access``
(clinical access required; the export audited once), the course through the patient,
the report's HTML from a template, WeasyPrint for the PDF."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import request_staff as _staff
from audit.choices import Action
from reports import documents, selectors
from reports.pdf import PdfUnavailable

# No patient name or record number: the file name ends up in download folders,
# browser histories and e-mail attachments.
FILENAME = "ipt-course-report.pdf"


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def course_report(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    staff = _staff(request)
    patient_access = access.patient_get_for_user(
        staff=staff,
        public_id=public_id,
        action=Action.EXPORT,
        category="report",
        detail=f"course={course_id}; course report PDF",
    )
    access.require_clinical(patient_access)
    report = selectors.course_report(
        patient=patient_access.patient,
        course_public_id=course_id,
        by=staff,
        emergency_access=patient_access.basis is access.Basis.BREAK_GLASS,
    )
    try:
        pdf = documents.course_report_pdf(report)
    except PdfUnavailable:
        return render(request, "reports/pdf_unavailable.html", status=503)
    return pdf_response(pdf, FILENAME)
