from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from accounts.choices import Role
from accounts.models import Staff

six_digits = RegexValidator(r"^\s*\d{6}\s*$", "Enter the 6-digit code from your app.")


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class ConfirmDeviceForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        validators=[six_digits],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label="Enrolment code from your administrator",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class BreakGlassForm(forms.Form):
    record_number = forms.CharField(max_length=20, label="Record number")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=1000,
        help_text="Why you need this record now. Your team's supervisor will review it.",
    )


class StaffCreationForm(forms.ModelForm[Staff]):
    """Used by the administrators' pages (Django admin) to add staff."""

    class Meta:
        model = Staff
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "site",
            "teams",
        ]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("role") != Role.ADMINISTRATOR and not cleaned.get("site"):
            self.add_error("site", "Clinical and intake staff belong to a site.")
        return cleaned
