"""A session's note: the draft form (its checklists follow the phase and the problem
areas), signing, and addenda to a signed note."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Staff
from ipt import selectors, services
from ipt.forms import AddendumForm, NoteForm, session_checklists
from ipt.models import CourseSession, SessionNote
from ipt.services.notes import sign_blockers
from ipt.views._common import course_for, course_kept_for, show_refusal, staff_of
from iptcare.lib import kept_pages
from iptcare.lib.forms import form_refusal
from iptcare.lib.kept_pages import context_when_shown, when_shown
from iptcare.lib.submissions import saved_once


def _note(session: CourseSession) -> SessionNote | None:
    try:
        return session.note
    except SessionNote.DoesNotExist:
        return None


def _context(session: CourseSession, **extra: Any) -> dict[str, Any]:
    course = session.course
    note = _note(session)
    return {
        "course": course,
        "patient": course.patient,
        "session": session,
        "note": note,
        "addenda": list(note.addenda.select_related("author"))
        if note and note.is_signed
        else [],
        "sign_blockers": sign_blockers(note) if note and not note.is_signed else [],
        **extra,
    }


def _note_form(
    session: CourseSession, staff: Staff, data: QueryDict | None
) -> NoteForm | None:
    """The draft's form, for its author while the note is unsigned; else none."""
    existing = _note(session)
    editable = session.attended and (
        existing is None or (not existing.is_signed and existing.author_id == staff.pk)
    )
    if not editable:
        return None
    return NoteForm(data, checklists=session_checklists(session), note=existing)


def _to_note(session: CourseSession) -> HttpResponse:
    course = session.course
    return redirect(
        "ipt:note",
        public_id=course.patient.public_id,
        course_id=course.public_id,
        session_id=session.public_id,
    )


@require_http_methods(["GET", "POST"])
def note(
    request: HttpRequest, public_id: UUID, course_id: UUID, session_id: UUID
) -> HttpResponse:
    """Write the draft (its author only), save it or sign it; a signed note is shown
    as signed with its addenda."""
    staff = staff_of(request)
    if request.method == "GET":
        # The course and the session are read only if the page is rendered: a kept
        # copy is keyed by the session's public id at the patient's record version.
        found = course_kept_for(request, public_id, course_id, "session note")
        session = when_shown(lambda: selectors.session_of(found.course, session_id))
        # The course too: a kept copy proves the session is this course's, not only
        # the patient's (a session asked for under another course is a 404).
        kept_key = kept_pages.page_key(
            request, found.access, "note", course_id, session_id
        )
        context = context_when_shown(
            lambda: _context(
                session,
                form=_note_form(session, staff, None),
                addendum_form=AddendumForm(),
            ),
            ("course", "note", "addenda", "sign_blockers", "form", "addendum_form"),
        )
        context.update(session=session, patient=found.patient, kept_key=kept_key)
        return render(request, "ipt/note_form.html", context)
    found = course_for(request, public_id, course_id, "session note")
    session = selectors.session_of(found.course, session_id)
    course = found.course
    form = _note_form(session, staff, request.POST)
    if form is not None and form.is_valid():
        signing = request.POST.get("action") == "sign"
        try:
            saved = services.note_save_draft(
                session=session, by=staff, **form.note_fields()
            )
            if signing:
                services.note_sign(note=saved, by=staff)
        except services.NoteLocked as locked:
            messages.error(request, str(locked))
            return _to_note(session)
        except services.Refused as refusal:
            form_refusal(form, refusal)
            if signing:
                messages.info(request, "Saved as a draft; it is not signed yet.")
            session = selectors.session_of(course, session_id)
        else:
            messages.success(
                request, "Signed: the note is locked." if signing else "Draft saved."
            )
            return _to_note(session)
    elif form is None:
        messages.error(
            request, "This note cannot be changed here: add an addendum instead."
        )
        return _to_note(session)
    context = _context(session, form=form, addendum_form=AddendumForm())
    return render(request, "ipt/note_form.html", context)


@require_POST
@saved_once
def note_addendum(
    request: HttpRequest, public_id: UUID, course_id: UUID, session_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "note addendum").course
    session = selectors.session_of(course, session_id)
    existing = _note(session)
    form = AddendumForm(request.POST)
    if existing is None:
        messages.error(request, "There is no note to add to yet.")
        return _to_note(session)
    if form.is_valid():
        try:
            services.note_addendum_add(
                note=existing, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, "Addendum added.")
        return _to_note(session)
    return render(
        request, "ipt/note_form.html", _context(session, form=None, addendum_form=form)
    )
