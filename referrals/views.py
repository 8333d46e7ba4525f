"""The public callback form, and the intake pages behind it.

Public views carry ``login_not_required`` and touch nothing but the callback form.
Each staff view: the request through ``referrals.access`` (404 outside one's sites,
the read audited), a form or a selector, a render.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access as patient_access
from accounts.access import request_staff as _staff
from accounts.models import Site
from audit.choices import Action
from iptcare.lib import kept_pages, ratelimit
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.phone import phone_digits
from iptcare.lib.submissions import saved_once
from measures.forms import InstrumentForm
from measures.instruments import REGISTRY
from referrals import access, selectors, services
from referrals.choices import NextStep, Status
from referrals.forms import (
    AcceptForm,
    AttemptForm,
    BookForm,
    CallbackForm,
    CloseForm,
    LinkForm,
    PersonForm,
    PriorityForm,
    default_site,
)

# --- Public -----------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    """ "Request a callback". Spam is told "thank you" and stored nowhere."""
    sites = list(Site.objects.order_by("name"))
    if not sites:
        return render(request, "referrals/callback_closed.html", status=503)
    form = CallbackForm(
        request.POST or None, sites=sites, preselect=request.GET.get("site", "")[:12]
    )
    if request.method == "POST":
        if form.is_spam:
            return redirect("referrals:callback-thanks")
        if form.is_valid():
            data = form.cleaned_data
            # Only accepted requests count: a mistake on the form costs nothing.
            sender = phone_digits(data["phone"]) or data["email"].strip().lower()
            limited = _callback_limited(request, sender)
            if limited:
                return render(
                    request,
                    "referrals/callback_limited.html",
                    {
                        "limited_by": limited,
                        "intake_phone": settings.IPTCARE_INTAKE_PHONE,
                    },
                    status=429,
                )
            _, new = services.callback_request_create(
                site=data["site"],
                request_for=data["request_for"],
                name=data["name"],
                about_name=data["about_name"],
                phone=data["phone"],
                email=data["email"],
                call_times=data["call_times"],
                may_leave_voicemail=data["may_leave_voicemail"],
                may_text=data["may_text"],
                message=data["message"],
            )
            if new:
                ratelimit.count(request, scope="callback", identity=sender)
                ratelimit.count(request, scope="callback")
            return redirect("referrals:callback-thanks")
    return render(request, "referrals/callback_form.html", {"form": form})


def _callback_limited(request: HttpRequest, sender: str) -> str:
    """Why a new request cannot be taken now: "contact" (these contact details sent
    several within the hour), "address" (this connection sent very many), or ""."""
    if not ratelimit.allowed(
        request,
        scope="callback",
        identity=sender,
        limit=settings.IPTCARE_CALLBACK_RATE_LIMIT,
    ):
        return "contact"
    if not ratelimit.allowed(
        request, scope="callback", limit=settings.IPTCARE_CALLBACK_ADDRESS_LIMIT
    ):
        return "address"
    return ""


@login_not_required
@require_GET
def callback_thanks(request: HttpRequest) -> HttpResponse:
    """What happens next and when. The same page for everyone (spam included): it
    depends on no submission."""
    sites = list(Site.objects.order_by("name"))
    due_on = (
        services.contact_due_for(default_site(sites), timezone.now()) if sites else None
    )
    context = {
        "due_on": due_on,
        "attempts": settings.IPTCARE_INTAKE_FAILED_ATTEMPTS,
    }
    return render(request, "referrals/callback_thanks.html", context)


# --- The intake queue ------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    access.require_intake(staff)
    tab = request.GET.get("show", selectors.QueueTab.TO_CALL)
    context = {
        # Kept rendered until a request, a call or a site changes (decisions/0068);
        # the queue's rows (and their audit rows) are read only when rendered.
        "kept_key": kept_pages.list_key(
            request,
            "intake-queue",
            request.META.get("QUERY_STRING", ""),
            proof=selectors.queue_versions,
        ),
        "queue": when_shown(
            lambda: selectors.queue(
                staff=staff,
                tab=tab,
                page_number=request.GET.get("page", 1),
                per_page=settings.IPTCARE_PAGE_SIZE,
            )
        ),
        "failed_limit": settings.IPTCARE_INTAKE_FAILED_ATTEMPTS,
    }
    return render(request, "referrals/referral_queue.html", context)


@require_GET
def referral_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, risk_clinician_may_read=True
    )
    duplicates = (
        selectors.possible_duplicates(staff=staff, referral=referral)
        if referral.in_queue
        else None
    )
    context = {
        "referral": referral,
        "attempts": selectors.attempts(referral),
        "screenings": selectors.screening_administrations(referral),
        "duplicates": duplicates,
        "attempt_form": AttemptForm(),
        "today": timezone.localtime(timezone.now(), referral.site_zone).date(),
    }
    return render(request, "referrals/referral_detail.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def attempt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="call attempt"
    )
    form = AttemptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attempt_record(
                by=staff,
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                attempted_at=form.cleaned_data["attempted_at"],
                note=form.cleaned_data["note"],
            )
        except services.Refused as error:
            form.add_error("outcome", str(error))
        else:
            messages.success(request, "Call logged.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request, "referrals/attempt_form.html", {"form": form, "referral": referral}
    )


@require_POST
@saved_once
def letter(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, action=Action.UPDATE, detail="letter sent"
    )
    try:
        services.letter_sent_record(by=staff, referral=referral)
    except services.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Recorded that a letter or e-mail was sent.")
    return redirect("referrals:detail", public_id=referral.public_id)


@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="details form"
    )
    if not referral.in_queue:
        raise Http404("This request is no longer in the queue.")
    form = PersonForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        services.person_details_save(
            by=staff, referral=form.instance, changed=form.changed_data
        )
        messages.success(request, "Details saved.")
        return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request, "referrals/person_form.html", {"form": form, "referral": referral}
    )


# --- Screening --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@saved_once
def screening(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The screening scales: choose one (no ``?instrument=``), ask it, save it. A risk
    answer goes straight to the safety steps."""
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="screening"
    )
    done = selectors.screening_administrations(referral)
    instruments = [
        REGISTRY[i] for i in settings.IPTCARE_INTAKE_SCREENING if i in REGISTRY
    ]
    latest = {a.instrument_id: a for a in reversed(done)}
    instrument = REGISTRY.get(request.GET.get("instrument", "")[:32])
    context: dict[str, object] = {
        "referral": referral,
        "instruments": instruments,
        "rows": [(item, latest.get(item.id)) for item in instruments],
    }
    if instrument is None or instrument not in instruments:
        return render(request, "referrals/screening.html", context)
    form = InstrumentForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.screening_record(
                by=staff,
                referral=referral,
                instrument_id=instrument.id,
                answers=form.positions(),
                extra_answers=form.extra_positions(),
            )
        except (ValidationError, services.Refused) as error:
            for message in getattr(error, "messages", [str(error)]):
                form.add_error(None, message)
        else:
            if administration.is_critical:  # the safety steps before anything else
                return redirect(
                    "referrals:screening-result",
                    public_id=referral.public_id,
                    administration_id=administration.public_id,
                )
            messages.success(request, f"{instrument.short_name} saved.")
            return redirect("referrals:screening", public_id=referral.public_id)
    context.update(instrument=form.instrument, form=form)
    return render(request, "referrals/screening.html", context)


@require_GET
def screening_result(
    request: HttpRequest, public_id: UUID, administration_id: UUID
) -> HttpResponse:
    referral = access.referral_get_for_user(
        staff=_staff(request),
        public_id=public_id,
        detail="screening result",
        risk_clinician_may_read=True,
    )
    screening = (
        referral.screenings.select_related("administration")
        .filter(administration__public_id=administration_id)
        .first()
    )
    if screening is None:
        raise Http404("No such screening.")
    context = {"referral": referral, "administration": screening.administration}
    return render(request, "referrals/screening_result.html", context)


# --- Duplicates and outcomes -----------------------------------------------------------


@require_POST
def link(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Link the request to an existing patient, or merge it into an open request."""
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, action=Action.UPDATE, detail="link"
    )
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one record to link.")
        return redirect("referrals:detail", public_id=referral.public_id)
    try:
        if form.cleaned_data["patient"]:
            found = patient_access.patient_get_for_user(
                staff=staff,
                public_id=form.cleaned_data["patient"],
                category="referral",
                detail=f"linked to request {referral.public_id}",
            )
            services.referral_link_patient(
                by=staff, referral=referral, patient=found.patient
            )
            messages.success(request, f"Linked to {found.patient.record_number}.")
        else:
            into = access.referral_get_for_user(
                staff=staff,
                public_id=form.cleaned_data["referral"],
                action=Action.UPDATE,
                detail=f"merge of {referral.public_id}",
            )
            services.referral_merge(by=staff, referral=referral, into=into)
            messages.success(request, "Merged into the earlier request.")
            return redirect("referrals:detail", public_id=into.public_id)
    except services.Refused as error:
        messages.error(request, str(error))
    return redirect("referrals:detail", public_id=referral.public_id)


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="accept form"
    )
    form = AcceptForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        book = data["next_step"] == NextStep.BOOK
        try:
            referral = services.referral_accept(
                by=staff,
                referral=referral,
                program=data["program"],
                team=data.get("team"),
                clinician=data["clinician"] if book else None,
                first_appointment_at=data["first_appointment_at"] if book else None,
                place=data["place"] if book else "",
                video_link=data["video_link"] if book else "",
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Accepted and booked: the course is open."
                if referral.status == Status.BOOKED
                else "Accepted and placed on the waiting list.",
            )
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request, "referrals/accept_form.html", {"form": form, "referral": referral}
    )


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="close form"
    )
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_close(by=staff, referral=referral, **form.cleaned_data)
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The request is closed.")
            return redirect("referrals:detail", public_id=referral.public_id)
    return render(
        request, "referrals/close_form.html", {"form": form, "referral": referral}
    )


# --- The waiting list -------------------------------------------------------------------


@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    access.require_intake(staff)
    context = {
        # Kept rendered until a request or a waiting patient's record changes
        # (decisions/0068).
        "kept_key": kept_pages.list_key(
            request,
            "waiting-list",
            request.META.get("QUERY_STRING", ""),
            proof=lambda: selectors.waiting_list_versions(staff),
        ),
        "page": when_shown(
            lambda: selectors.waiting_list(
                staff=staff,
                page_number=request.GET.get("page", 1),
                per_page=settings.IPTCARE_PAGE_SIZE,
            )
        ),
    }
    return render(request, "referrals/waiting_list.html", context)


@require_http_methods(["GET", "POST"])
@saved_once
def book(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="booking form"
    )
    form = BookForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_book(
                by=staff,
                referral=referral,
                clinician=form.cleaned_data["clinician"],
                first_appointment_at=form.cleaned_data["first_appointment_at"],
                place=form.cleaned_data["place"],
                video_link=form.cleaned_data["video_link"],
            )
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Booked: the course is open.")
            return redirect("referrals:waiting-list")
    return render(
        request, "referrals/book_form.html", {"form": form, "referral": referral}
    )


@require_http_methods(["GET", "POST"])
@saved_once
def priority(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _staff(request)
    referral = access.referral_get_for_user(
        staff=staff, public_id=public_id, detail="priority form"
    )
    form = PriorityForm(
        request.POST or None, initial={"prioritised": not referral.is_prioritised}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_set(by=staff, referral=referral, **form.cleaned_data)
        except services.Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Waiting-list priority saved.")
            return redirect("referrals:waiting-list")
    history = referral.priority_changes.select_related("by")
    return render(
        request,
        "referrals/priority_form.html",
        {"form": form, "referral": referral, "history": history},
    )


@require_GET
def waiting_times(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    access.require_intake(staff)
    report = selectors.waiting_time_report(staff=staff)
    return render(request, "referrals/waiting_times.html", {"report": report})
