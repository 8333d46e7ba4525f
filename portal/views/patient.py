"""The patient's pages. Every page below the sign-in is wrapped in
``portal.session.patient_required``, which supplies ``request.portal_patient``; every
object a page names is looked up *through that patient* (a foreign id is a 404), and
every read of the patient's data is written to the audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit import services as audit
from audit.choices import Action
from iptcare.lib import ratelimit
from iptcare.lib.submissions import saved_once
from iptcare.lib.tokens import token_digest
from measures.instruments import REGISTRY
from outcomes import selectors as outcome_selectors
from outcomes.charts import PHONE
from patients.models import Patient
from portal import session
from portal.forms import (
    AnswerForm,
    DateOfBirthForm,
    DiaryForm,
    HomeworkAnswerForm,
    LinkRequestForm,
    PersonForm,
)
from portal.models import DiaryEntry, Homework, QuestionnaireResponse
from portal.plain_words import chart_wording, progress_in_words
from portal.question_page import question_page
from portal.selectors import (
    next_sessions,
    own_response,
    patient_people,
    relapse_plan_of,
    sessions_ics,
)
from portal.services import diary as diary_services
from portal.services import homework as homework_services
from portal.services import inventory as inventory_services
from portal.services import links
from portal.services import questionnaires as questionnaire_services
from portal.services.links import PATIENT
from portal.wording import question_screens
from recovery import selectors as recovery_selectors

PENDING_LINK = "portal_pending_link"  # the opened link's digest, never the token


def _patient(request: HttpRequest) -> Patient:
    return request.portal_patient  # type: ignore[attr-defined, no-any-return]


def _audit_read(request: HttpRequest, category: str, object_id: str = "") -> None:
    audit.record(
        actor=None,
        action=Action.VIEW,
        category=category,
        patient=_patient(request),
        object_id=object_id,
        detail="portal",
        actor_label=PATIENT,
    )


def _too_many(request: HttpRequest, scope: str) -> bool:
    return not ratelimit.hit(
        request, scope=scope, limit=settings.IPTCARE_PORTAL_RATE_LIMIT, window=3600
    )


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return HttpResponse(_page_text(request, template, context), status=status)


def _page_text(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    csrf_token: str | None = None,
) -> str:
    """The portal page's HTML; ``csrf_token`` stands for the reader's token in a page
    kept for others (``None``: the reader's own)."""
    # The crisis lines come from the context processor (iptcare.context_processors).
    context.setdefault("section", template.split("/")[-1].split(".")[0].split("_")[0])
    context.setdefault("portal_patient", getattr(request, "portal_patient", None))
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render_to_string(template, context, request)


def _public(view: Any) -> Any:
    """Pages before sign-in: in the language the visitor chose, never cached."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(session.language_of(request)):
            request.LANGUAGE_CODE = translation.get_language()
            response: HttpResponse = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    wrapped.login_required = False  # type: ignore[attr-defined]
    return wrapped


# --- Signing in ----------------------------------------------------------------------


@require_http_methods(["GET"])
@_public
def start(request: HttpRequest) -> HttpResponse:
    if session.current_patient(request) is not None:
        return redirect("portal:home")
    expired = request.session.pop(session.EXPIRED_KEY, False)
    return _render(request, "portal/start.html", {"expired": expired})


@require_http_methods(["GET"])
@login_not_required
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the message: keep the token in the session and drop it from the
    address bar (and from any later Referer) before asking for the date of birth."""
    request.session[PENDING_LINK] = token_digest(token)
    response = redirect("portal:sign-in")
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@_public
def sign_in(request: HttpRequest) -> HttpResponse:
    digest = request.session.get(PENDING_LINK, "")
    # Wrong links count against the address like any public form; once over the
    # limit every link answers the same 429, so guessing cannot tell a good one.
    if digest and ratelimit.over(
        request, scope="portal-link", limit=settings.IPTCARE_PORTAL_RATE_LIMIT
    ):
        request.session.pop(PENDING_LINK, None)
        return _render(request, "portal/too_many.html", {}, status=429)
    if not digest or links.link_for_digest(digest) is None:
        if digest:
            _too_many(request, "portal-link")
        request.session.pop(PENDING_LINK, None)
        return _render(
            request, "portal/link_spent.html", {}, status=410 if digest else 200
        )
    form = DateOfBirthForm(request.POST if request.method == "POST" else None)
    attempts_left = None
    if request.method == "POST":
        if _too_many(request, "portal-sign-in"):
            return _render(request, "portal/too_many.html", {}, status=429)
        if form.is_valid():
            result = links.link_redeem(
                digest=digest, date_of_birth=form.cleaned_data["date_of_birth"]
            )
            if result.outcome == links.Redeemed.SIGNED_IN and result.patient:
                session.sign_in(request, result.patient)
                return redirect("portal:home")
            if result.outcome == links.Redeemed.SPENT:
                request.session.pop(PENDING_LINK, None)
                return _render(request, "portal/link_spent.html", {}, status=410)
            attempts_left = result.attempts_left
            form.add_error(None, _("That date of birth does not match our records."))
    return _render(
        request, "portal/sign_in.html", {"form": form, "attempts_left": attempts_left}
    )


@require_http_methods(["GET", "POST"])
@_public
def request_link(request: HttpRequest) -> HttpResponse:
    form = LinkRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _too_many(request, "portal-link-request"):
            return _render(request, "portal/too_many.html", {}, status=429)
        if form.is_valid():
            links.link_request(
                contact=form.cleaned_data["contact"],
                date_of_birth=form.cleaned_data["date_of_birth"],
            )
            # The same answer whether or not anyone matched: no way to test details.
            return _render(request, "portal/link_requested.html", {})
    return _render(request, "portal/request_link.html", {"form": form})


@require_POST
@login_not_required
def sign_out(request: HttpRequest) -> HttpResponse:
    patient = session.current_patient(request)
    if patient is not None:
        audit.record(
            actor=None,
            action=Action.SIGN_OUT,
            category="portal",
            patient=patient,
            actor_label=PATIENT,
        )
    session.sign_out(request)
    return redirect("portal:start")


@require_POST
@login_not_required
def language(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("language", "")
    if chosen in dict(settings.LANGUAGES):
        request.session[session.LANGUAGE_KEY] = chosen
    target = request.POST.get("next", "")
    if not target.startswith("/portal/") or "//" in target:
        target = reverse("portal:start")
    return redirect(target)


@require_http_methods(["GET"])
@_public
def help_now(request: HttpRequest) -> HttpResponse:
    """Crisis contacts, reachable without signing in."""
    return _render(request, "portal/help.html", {})


# --- Home ----------------------------------------------------------------------------


@require_http_methods(["GET"])
@session.patient_required
def home(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    _audit_read(request, "portal_home")
    today = timezone.localdate()
    context = {
        "due": questionnaire_services.questionnaires_due(patient),
        "diary_today": DiaryEntry.objects.filter(patient=patient, day=today).first(),
        "homework": [
            {"homework": item, "title": homework_services.title_of(item)}
            for item in homework_services.open_for_patient(patient)[:5]
        ],
        "next_session": next(iter(next_sessions(patient, limit=1)), None),
        "sobriety": recovery_selectors.portal_sobriety(patient),
    }
    return _render(request, "portal/home.html", context)


# --- Questionnaires ------------------------------------------------------------------


def _response(request: HttpRequest, response_id: uuid.UUID) -> QuestionnaireResponse:
    """The patient's own response, or 404."""
    response = own_response(_patient(request), response_id)
    if response is None or response.instrument_id not in REGISTRY:
        raise Http404("No such questionnaire.")
    return response


@require_POST
@session.patient_required
def questionnaire_start(request: HttpRequest, instrument_id: str) -> HttpResponse:
    try:
        response = questionnaire_services.response_start(
            patient=_patient(request),
            instrument_id=instrument_id,
            language=translation.get_language() or "en",
        )
    except ValidationError:
        raise Http404("No such questionnaire.") from None
    if response.is_submitted:
        return redirect("portal:questionnaire-done", response_id=response.public_id)
    first_open = next(
        (
            n
            for n, answer in enumerate(response.answers + response.extra_answers, 1)
            if answer is None
        ),
        None,
    )
    if first_open is None:
        return redirect("portal:questionnaire-review", response_id=response.public_id)
    return redirect(
        "portal:question", response_id=response.public_id, number=first_open
    )


@require_http_methods(["GET", "POST"])
@session.patient_required
def question(request: HttpRequest, response_id: uuid.UUID, number: int) -> HttpResponse:
    response = _response(request, response_id)
    if response.is_submitted:
        return redirect("portal:questionnaire-done", response_id=response.public_id)
    screens = question_screens(REGISTRY[response.instrument_id], response.language)
    if not 1 <= number <= len(screens.questions):
        raise Http404("No such question.")
    screen = screens.questions[number - 1]
    stored = (response.answers + response.extra_answers)[number - 1]
    chosen = "" if stored is None else str(stored)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        options=list(screen.options),
        initial={"answer": chosen},
    )
    if request.method == "POST" and form.is_valid():
        answered = questionnaire_services.answer_save(
            response=response, number=number, position=form.cleaned_data["answer"]
        )
        following = (
            reverse("portal:question", args=[response.public_id, number + 1])
            if number < len(screens.questions)
            else reverse("portal:questionnaire-review", args=[response.public_id])
        )
        if answered.critical:
            # The crisis resources at once, before anything else; the alert is raised.
            return _render(
                request, "portal/risk_answer.html", {"continue_to": following}
            )
        return redirect(following)
    if request.method == "GET":
        _audit_read(request, "portal_questionnaire", str(response.public_id))

    def page(csrf_token: str | None) -> str:
        context = {
            "response": response,
            "screens": screens,
            "screen": screen,
            "number": number,
            "total": len(screens.questions),
            "form": form,
            "options": form.options(),
            "previous": number - 1 if number > 1 else None,
        }
        return _page_text(request, "portal/question.html", context, csrf_token)

    # The same for every patient but for the response's id, the option chosen and
    # the CSRF token: kept rendered per question in this process (decisions/0071).
    return HttpResponse(question_page(request, response, number, chosen, page))


@require_http_methods(["GET", "POST"])
@session.patient_required
def questionnaire_review(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    response = _response(request, response_id)
    if response.is_submitted:
        return redirect("portal:questionnaire-done", response_id=response.public_id)
    screens = question_screens(REGISTRY[response.instrument_id], response.language)
    error = ""
    if request.method == "POST":
        try:
            questionnaire_services.response_submit(response=response)
        except questionnaire_services.SubmitRefused as refusal:
            error = refusal.messages[0]
        else:
            return redirect("portal:questionnaire-done", response_id=response.public_id)
    else:
        _audit_read(request, "portal_questionnaire", str(response.public_id))
    answers = response.answers + response.extra_answers
    rows = [
        {
            "number": n,
            "text": screen.text,
            "answer": None
            if answers[n - 1] is None
            else screen.options[answers[n - 1]],
        }
        for n, screen in enumerate(screens.questions, start=1)
    ]
    return _render(
        request,
        "portal/review.html",
        {"response": response, "screens": screens, "rows": rows, "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET"])
@session.patient_required
def questionnaire_done(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    response = _response(request, response_id)
    if not response.is_submitted:
        return redirect("portal:questionnaire-review", response_id=response.public_id)
    _audit_read(request, "portal_questionnaire", str(response.public_id))
    screens = question_screens(REGISTRY[response.instrument_id], response.language)
    return _render(
        request,
        "portal/done.html",
        {
            "response": response,
            "screens": screens,
            "risk": response.risk_shown_at is not None,
            "due": questionnaire_services.questionnaires_due(_patient(request)),
        },
    )


# --- Diary ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@session.patient_required
def diary(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    people = diary_services.people_of(patient)
    today = DiaryEntry.objects.filter(patient=patient, day=timezone.localdate()).first()
    initial: dict[str, Any] = {"used": "no", "self_harm": "no"}
    if today is not None:
        initial = {
            "mood": today.mood,
            "craving": today.craving,
            "used": "yes" if today.used else "no",
            "used_what": today.used_what,
            "used_how_much": today.used_how_much,
            "used_substances": list(
                today.use_reports.values_list("substance__code", flat=True)
            ),
            "self_harm": "yes" if today.self_harm else "no",
            "person": str(today.person.public_id)
            if today.person
            else ("new" if today.person_new else ""),
            "person_new": today.person_new,
            "what_happened": today.what_happened,
            "how_it_felt": today.how_it_felt,
        }
    form = DiaryForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            entry = diary_services.diary_save(
                patient=patient,
                answers=diary_services.DiaryAnswers(
                    mood=data["mood"],
                    craving=data["craving"],
                    used=data["used"],
                    used_what=data["used_what"].strip(),
                    used_how_much=data["used_how_much"].strip(),
                    substances=tuple(data["used_substances"]),
                    self_harm=data["self_harm"],
                    person=data["person_obj"],
                    person_new=data["person_new"].strip(),
                    add_to_people=data["add_to_people"],
                    what_happened=data["what_happened"].strip(),
                    how_it_felt=data["how_it_felt"].strip(),
                ),
            )
            if entry.self_harm:
                return _render(
                    request,
                    "portal/risk_answer.html",
                    {"continue_to": reverse("portal:home"), "from_diary": True},
                )
            messages.success(request, _("Saved. Thank you."))
            return redirect("portal:home")
        status = 400
    else:
        _audit_read(request, "portal_diary")
        status = 200
    week = diary_services.diary_week(patient)
    return _render(
        request,
        "portal/diary.html",
        {"form": form, "today": today, "week": week},
        status=status,
    )


# --- Homework ------------------------------------------------------------------------


def _homework(request: HttpRequest, homework_id: uuid.UUID) -> Homework:
    homework = Homework.objects.filter(
        patient=_patient(request), public_id=homework_id
    ).first()
    if homework is None:
        raise Http404("No such homework.")
    return homework


@require_http_methods(["GET"])
@session.patient_required
def homework_list(request: HttpRequest) -> HttpResponse:
    _audit_read(request, "homework")
    items = list(Homework.objects.filter(patient=_patient(request))[:30])
    rows = [
        {"homework": item, "title": homework_services.title_of(item)} for item in items
    ]
    return _render(request, "portal/homework_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@session.patient_required
def homework_detail(request: HttpRequest, homework_id: uuid.UUID) -> HttpResponse:
    homework = _homework(request, homework_id)
    questions = homework_services.questions_for(homework)
    form = HomeworkAnswerForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        answers=list(homework.answers),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                homework_services.homework_answer(
                    patient=_patient(request),
                    homework=homework,
                    answers=form.answers(),
                    done="hand_in" in request.POST,
                )
            except homework_services.HomeworkRefused as refusal:
                form.add_error(None, refusal.messages[0])
                status = 400
            else:
                messages.success(
                    request,
                    _("Handed in. Thank you.")
                    if "hand_in" in request.POST
                    else _("Saved. You can come back to it."),
                )
                return redirect("portal:homework-list")
        else:
            status = 400
    else:
        _audit_read(request, "homework", str(homework.public_id))
    return _render(
        request,
        "portal/homework_detail.html",
        {
            "homework": homework,
            "title": homework_services.title_of(homework),
            "instructions": homework_services.instructions_of(homework),
            "form": form,
            "locked": homework.status == "reviewed",
        },
        status=status,
    )


# --- Own picture ---------------------------------------------------------------------


@require_http_methods(["GET"])
@session.patient_required
def progress(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    _audit_read(request, "outcomes")
    shown = outcome_selectors.patient_progress(
        patient=patient,
        only=["phq9", "gad7", "core10"],
        size=PHONE,
        wording=chart_wording(),
    )
    items = [
        {"item": item, "words": progress_in_words(item.outcome)}
        for item in shown.instruments
        if item.outcome.scores
    ]
    return _render(request, "portal/progress.html", {"items": items})


@require_http_methods(["GET"])
@session.patient_required
def sessions(request: HttpRequest) -> HttpResponse:
    _audit_read(request, "appointments")
    return _render(
        request,
        "portal/sessions.html",
        {"appointments": next_sessions(_patient(request), limit=12)},
    )


@require_http_methods(["GET"])
@session.patient_required
def sessions_calendar(request: HttpRequest) -> HttpResponse:
    _audit_read(request, "appointments", "ics")
    response = HttpResponse(
        sessions_ics(_patient(request), host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="appointments.ics"'
    return response


@require_http_methods(["GET"])
@session.patient_required
def plan(request: HttpRequest) -> HttpResponse:
    _audit_read(request, "relapse_plan")
    return _render(
        request, "portal/plan.html", {"plan": relapse_plan_of(_patient(request))}
    )


@require_http_methods(["GET"])
@session.patient_required
def people(request: HttpRequest) -> HttpResponse:
    _audit_read(request, "inventory")
    return _render(request, "portal/people.html", patient_people(_patient(request)))


@require_http_methods(["GET", "POST"])
@session.patient_required
@saved_once
def person(request: HttpRequest, person_id: uuid.UUID | None = None) -> HttpResponse:
    patient = _patient(request)
    existing = None
    if person_id is not None:
        try:
            existing = inventory_services.person_of(patient, person_id)
        except inventory_services.InventoryRefused:
            raise Http404("No such person.") from None
    form = PersonForm(
        request.POST if request.method == "POST" else None, instance=existing
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                inventory_services.person_save(
                    patient=patient, values=form.cleaned_data, person=existing
                )
            except ValidationError as refusal:
                form.add_error(None, refusal.messages[0])
                status = 400
            else:
                messages.success(
                    request, _("Saved. Your clinician will go through it with you.")
                )
                return redirect("portal:people")
        else:
            status = 400
    elif existing is not None:
        _audit_read(request, "inventory", str(existing.public_id))
    return _render(
        request,
        "portal/person_form.html",
        {"form": form, "person": existing},
        status=status,
    )
