"""The supervision note form: who, when, which patients, the advice, and up to
three actions with their due dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from accounts import access
from accounts.models import Staff
from iptcare.lib.forms import DatedForm
from patients.models import Patient
from supervision.models import ChecklistItem, ItemScore
from supervision.services import clinicians_supervised_by

ACTION_SLOTS = 3


class PatientChoice(forms.ModelMultipleChoiceField[Patient]):
    def label_from_instance(self, obj: Patient) -> str:
        return f"{obj.family_name}, {obj.given_name} ({obj.record_number})"


class ClinicianChoice(forms.ModelChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.display_name


class SupervisionNoteForm(DatedForm, forms.Form):
    held_on = forms.DateField(
        label="Date of supervision", widget=forms.DateInput(attrs={"type": "date"})
    )
    clinician = ClinicianChoice(queryset=Staff.objects.none())
    patients = PatientChoice(
        queryset=Patient.objects.none(),
        label="Patients discussed",
        widget=forms.CheckboxSelectMultiple,
    )
    advice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown to the clinician on each patient's course page.",
    )

    def __init__(self, *args: Any, supervisor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            pk__in=clinicians_supervised_by(supervisor)
        ).order_by("last_name", "first_name")
        self.fields["patients"].queryset = access.caseload_for(supervisor).order_by(  # type: ignore[attr-defined]
            "family_name", "given_name", "id"
        )
        for n in range(1, ACTION_SLOTS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=f"Action {n}", max_length=300, required=False
            )
            self.fields[f"due_{n}"] = forms.DateField(
                label=f"Action {n} due by",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, ACTION_SLOTS + 1):
            text, due = data.get(f"action_{n}"), data.get(f"due_{n}")
            if text and not due:
                self.add_error(f"due_{n}", "Give the date the action is due.")
            if due and not text:
                self.add_error(f"action_{n}", "Say what the action is.")
        return data

    def actions(self) -> list[tuple[str, date]]:
        data = self.cleaned_data
        return [
            (data[f"action_{n}"], data[f"due_{n}"])
            for n in range(1, ACTION_SLOTS + 1)
            if data.get(f"action_{n}") and data.get(f"due_{n}")
        ]


class SessionRatingForm(forms.Form):
    """One radio group per checklist item shown for the session."""

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ItemScore.choices,
                widget=forms.RadioSelect,
            )

    def scores(self) -> dict[str, str]:
        return {
            name.removeprefix("item_"): value
            for name, value in self.cleaned_data.items()
        }
