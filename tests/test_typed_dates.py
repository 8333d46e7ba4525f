"""Every date typed into the product is bounded by one rule (``iptcare.lib.dates``):
none before 1900, none in a patient's care before the patient was born. A date out
of bounds is refused on the page in words, and nothing is saved.

The first test enumerates the project's forms, so that a form added later with a
date field and without the rule fails here."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access import ServiceScope
from conftest import Clinic
from disclosures import forms as disclosure_forms
from ipt import forms as ipt_forms
from ipt.choices import Phase, TimelineCategory
from ipt.models import Course, CourseSession
from ipt.tests.factories import course_in_phase, program
from iptcare.lib.dates import date_refusal
from iptcare.lib.forms import DatedForm
from measures import forms as measure_forms
from measures.instruments import REGISTRY
from outcomes import forms as outcome_forms
from patients import forms as patient_forms
from patients.models import ConcurrentTreatment, Diagnosis
from portal.models import Homework
from recovery import forms as recovery_forms
from recovery.models import Medication, MedicationKind, SobrietyDate
from recovery.tests import factories as recovery_factories
from referrals import forms as referral_forms
from referrals.tests.factories import ReferralFactory
from scheduling import forms as scheduling_forms
from supervision import forms as supervision_forms

BORN = date(1995, 6, 15)
BEFORE_1900 = "The date is before 1900: check the year."
BEFORE_BIRTH = "The date is before the patient's date of birth."
AFTER_2099 = "The date is after 2099: check the year."


def _project_modules() -> Iterator[str]:
    root = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if not config.path.startswith(root) or "/.venv/" in config.path:
            continue
        yield config.name
        for info in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if not {"tests", "migrations", "management"} & set(info.name.split(".")):
                yield info.name


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_with_a_date_field_bounds_its_dates() -> None:
    names = list(_project_modules())
    for name in names:
        importlib.import_module(name)
    ours = tuple(f"{name.split('.')[0]}." for name in names)
    dated = [
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith(ours)
        and any(
            isinstance(f, forms.DateField | forms.DateTimeField)
            for f in getattr(form, "base_fields", {}).values()
        )
    ]
    assert len(dated) >= 25  # the enumeration finds the forms it is meant to
    unbounded = [f"{f.__module__}.{f.__qualname__}" for f in dated]
    unbounded = [
        name
        for name, form in zip(unbounded, dated, strict=True)
        if not issubclass(form, DatedForm)
    ]
    assert unbounded == [], "Make these forms DatedForm (iptcare.lib.forms)"


@pytest.mark.parametrize(
    ("day", "born", "happened", "refusal"),
    [
        (date(1, 1, 1), None, False, BEFORE_1900),
        (date(1899, 12, 31), None, False, BEFORE_1900),
        (date(1900, 1, 1), None, False, None),
        (date(1900, 1, 1), BORN, False, BEFORE_BIRTH),
        (BORN - timedelta(days=1), BORN, False, BEFORE_BIRTH),
        (BORN, BORN, False, None),
        (date(2099, 12, 31), BORN, False, None),
        (date(2100, 1, 1), BORN, False, AFTER_2099),
        (date(9999, 12, 31), BORN, False, AFTER_2099),
        (date(9999, 12, 31), BORN, True, "The date is in the future."),
    ],
)
def test_the_rule(
    day: date, born: date | None, happened: bool, refusal: str | None
) -> None:
    assert date_refusal(day, born=born, happened=happened) == refusal


# --- Through the pages: the error shown, nothing saved -----------------------------


@dataclass
class Case:
    """One form on one page: how to reach it, a valid post, and what it saves."""

    url: Callable[[Clinic, Course | None], str]
    post: Callable[[Clinic, str], dict[str, Any]]
    saved: Callable[[Clinic], Any]
    needs_course: bool = True
    field: str = field(default="")


def _patient_url(name: str) -> Callable[[Clinic, Course | None], str]:
    return lambda clinic, course: reverse(name, args=[clinic.patient.public_id])


def _course_url(name: str) -> Callable[[Clinic, Course | None], str]:
    return lambda clinic, course: reverse(
        name,
        args=[clinic.patient.public_id, course.public_id],  # type: ignore[union-attr]
    )


def _count(model: type[Model]) -> Callable[[Clinic], int]:
    return lambda clinic: model.objects.count()  # type: ignore[attr-defined]


def _medication(clinic: Clinic, day: str) -> dict[str, Any]:
    return {
        "kind": MedicationKind.objects.get(name="Methadone").pk,
        "dose": "60 mg",
        "prescriber": "Clinic doctor",
        "prescriber_in_program": "on",
        "started_on": day,
    }


def _course_end_state(clinic: Clinic) -> Any:
    return list(Course.objects.values_list("phase", "ended_on"))


CASES = {
    "course opened": Case(
        url=_patient_url("ipt:course-open"),
        post=lambda clinic, day: {
            "program": program("brief8").pk,
            "clinician": clinic.therapist_on_team.pk,
            "opened_on": day,
        },
        saved=_count(Course),
        needs_course=False,
    ),
    "diagnosis": Case(
        url=_patient_url("patients:diagnosis-add"),
        post=lambda clinic, day: {
            "code": "F32.1",
            "rank": "primary",
            "diagnosed_on": day,
        },
        saved=_count(Diagnosis),
        needs_course=False,
    ),
    "treatment": Case(
        url=_patient_url("patients:treatment-add"),
        post=lambda clinic, day: {"kind": "dbt", "started_on": day},
        saved=_count(ConcurrentTreatment),
        needs_course=False,
    ),
    "sober since": Case(
        url=_patient_url("recovery:sobriety"),
        post=lambda clinic, day: {
            "substance": recovery_factories.substance("alcohol").pk,
            "since": day,
        },
        saved=_count(SobrietyDate),
    ),
    "medication": Case(
        url=_patient_url("recovery:medication-add"),
        post=_medication,
        saved=_count(Medication),
    ),
    "session held": Case(
        url=_course_url("ipt:session-record"),
        post=lambda clinic, day: {
            "held_on": day,
            "at": "09:00",
            "duration_minutes": "50",
            "attendance": "attended",
            "same_day": "on",
        },
        saved=_count(CourseSession),
    ),
    "course ended": Case(
        url=_course_url("ipt:course-end"),
        post=lambda clinic, day: {
            "outcome": "dropped_out",
            "reason": "Moved away from the area.",
            "ended_on": day,
        },
        saved=_course_end_state,
    ),
    "homework due": Case(
        url=_course_url("portal:staff-homework"),
        post=lambda clinic, day: {
            "title": "Talk to your sister",
            "instructions": "Once this week.",
            "due_on": day,
        },
        saved=_count(Homework),
    ),
}


@pytest.fixture
def born_1995(clinic: Clinic) -> Clinic:
    clinic.patient.date_of_birth = BORN
    clinic.patient.save(update_fields=["date_of_birth"])
    return clinic


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize(
    ("day", "refusal"),
    [
        ("0001-01-01", BEFORE_1900),
        ("1899-12-31", BEFORE_1900),
        ("1900-01-01", BEFORE_BIRTH),
        ((BORN - timedelta(days=1)).isoformat(), BEFORE_BIRTH),
    ],
    ids=["year-1", "1899", "1900-before-birth", "day-before-birth"],
)
def test_a_date_out_of_bounds_is_refused_on_the_page_and_nothing_is_saved(
    client: Client, born_1995: Clinic, case: Case, day: str, refusal: str
) -> None:
    clinic = born_1995
    course = None
    if case.needs_course:
        course = course_in_phase(
            Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
        )
    client.force_login(clinic.therapist_on_team)
    before = case.saved(clinic)
    response = client.post(case.url(clinic, course), case.post(clinic, day))
    assert response.status_code in {200, 400}  # the form again (some pages say 400)
    assert refusal.replace("'", "&#x27;") in response.content.decode()
    assert case.saved(clinic) == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_date_in_bounds_is_saved(
    client: Client, born_1995: Clinic, case: Case
) -> None:
    clinic = born_1995
    course = None
    if case.needs_course:
        course = course_in_phase(
            Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
        )
    client.force_login(clinic.therapist_on_team)
    before = case.saved(clinic)
    day = timezone.localdate().isoformat()
    response = client.post(case.url(clinic, course), case.post(clinic, day))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert case.saved(clinic) != before


# --- The other forms, each on its own: the rule is on every date field ------------

FormMaker = Callable[[Clinic, Course, dict[str, str]], forms.BaseForm]
BORN_KNOWN = {"born": BORN}

FORMS: dict[str, tuple[FormMaker, list[str], bool]] = {
    # name: (make the form from its data, its date fields, bounded by the birth too)
    "consent": (
        lambda c, course, d: disclosure_forms.ConsentForm(d, **BORN_KNOWN),
        ["signed_on", "expires_on"],
        True,
    ),
    "revocation": (
        lambda c, course, d: disclosure_forms.RevocationForm(d, **BORN_KNOWN),
        ["received_on"],
        True,
    ),
    "expiry event": (
        lambda c, course, d: disclosure_forms.ExpiryEventForm(d, **BORN_KNOWN),
        ["occurred_on"],
        True,
    ),
    "drug test": (
        lambda c, course, d: recovery_forms.DrugTestForm(
            d, panel=recovery_factories.panel(), **BORN_KNOWN
        ),
        ["collected_on"],
        True,
    ),
    "use review": (
        lambda c, course, d: recovery_forms.ReviewForm(d, **BORN_KNOWN),
        ["last_use"],
        True,
    ),
    "supporter": (
        lambda c, course, d: recovery_forms.SupporterForm(d, patient=c.patient),
        ["permission_on", "permission_withdrawn_on"],
        True,
    ),
    "supporter contact": (
        lambda c, course, d: recovery_forms.ContactForm(d, **BORN_KNOWN),
        ["contacted_on"],
        True,
    ),
    "level of care": (
        lambda c, course, d: recovery_forms.CareLevelForm(d, **BORN_KNOWN),
        ["changed_on"],
        True,
    ),
    "agreement": (
        lambda c, course, d: ipt_forms.AgreementForm(d, **BORN_KNOWN),
        ["agreed_on"],
        True,
    ),
    "life event": (
        lambda c, course, d: ipt_forms.LifeEventForm(d, course=course),
        ["started_on"],
        True,
    ),
    "period": (
        lambda c, course, d: ipt_forms.PeriodForm(
            d, course=course, category=TimelineCategory.SYMPTOMS
        ),
        ["started_on", "ended_on"],
        True,
    ),
    "contract": (
        lambda c, course, d: ipt_forms.ContractForm(d, course=course),
        ["starts_on"],
        True,
    ),
    "appointment": (
        lambda c, course, d: scheduling_forms.AppointmentForm(d, patient=c.patient),
        ["day"],
        True,
    ),
    "series": (
        lambda c, course, d: scheduling_forms.SeriesForm(d, **BORN_KNOWN),
        ["first_date"],
        True,
    ),
    "move": (
        lambda c, course, d: scheduling_forms.MoveForm(d, **BORN_KNOWN),
        ["day"],
        True,
    ),
    "questionnaire": (
        lambda c, course, d: measure_forms.AdministrationForm(
            d, instrument=REGISTRY["phq9"], **BORN_KNOWN
        ),
        ["administered_at"],
        True,
    ),
    "first appointment": (
        lambda c, course, d: referral_forms.BookForm(
            d, referral=ReferralFactory(date_of_birth=BORN)
        ),
        ["first_appointment_at"],
        True,
    ),
    "patient": (
        lambda c, course, d: patient_forms.PatientForm(d, staff=c.therapist_on_team),
        ["date_of_birth"],
        False,
    ),
    "referred person": (
        lambda c, course, d: referral_forms.PersonForm(d, instance=ReferralFactory()),
        ["date_of_birth"],
        False,
    ),
    "call attempt": (
        lambda c, course, d: referral_forms.AttemptForm(d),
        ["attempted_at"],
        False,
    ),
    "supervision": (
        lambda c, course, d: supervision_forms.SupervisionNoteForm(
            d, supervisor=c.supervisor
        ),
        ["held_on"],
        False,
    ),
    "service report": (
        lambda c, course, d: outcome_forms.ServiceFilterForm(
            d, scope=ServiceScope(whole_service=True)
        ),
        ["start", "end"],
        False,
    ),
    "group": (
        lambda c, course, d: ipt_forms.GroupForm(d, staff=c.therapist_on_team),
        ["starts_on"],
        False,
    ),
    "group session": (
        lambda c, course, d: ipt_forms.GroupSessionForm(d, members=[]),
        ["held_on"],
        False,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(FORMS))
def test_each_date_field_of_each_form_refuses_a_date_out_of_bounds(
    born_1995: Clinic, name: str
) -> None:
    make, fields, in_care = FORMS[name]
    course = course_in_phase(
        Phase.INITIAL, patient=born_1995.patient, clinician=born_1995.therapist_on_team
    )
    wrong = [("0001-01-01", BEFORE_1900), ("1899-12-31", BEFORE_1900)]
    if in_care:
        wrong.append(((BORN - timedelta(days=1)).isoformat(), BEFORE_BIRTH))
    for day, refusal in wrong:
        # A date and time field is typed as both.
        data = {f: f"{day}T10:00" if f.endswith("_at") else day for f in fields}
        form = make(born_1995, course, data)
        assert not form.is_valid()
        for f in fields:
            assert refusal in form.errors.get(f, []), (name, f, day, form.errors)
    # The far end: a date that must have happened is in the future; any other is
    # after 2099 (a time zone west of UTC once carried 9999-12-31's evening past
    # the last day Python has).
    far = {f: "9999-12-31T22:00" if f.endswith("_at") else "9999-12-31" for f in fields}
    form = make(born_1995, course, far)
    assert not form.is_valid()
    for f in fields:
        expected = "The date is in the future." if f in form.happened else AFTER_2099
        assert expected in form.errors.get(f, []), (name, f, form.errors)
