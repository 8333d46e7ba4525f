"""The patient's portal session: who is signed in, and for how long.

A portal session is not a staff session: signing in to the portal ends whatever
session the browser had (a clinic tablet handed from clinician to patient), and a
staff sign-in is never a portal session. The session ends after
``IPTCARE_PORTAL_IDLE_MINUTES`` without a request, and after
``IPTCARE_PORTAL_ABSOLUTE_HOURS`` in any case.

Every portal view is wrapped in ``patient_required``: it finds the patient or sends
the browser to the sign-in page, and hands the view ``request.portal_patient``.
Nothing else in the portal looks a patient up from the request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.db import router
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation

from iptcare.lib import sessions
from iptcare.lib.statements import StandIn, Statement
from patients.models import Patient

PATIENT_KEY = "portal_patient"
STARTED_KEY = "portal_started"
SEEN_KEY = "portal_seen"
LANGUAGE_KEY = "portal_language"
EXPIRED_KEY = "portal_expired"


def sign_in(request: HttpRequest, patient: Patient) -> None:
    """Start a fresh session for the patient (a new session key: no fixation)."""
    logout(request)  # ends any staff session in this browser and flushes the session
    now = timezone.now().timestamp()
    request.session.cycle_key()
    request.session[PATIENT_KEY] = patient.pk
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now
    language = patient.preferred_language
    if language in dict(settings.LANGUAGES):
        request.session[LANGUAGE_KEY] = language


def sign_out(request: HttpRequest) -> None:
    request.session.flush()


def _expired(request: HttpRequest, now: float) -> bool:
    seen = request.session.get(SEEN_KEY)
    started = request.session.get(STARTED_KEY)
    if seen is None or started is None:
        return True
    idle = settings.IPTCARE_PORTAL_IDLE_MINUTES * 60
    absolute = settings.IPTCARE_PORTAL_ABSOLUTE_HOURS * 3600
    return now - float(seen) > idle or now - float(started) > absolute


def current_patient(request: HttpRequest) -> Patient | None:
    """The signed-in patient, or ``None`` (no portal session, or it has expired —
    then the session is ended here)."""
    patient_pk = request.session.get(PATIENT_KEY)
    if patient_pk is None:
        return None
    now = timezone.now().timestamp()
    if _expired(request, now):
        sign_out(request)
        request.session[EXPIRED_KEY] = True
        return None
    patient = _by_id(router.db_for_read(Patient)).first(pk=patient_pk)
    if patient is None:
        sign_out(request)
        return None
    sessions.touch(request.session, SEEN_KEY, now)
    return patient


def _patient_by_id(pk: int) -> QuerySet[Patient]:
    return Patient.objects.select_related("team__site").filter(pk=pk).order_by("pk")


@cache
def _by_id(alias: str) -> Statement[Patient]:
    """The signed-in patient's row, as every portal request reads it: the statement
    built once per process (``iptcare.lib.statements``), the row read every time, so
    a patient removed or moved holds at the next request (decisions/0071)."""
    return Statement(
        _patient_by_id, {"pk": StandIn(-(2**62) + 29, Patient._meta.pk)}, alias
    )


def language_of(request: HttpRequest) -> str:
    language = request.session.get(LANGUAGE_KEY, "")
    return language if language in dict(settings.LANGUAGES) else "en"


def patient_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The view runs only for a signed-in patient, in the patient's language, and its
    answer is never cached (a shared tablet's back button shows nothing)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        patient = current_patient(request)
        if patient is None:
            return redirect("portal:start")
        request.portal_patient = patient  # type: ignore[attr-defined]
        with translation.override(language_of(request)):
            request.LANGUAGE_CODE = translation.get_language()
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(
                response, "is_rendered", True
            ):
                response.render()
        response["Cache-Control"] = "no-store"
        return response

    # The portal has its own sign-in; Django's staff sign-in requirement is not it.
    wrapped.login_required = False  # type: ignore[attr-defined]
    return wrapped
