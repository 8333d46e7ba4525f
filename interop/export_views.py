"""``$export`` kick-off, status and file download (FHIR Bulk Data Access)."""

from __future__ import annotations

import uuid

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from interop import export
from interop.choices import ExportStatus
from interop.models import ExportJob
from interop.outcome import fhir_response, operation_outcome
from interop.requester import Requester
from interop.views import fhir_api


def _job(requester: Requester, job_id: uuid.UUID) -> ExportJob | None:
    if requester.client is None:
        return None
    return ExportJob.objects.filter(public_id=job_id, client=requester.client).first()


@require_GET
@fhir_api
def kick_off(request: HttpRequest, requester: Requester) -> HttpResponse:
    if requester.client is None:
        return operation_outcome(403, "Bulk export is for API clients.", "forbidden")
    if request.headers.get("Prefer", "").strip() != "respond-async":
        return operation_outcome(400, "Send Prefer: respond-async.")
    params = {key: request.GET[key] for key in request.GET}
    types, since = export.parse_request(requester, params)
    job = export.export_start(
        client=requester.client,
        types=types,
        since=since,
        request_url=request.build_absolute_uri(),
    )
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:export-status", kwargs={"job": job.public_id})
    )
    return response


@require_http_methods(["GET", "DELETE"])
@fhir_api
def status(request: HttpRequest, requester: Requester, job: uuid.UUID) -> HttpResponse:
    found = _job(requester, job)
    if found is None or found.status == ExportStatus.EXPIRED:
        return operation_outcome(404, "No such export.", "not-found")
    if request.method == "DELETE":
        export.export_remove(found)
        return HttpResponse(status=202)
    if found.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}:
        response = HttpResponse(status=202)
        response["X-Progress"] = (
            f"{found.status}: {found.resources_written} resources written"
        )
        response["Retry-After"] = "5"
        return response
    if found.status == ExportStatus.FAILED:
        return operation_outcome(500, found.error or "The export failed.", "exception")
    manifest = {
        "transactionTime": found.transaction_time.isoformat()
        if found.transaction_time
        else None,
        "request": found.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": entry["type"],
                "url": request.build_absolute_uri(
                    reverse(
                        "fhir:export-file",
                        kwargs={"job": found.public_id, "name": entry["file"]},
                    )
                ),
                "count": entry["count"],
            }
            for entry in found.output
        ],
        "error": [],
    }
    response = fhir_response(manifest)
    response["Content-Type"] = "application/json"
    return response


@require_GET
@fhir_api
def download(
    request: HttpRequest, requester: Requester, job: uuid.UUID, name: str
) -> HttpResponseBase:
    found = _job(requester, job)
    files = {entry["file"] for entry in (found.output if found else [])}
    if found is None or found.status != ExportStatus.DONE or name not in files:
        return operation_outcome(404, "No such file.", "not-found")
    path = export.export_dir(found) / name
    if not path.exists():
        return operation_outcome(404, "No such file.", "not-found")
    return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
