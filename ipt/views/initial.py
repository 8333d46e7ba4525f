"""The initial phase's pages: inventory (with the closeness circle), timeline, problem
area with the formulation, and the contract with its goals."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ipt import selectors, services
from ipt.choices import TimelineCategory
from ipt.forms import (
    AgreementForm,
    ContractForm,
    FormulationForm,
    GoalForm,
    LifeEventForm,
    PeriodForm,
    PersonForm,
    ProblemAreaForm,
)
from ipt.models import Contract, Course
from ipt.views._common import (
    course_for,
    course_kept_for,
    is_partial,
    show_refusal,
    staff_of,
    to_course,
)
from iptcare.lib import kept_pages
from iptcare.lib.forms import form_refusal
from iptcare.lib.kept_pages import when_shown
from iptcare.lib.submissions import saved_once
from patients.models import Patient
from recovery.selectors import care_level_marks

# --- Inventory ----------------------------------------------------------------------


def _inventory_context(
    course: Course, patient: Patient, form: PersonForm
) -> dict[str, Any]:
    people = when_shown(lambda: list(course.people.all()))
    return {
        "course": course,
        "patient": patient,
        "people": people,
        "circle": when_shown(
            lambda: selectors.circle_picture(people, centre_label=patient.called)
        ),
        "form": form,
    }


@require_http_methods(["GET", "POST"])
@saved_once
def inventory(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    """The inventory with its circle; adding a person (HTMX swaps the section)."""
    found = course_kept_for(request, public_id, course_id, "inventory")
    course = found.course
    form = PersonForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            person = services.person_add(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            if not is_partial(request):
                messages.success(request, f"Added {person.name}.")
                return to_course(course, "ipt:inventory")
            form = PersonForm()
    template = "ipt/inventory.html" + (
        "#inventory-section" if is_partial(request) else ""
    )
    shown_form = form if form is not None else when_shown(PersonForm)
    context = _inventory_context(course, found.patient, shown_form)
    context["kept_key"] = kept_pages.page_key(
        request, found.access, "inventory", course_id
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def person_edit(
    request: HttpRequest, public_id: UUID, course_id: UUID, person_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "inventory person").course
    person = selectors.person_of(course, person_id)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=form.instance, by=staff_of(request), changed=form.changed_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Saved.")
            return to_course(course, "ipt:inventory")
    return render(
        request,
        "ipt/person_form.html",
        {"form": form, "person": person, "course": course, "patient": course.patient},
    )


@require_POST
def person_remove(
    request: HttpRequest, public_id: UUID, course_id: UUID, person_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "inventory person").course
    person = selectors.person_of(course, person_id)
    try:
        services.person_remove(person=person, by=staff_of(request))
    except services.Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, "Removed from the inventory.")
    return to_course(course, "ipt:inventory")


# --- Timeline -----------------------------------------------------------------------

TIMELINE_FORMS = ("event", "symptoms", "substance_use")


def _timeline_forms(
    course: Course, data: Any = None, which: str = ""
) -> dict[str, LifeEventForm | PeriodForm]:
    def bound(name: str) -> Any:
        return data if which == name else None

    return {
        "event": LifeEventForm(bound("event"), course=course, prefix="event"),
        "symptoms": PeriodForm(
            bound("symptoms"),
            course=course,
            category=TimelineCategory.SYMPTOMS,
            prefix="symptoms",
        ),
        "substance_use": PeriodForm(
            bound("substance_use"),
            course=course,
            category=TimelineCategory.SUBSTANCE_USE,
            prefix="substance_use",
        ),
    }


def _timeline_context(
    course: Course, patient: Patient, forms: dict[str, Any]
) -> dict[str, Any]:
    entries = when_shown(lambda: list(course.timeline.select_related("person")))
    return {
        "course": course,
        "patient": patient,
        "entries": entries,
        "picture": when_shown(
            lambda: selectors.timeline_picture(
                entries, care_changes=care_level_marks(patient)
            )
        ),
        "forms": forms,
    }


@require_http_methods(["GET", "POST"])
@saved_once
def timeline(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    """The timeline picture and table; the three kinds of entry are added here (HTMX
    swaps the section)."""
    found = course_kept_for(request, public_id, course_id, "timeline")
    course = found.course
    which = request.POST.get("form", "") if request.method == "POST" else ""
    # Unbound, the forms read the course's people: only if the page is rendered.
    forms = (
        _timeline_forms(course, request.POST, which)
        if which
        else when_shown(lambda: _timeline_forms(course))
    )
    form = forms.get(which) if which else None
    if form is not None and form.is_valid():
        category = {
            "event": TimelineCategory.LIFE_EVENT,
            "symptoms": TimelineCategory.SYMPTOMS,
            "substance_use": TimelineCategory.SUBSTANCE_USE,
        }[which]
        try:
            services.timeline_entry_add(
                course=course,
                by=staff_of(request),
                category=category,
                **form.cleaned_data,
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            if not is_partial(request):
                messages.success(request, "Added to the timeline.")
                return to_course(course, "ipt:timeline")
            forms = _timeline_forms(course)
    template = "ipt/timeline.html" + (
        "#timeline-section" if is_partial(request) else ""
    )
    context = _timeline_context(course, found.patient, forms)
    context["kept_key"] = kept_pages.page_key(
        request, found.access, "timeline", course_id
    )
    return render(request, template, context)


@require_POST
def timeline_remove(
    request: HttpRequest, public_id: UUID, course_id: UUID, entry_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "timeline entry").course
    entry = selectors.entry_of(course, entry_id)
    try:
        services.timeline_entry_remove(entry=entry, by=staff_of(request))
    except services.Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, "Removed from the timeline.")
    return to_course(course, "ipt:timeline")


# --- Problem area and formulation ---------------------------------------------------


def _problem_area_context(course: Course, **forms: Any) -> dict[str, Any]:
    people = list(course.people.all())
    entries = list(course.timeline.all())
    areas = list(course.problem_areas.all())
    initial: dict[str, str] = {}
    for area in areas:
        initial[f"area_{area.rank}"] = area.area
        initial[f"stage_{area.rank}"] = area.dispute_stage
    contract = Contract.objects.filter(course=course).first()
    return {
        "course": course,
        "patient": course.patient,
        "suggestions": selectors.suggestions_for(people=people, entries=entries),
        "areas": areas,
        "settled": course.phase != "initial" or bool(contract and contract.is_agreed),
        "area_form": forms.get("area_form") or ProblemAreaForm(initial=initial),
        "formulation_form": forms.get("formulation_form")
        or FormulationForm(initial={"text": course.formulation}),
        "agreement_form": forms.get("agreement_form") or AgreementForm(),
    }


@require_http_methods(["GET", "POST"])
def problem_area(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    """The suggestion with its reasons, the clinician's choice, the formulation and the
    patient's agreement to it."""
    course = course_for(request, public_id, course_id, "problem area").course
    form = ProblemAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suggested = {
            s.area.value
            for s in selectors.suggestions_for(
                people=list(course.people.all()), entries=list(course.timeline.all())
            )
        }
        try:
            services.problem_areas_choose(
                course=course,
                by=staff_of(request),
                choices=form.choices(),
                suggested=suggested,
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Problem area recorded.")
            return to_course(course, "ipt:problem-area")
    forms = {"area_form": form} if request.method == "POST" else {}
    return render(
        request, "ipt/problem_area.html", _problem_area_context(course, **forms)
    )


@require_POST
def formulation(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    course = course_for(request, public_id, course_id, "formulation").course
    form = FormulationForm(request.POST)
    if form.is_valid():
        try:
            services.formulation_save(
                course=course, by=staff_of(request), text=form.cleaned_data["text"]
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Formulation saved.")
            return to_course(course, "ipt:problem-area")
    return render(
        request,
        "ipt/problem_area.html",
        _problem_area_context(course, formulation_form=form),
    )


@require_POST
def formulation_agree(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "formulation agreement").course
    form = AgreementForm(request.POST, born=course.patient.date_of_birth)
    if form.is_valid():
        try:
            services.formulation_agree(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "The patient's agreement is recorded.")
            return to_course(course, "ipt:problem-area")
    return render(
        request,
        "ipt/problem_area.html",
        _problem_area_context(course, agreement_form=form),
    )


# --- Contract and goals -------------------------------------------------------------


def _contract_context(course: Course, **forms: Any) -> dict[str, Any]:
    contract = Contract.objects.filter(course=course).first()
    areas = [
        (area.area, area.get_area_display()) for area in course.problem_areas.all()
    ]
    return {
        "course": course,
        "patient": course.patient,
        "contract": contract,
        "goals": list(course.goals.all()),
        "areas": areas,
        "contract_form": forms.get("contract_form")
        or ContractForm(instance=contract, course=course),
        "goal_form": forms.get("goal_form") or GoalForm(areas=areas),
        "agreement_form": forms.get("agreement_form") or AgreementForm(),
        "today": timezone.localdate(),
    }


@require_http_methods(["GET", "POST"])
def contract(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    course = course_for(request, public_id, course_id, "contract").course
    existing = Contract.objects.filter(course=course).first()
    form = ContractForm(request.POST or None, instance=existing, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_save(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Contract saved.")
            return to_course(course, "ipt:contract")
    forms = {"contract_form": form} if request.method == "POST" else {}
    return render(request, "ipt/contract.html", _contract_context(course, **forms))


@require_POST
@saved_once
def goal_add(request: HttpRequest, public_id: UUID, course_id: UUID) -> HttpResponse:
    course = course_for(request, public_id, course_id, "goal").course
    areas = [
        (area.area, area.get_area_display()) for area in course.problem_areas.all()
    ]
    form = GoalForm(request.POST, areas=areas)
    if form.is_valid():
        try:
            services.goal_add(course=course, by=staff_of(request), **form.cleaned_data)
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "Goal added.")
            return to_course(course, "ipt:contract")
    return render(
        request, "ipt/contract.html", _contract_context(course, goal_form=form)
    )


@require_POST
def goal_remove(
    request: HttpRequest, public_id: UUID, course_id: UUID, goal_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "goal").course
    goal = selectors.goal_of(course, goal_id)
    try:
        services.goal_remove(goal=goal, by=staff_of(request))
    except services.Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, "Goal removed.")
    return to_course(course, "ipt:contract")


@require_POST
def contract_agree(
    request: HttpRequest, public_id: UUID, course_id: UUID
) -> HttpResponse:
    course = course_for(request, public_id, course_id, "contract agreement").course
    form = AgreementForm(request.POST, born=course.patient.date_of_birth)
    if form.is_valid():
        try:
            services.contract_agree(
                course=course, by=staff_of(request), **form.cleaned_data
            )
        except services.Refused as refusal:
            form_refusal(form, refusal)
        else:
            messages.success(request, "The contract is agreed.")
            return redirect(
                "ipt:course-detail",
                public_id=course.patient.public_id,
                course_id=course.public_id,
            )
    return render(
        request, "ipt/contract.html", _contract_context(course, agreement_form=form)
    )
