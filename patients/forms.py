from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.choices import CLINICAL_ROLES, CareTeamRole, Role
from accounts.models import Staff, Team
from iptcare.lib.dates import birth_date_refusal
from iptcare.lib.forms import DatedForm
from iptcare.lib.phone import normalise_phone
from patients import icd10
from patients.models import ConcurrentTreatment, Diagnosis, Patient


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def teams_for(staff: Staff) -> QuerySet[Team]:
    """The teams a user may register a patient with."""
    if staff.role == Role.INTAKE:
        return Team.objects.filter(site=staff.site).select_related("site")
    return staff.teams.select_related("site")


class PatientForm(DatedForm, forms.ModelForm[Patient]):
    happened = ("date_of_birth",)

    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "phone",
            "email",
            "address",
            "may_leave_voicemail",
            "may_text",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "preferred_language",
            "language_note",
            "interpreter_needed",
            "team",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "may_leave_voicemail": "A voicemail may be left",
            "may_text": "Text messages are acceptable",
        }

    def __init__(self, *args: Any, staff: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for(staff)  # type: ignore[attr-defined]
        self.fields["team"].empty_label = None  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "tel"}
        )

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self) -> str:
        return normalise_phone(self.cleaned_data["emergency_contact_phone"])

    def clean_date_of_birth(self) -> Any:
        dob = self.cleaned_data["date_of_birth"]
        if refusal := birth_date_refusal(dob):
            raise forms.ValidationError(refusal)
        return dob

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        no_contact = not cleaned.get("phone") and not cleaned.get("email")
        if no_contact and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", "Give a telephone number or an e-mail address.")
        if cleaned.get("may_text") and not cleaned.get("phone"):
            self.add_error("may_text", "Texts need a telephone number.")
        if cleaned.get("may_leave_voicemail") and not cleaned.get("phone"):
            self.add_error("may_leave_voicemail", "Voicemail needs a telephone number.")
        return cleaned


class DiagnosisForm(DatedForm, forms.ModelForm[Diagnosis]):
    code = forms.ChoiceField(
        choices=[("", "Choose a code…"), *icd10.choices()], label="ICD-10"
    )

    class Meta:
        model = Diagnosis
        fields = ["code", "rank", "diagnosed_on", "resolved_on", "note"]
        widgets = {"diagnosed_on": DateInput(), "resolved_on": DateInput()}

    happened = ("diagnosed_on",)


class TreatmentForm(DatedForm, forms.ModelForm[ConcurrentTreatment]):
    class Meta:
        model = ConcurrentTreatment
        fields = [
            "kind",
            "description",
            "medication_name",
            "dose",
            "prescriber",
            "provider",
            "started_on",
            "ended_on",
        ]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}


class CareTeamForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label="Clinician")
    role = forms.ChoiceField(choices=CareTeamRole.choices)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Clinicians of the patient's site; the care team is where access comes from.
        self.fields["staff"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=CLINICAL_ROLES, site_id=patient.team.site_id
        )
