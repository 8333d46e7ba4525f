"""The portal's forms. Labels are for patients: plain words, translated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipt.models import InventoryPerson
from iptcare.lib.forms import DatedForm, refuse_not_cut
from portal.homework_templates import templates_for
from portal.services.inventory import PATIENT_FIELDS
from recovery.models import Substance
from recovery.wording import substance_words

SCALE = [(n, str(n)) for n in range(11)]


class DateOfBirthForm(forms.Form):
    """Day, month and year in three boxes: what people type most reliably on a phone."""

    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, autocomplete, size in (
            ("day", "bday-day", 2),
            ("month", "bday-month", 2),
            ("year", "bday-year", 4),
        ):
            self.fields[name].widget = forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": autocomplete,
                    "size": size,
                    "maxlength": size,
                    "class": f"date-part date-{name}",
                }
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            born = date(cleaned["year"], cleaned["month"], cleaned["day"])
        except (KeyError, ValueError):
            raise forms.ValidationError(_("Enter a real date.")) from None
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth must be in the past."))
        cleaned["date_of_birth"] = born
        return cleaned


class LinkRequestForm(DateOfBirthForm):
    contact = forms.CharField(
        label=_("Your e-mail address or mobile number"),
        max_length=254,
        help_text=_("The one the clinic has for you."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["contact", "day", "month", "year"]


@dataclass(frozen=True)
class AnswerOption:
    """One radio of a question, as ``RadioSelect`` would render it."""

    value: str
    label: str
    id: str
    checked: bool


class AnswerForm(forms.Form):
    """One question's answer: a position among its options."""

    def __init__(self, *args: Any, options: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = [(str(n), label) for n, label in enumerate(options)]
        self.fields["answer"] = forms.TypedChoiceField(
            choices=self.choices,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose one answer.")},
        )

    def options(self) -> list[AnswerOption]:
        """The radios for the page's own loop: the same values, ids and checked state
        as ``RadioSelect`` gives, without a widget template per radio (a third of the
        question page's time, decisions/0071)."""
        answer = self["answer"]
        # As ``ChoiceWidget.format_value``: the bound or initial value, as text.
        chosen = answer.value()
        chosen_text = "" if chosen is None else str(chosen)
        return [
            AnswerOption(
                value=str(value),
                label=str(label),
                id=f"{answer.auto_id}_{n}",
                checked=str(value) == chosen_text,
            )
            for n, (value, label) in enumerate(self.choices)
        ]


class DiaryForm(forms.Form):
    mood = forms.TypedChoiceField(
        label=_("Mood today (0 = very low, 10 = very good)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    craving = forms.TypedChoiceField(
        label=_("Cravings today (0 = none, 10 = very strong)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    used = forms.TypedChoiceField(
        label=_("Did you drink or use any drugs today?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    used_what = forms.CharField(label=_("What?"), max_length=120, required=False)
    used_how_much = forms.CharField(
        label=_("How much?"), max_length=120, required=False
    )
    used_substances = forms.MultipleChoiceField(
        label=_("What did you use?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    self_harm = forms.TypedChoiceField(
        label=_("Did you hurt yourself, or think about ending your life, today?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    person = forms.ChoiceField(
        label=_("Who was it with?"), required=False, widget=forms.RadioSelect
    )
    person_new = forms.CharField(
        label=_("Someone else (a first name or who they are)"),
        max_length=80,
        required=False,
    )
    add_to_people = forms.BooleanField(label=_("Add them to my people"), required=False)
    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    how_it_felt = forms.CharField(
        label=_("How did it feel?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, people: list[InventoryPerson], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        choices: list[tuple[str, str | Promise]] = [("", _("No one in particular"))]
        choices += [(key, person.name) for key, person in self.people.items()]
        choices.append(("new", _("Someone else")))
        cast(forms.ChoiceField, self.fields["person"]).choices = choices
        # The recovery app's use list, so that use is counted per substance.
        cast(forms.ChoiceField, self.fields["used_substances"]).choices = [
            (code, substance_words(code, name))
            for code, name in Substance.objects.filter(is_active=True).values_list(
                "code", "name"
            )
        ]
        refuse_not_cut(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("used")
            and not cleaned.get("used_what", "").strip()
            and not cleaned.get("used_substances")
        ):
            self.add_error("used_what", _("Say what you used."))
        choice = cleaned.get("person", "")
        if choice == "new" and not cleaned.get("person_new", "").strip():
            self.add_error("person_new", _("Say who it was."))
        cleaned["person_obj"] = self.people.get(choice)
        if choice != "new":
            cleaned["person_new"] = ""
        return cleaned


class HomeworkAnswerForm(forms.Form):
    def __init__(
        self, *args: Any, questions: list[str], answers: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question,
                required=False,
                max_length=4000,
                initial=answers[number - 1] if number <= len(answers) else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        refuse_not_cut(self)

    def answers(self) -> list[str]:
        return [
            self.cleaned_data[name]
            for name in self.fields
            if name.startswith("answer_")
        ]


class PersonForm(forms.ModelForm[InventoryPerson]):
    """A person in the patient's own words."""

    closeness = forms.TypedChoiceField(
        label=_("How close do you feel to them?"),
        choices=[
            (5, _("5 · very close")),
            (4, "4"),
            (3, "3"),
            (2, "2"),
            (1, _("1 · not close")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = InventoryPerson
        fields = list(PATIENT_FIELDS)  # what the patient may change, said once
        labels = {
            "name": _("Their first name, or who they are to you"),
            "relationship": _("Who are they to you?"),
            "contact_frequency": _("How often are you in touch?"),
            "quality": _("How is the relationship?"),
            "satisfying": _("What is good about it?"),
            "unsatisfying": _("What is hard about it?"),
            "desired_change": _("What would you like to change?"),
        }
        help_texts = {"name": ""}
        widgets = {
            "satisfying": forms.Textarea(attrs={"rows": 2}),
            "unsatisfying": forms.Textarea(attrs={"rows": 2}),
            "desired_change": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_not_cut(self)


# --- Staff forms ---------------------------------------------------------------------


class HomeworkSetForm(DatedForm, forms.Form):
    template = forms.ChoiceField(label="Template", required=False)
    title = forms.CharField(label="Or your own: title", max_length=120, required=False)
    instructions = forms.CharField(
        label="Instructions for the patient",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, problem_areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = templates_for(problem_areas)
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            ("", "— write my own —")
        ] + [
            (
                template.key,
                f"{template.title}"
                + (
                    " (for this course's problem area)"
                    if template.problem_areas & set(problem_areas)
                    else ""
                ),
            )
            for template in ordered
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("template") and not cleaned.get("title", "").strip():
            self.add_error(
                "title", "Choose a template, or give your own homework a title."
            )
        return cleaned
