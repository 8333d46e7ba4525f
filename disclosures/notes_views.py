"""The private process note of a session: its author writes it beside the progress
note and may share it with named colleagues. Nobody else sees it (supervisors
included); every read is audited through the access module."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.models import Staff
from disclosures import selectors, services
from disclosures.models import PrivateNote
from ipt.models import CourseSession


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label="Private process note",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        help_text="Your own notes of the conversation: not part of the record, never "
        "in a report, the portal, an export or a disclosure without its own consent.",
    )


class ShareForm(forms.Form):
    staff = forms.ModelChoiceField(label="Share with", queryset=Staff.objects.none())


def _session(
    request: HttpRequest, public_id: UUID, course_id: UUID, session_id: UUID
) -> tuple[access.PatientAccess, CourseSession]:
    staff: Staff = request.user  # type: ignore[assignment]
    patient_access = access.patient_get_for_user(
        staff=staff,
        public_id=public_id,
        category="private_note",
        detail=f"session={session_id}",
    )
    access.require_clinical(patient_access)
    session = get_object_or_404(
        CourseSession.objects.select_related("course"),
        public_id=session_id,
        course__public_id=course_id,
        course__patient=patient_access.patient,
    )
    return patient_access, session


def _share_form(
    data: object, patient_access: access.PatientAccess, staff: Staff
) -> ShareForm:
    form = ShareForm(data)  # type: ignore[arg-type]
    field = form.fields["staff"]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
    field.queryset = Staff.objects.filter(
        care_teams__patient=patient_access.patient, is_active=True
    ).exclude(pk=staff.pk)
    return form


@require_http_methods(["GET", "POST"])
def private_note(
    request: HttpRequest, public_id: UUID, course_id: UUID, session_id: UUID
) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    patient_access, session = _session(request, public_id, course_id, session_id)
    notes = selectors.private_notes_readable(staff, session)
    own = next((n for n in notes if n.author_id == staff.pk), None)
    form = PrivateNoteForm(
        request.POST or None, initial={"text": own.text if own else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.private_note_save(
                by=staff, session=session, text=form.cleaned_data["text"]
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Private note saved.")
            return redirect(request.path)
    return render(
        request,
        "disclosures/private_note.html",
        {
            "patient": patient_access.patient,
            "session": session,
            "course": session.course,
            "own": own,
            "shared": [n for n in notes if n.author_id != staff.pk],
            "form": form,
            "share_form": _share_form(None, patient_access, staff) if own else None,
        },
    )


@require_POST
def private_note_share(
    request: HttpRequest, public_id: UUID, course_id: UUID, session_id: UUID
) -> HttpResponse:
    staff: Staff = request.user  # type: ignore[assignment]
    patient_access, session = _session(request, public_id, course_id, session_id)
    note = get_object_or_404(PrivateNote, session=session, author=staff)
    form = _share_form(request.POST, patient_access, staff)
    if form.is_valid():
        try:
            services.private_note_share(
                by=staff, note=note, staff=form.cleaned_data["staff"]
            )
        except services.Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Shared.")
    else:
        messages.error(request, "Choose a colleague on the care team.")
    return redirect(
        "disclosures:private-note",
        public_id=public_id,
        course_id=course_id,
        session_id=session_id,
    )
