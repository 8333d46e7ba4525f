"""Forms of the recovery pages: they check the shape of the input; the services check
what is possible (dates, panels, periods) and refuse with the reason."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from disclosures.models import Recipient
from ipt.models import InventoryPerson
from iptcare.lib.forms import DatedForm
from patients.forms import DateInput
from recovery import analytes
from recovery.choices import Adherence, Specimen
from recovery.models import (
    CareLevel,
    Medication,
    MedicationKind,
    Substance,
    Supporter,
    TestPanel,
)
from recovery.selectors import SessionUseView

TEXTAREA = {"rows": 3}
RESULT_CHOICES = [
    ("", "—"),
    ("negative", "Negative"),
    ("positive", "Positive"),
    ("not_tested", "Not tested"),
]


class SessionUseForm(forms.Form):
    """Days of use since last time per substance (blank: not asked), heavy days for
    alcohol, and adherence per current medication."""

    def __init__(self, *args: Any, view: SessionUseView, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = view
        days = (view.last_day - view.first_day).days + 1
        for substance in view.substances:
            report = view.reports.get(substance.pk)
            self.fields[f"days_{substance.code}"] = forms.IntegerField(
                label=f"{substance.name}: days of use",
                min_value=0,
                max_value=days,
                required=False,
                initial=report.days_used if report else None,
            )
            if substance.counts_heavy_days:
                self.fields[f"heavy_{substance.code}"] = forms.IntegerField(
                    label=f"{substance.name}: heavy days "
                    f"({substance.heavy_day_amount:g}+ {substance.unit})",
                    min_value=0,
                    max_value=days,
                    required=False,
                    initial=report.heavy_days if report else None,
                )
        for medication in view.medications:
            self.fields[f"adherence_{medication.pk}"] = forms.ChoiceField(
                label=f"{medication.kind.name} {medication.dose}",
                choices=[("", "—"), *Adherence.choices],
                required=False,
                initial=view.adherence.get(medication.pk, ""),
            )

    def answers(self) -> list[tuple[Substance, int, int | None]]:
        data = self.cleaned_data
        answered = []
        for substance in self.view.substances:
            days = data.get(f"days_{substance.code}")
            heavy = data.get(f"heavy_{substance.code}")
            if days is None:
                if heavy:
                    self.add_error(
                        f"days_{substance.code}", "Give the days of use as well."
                    )
                continue
            answered.append((substance, days, heavy))
        return answered

    def adherence(self) -> dict[Medication, str]:
        return {
            medication: self.cleaned_data[f"adherence_{medication.pk}"]
            for medication in self.view.medications
            if self.cleaned_data.get(f"adherence_{medication.pk}")
        }


class TlfbForm(forms.Form):
    """The calendar: one field per day, the amount (standard drinks for alcohol; for
    other substances 1 = used); 0 = no use; blank = not remembered."""

    def __init__(
        self,
        *args: Any,
        substance: Substance,
        first: date,
        last: date,
        existing: dict[date, Decimal | int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.days: list[date] = []
        day = first
        while day <= last:
            self.days.append(day)
            self.fields[f"d{day:%Y%m%d}"] = forms.DecimalField(
                label=f"{day:%a %-d %b}",
                min_value=Decimal(0),
                max_value=Decimal(99),
                max_digits=4,
                decimal_places=1,
                required=False,
                initial=existing.get(day),
            )
            day += timedelta(days=1)
        self.substance = substance

    def amounts(self) -> dict[date, Decimal | None]:
        return {day: self.cleaned_data.get(f"d{day:%Y%m%d}") for day in self.days}

    def day_fields(self) -> list[tuple[date, forms.BoundField]]:
        return [(day, self[f"d{day:%Y%m%d}"]) for day in self.days]


class DrugTestForm(DatedForm, forms.Form):
    collected_on = forms.DateField(
        label="Date collected", widget=DateInput(), initial=timezone.localdate
    )
    specimen = forms.ChoiceField(choices=Specimen.choices)
    panel = forms.ModelChoiceField(queryset=TestPanel.objects.none(), empty_label=None)
    collected_by = forms.CharField(label="Who collected", max_length=120)
    note = forms.CharField(
        widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=2000
    )

    def __init__(self, *args: Any, panel: TestPanel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = TestPanel.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["panel"].initial = panel.pk
        if panel.specimens:
            self.fields["specimen"].initial = panel.specimens[0]
        self.analyte_codes = list(panel.analytes)
        for code in self.analyte_codes:
            self.fields[f"result_{code}"] = forms.ChoiceField(
                label=analytes.label(code), choices=RESULT_CHOICES, required=False
            )

    def results(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"result_{code}"]
            for code in self.analyte_codes
            if self.cleaned_data.get(f"result_{code}")
        }


class SobrietyForm(DatedForm, forms.Form):
    substance = forms.ModelChoiceField(
        queryset=Substance.objects.filter(is_active=True), empty_label=None
    )
    since = forms.DateField(label="Sober since", widget=DateInput())
    show_in_portal = forms.BooleanField(
        label="Show the days of sobriety in the patient's portal", required=False
    )


class ReviewForm(DatedForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("confirm", "Confirm: move the sobriety date"),
            ("dismiss", "Do not confirm"),
        ],
        widget=forms.RadioSelect,
    )
    last_use = forms.DateField(label="Day of last use", widget=DateInput())


class MedicationForm(DatedForm, forms.ModelForm[Medication]):
    class Meta:
        model = Medication
        fields = [
            "kind",
            "dose",
            "prescriber",
            "prescriber_in_program",
            "started_on",
            "stopped_on",
        ]
        widgets = {"started_on": DateInput(), "stopped_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = MedicationKind.objects.filter(is_active=True)  # type: ignore[attr-defined]


class SupporterForm(DatedForm, forms.ModelForm[Supporter]):
    class Meta:
        model = Supporter
        fields = [
            "name",
            "relationship",
            "phone",
            "person",
            "permission_on",
            "permission_scope",
            "permission_withdrawn_on",
            "recipient",
            "supports_recovery",
            "uses_with_patient",
            "is_trigger",
        ]
        widgets = {
            "permission_on": DateInput(),
            "permission_withdrawn_on": DateInput(),
            "permission_scope": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, patient: Any, **kwargs: Any) -> None:
        super().__init__(*args, born=patient.date_of_birth, **kwargs)
        self.fields["person"].queryset = InventoryPerson.objects.filter(  # type: ignore[attr-defined]
            course__patient=patient
        )
        self.fields["person"].required = False
        self.fields["recipient"].queryset = Recipient.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )
        self.fields["recipient"].required = False


class ContactForm(DatedForm, forms.Form):
    contacted_on = forms.DateField(
        label="Date", widget=DateInput(), initial=timezone.localdate
    )
    mode = forms.ChoiceField(label="How", choices=[])
    family_session = forms.BooleanField(label="A family session", required=False)
    shared = forms.CharField(
        label="What was shared", widget=forms.Textarea(attrs=TEXTAREA), max_length=4000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from recovery.choices import ContactMode

        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = ContactMode.choices  # type: ignore[attr-defined]


class CareLevelForm(DatedForm, forms.Form):
    level = forms.ModelChoiceField(
        label="Level of care",
        queryset=CareLevel.objects.filter(is_active=True),
        empty_label=None,
    )
    changed_on = forms.DateField(
        label="From", widget=DateInput(), initial=timezone.localdate
    )
    reason = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)
