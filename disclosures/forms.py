"""Forms for consents, revocations and disclosures. The rules themselves live in
``services`` and ``rules``; these parse input and say clearly what is missing."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from disclosures import signatures
from disclosures.choices import Channel, ConsentKind, ContentKind
from disclosures.models import Consent, Recipient
from iptcare.lib.forms import DatedForm

TPO_CLASS = (
    "my treating providers, health plans, third-party payers, and people helping to "
    "operate this program"
)
DISCLOSED_CHANNELS = [
    (Channel.PDF.value, Channel.PDF.label),
    (Channel.CSV.value, Channel.CSV.label),
    (Channel.FHIR.value, Channel.FHIR.label),
]


class DateInput(forms.DateInput):
    input_type = "date"


def end_of(day: datetime.date) -> datetime.datetime:
    """A consent valid until a date is valid through that whole day."""
    midnight = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min
    )
    return timezone.make_aware(midnight)


def _read_upload(upload: Any) -> tuple[bytes, str]:
    if upload.size and upload.size > signatures.MAX_SCAN_BYTES:
        raise forms.ValidationError("The file is larger than 5 MB.")
    try:
        return signatures.scanned_document(upload.read())
    except signatures.BadDocument as error:
        raise forms.ValidationError(str(error)) from None


class ConsentForm(DatedForm, forms.Form):
    happened = ("signed_on",)
    kind = forms.ChoiceField(label="Kind of consent", choices=ConsentKind.choices)
    discloser = forms.CharField(
        label="Who may disclose",
        max_length=200,
        help_text="The program, or named people in it.",
    )
    information = forms.CharField(
        label="What information",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='Specific and meaningful, e.g. "attendance and PHQ-9 scores".',
    )
    content_kinds = forms.MultipleChoiceField(
        label="Content it covers",
        choices=ContentKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.ModelMultipleChoiceField(
        label="To whom",
        queryset=Recipient.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A named person or organisation (not for a TPO consent).",
    )
    recipient_description = forms.CharField(
        label="To whom (TPO consent)",
        max_length=300,
        required=False,
        initial=TPO_CLASS,
    )
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(label="Expires on", required=False, widget=DateInput)
    expiry_event = forms.CharField(
        label="…or expires on this event",
        max_length=200,
        required=False,
        help_text='e.g. "the end of my court-ordered program". A TPO consent lasts '
        "until revoked in writing.",
    )
    signed_on = forms.DateField(label="Signed on", widget=DateInput)
    signature_drawn = forms.CharField(required=False, widget=forms.HiddenInput)
    signature_scan = forms.FileField(
        label="…or a scan of the signed paper form",
        required=False,
        help_text="PDF, PNG or JPEG, up to 5 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discloser"].initial = settings.IPTCARE_ORGANISATION
        self.fields["signed_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drawn, scan = data.get("signature_drawn"), data.get("signature_scan")
        if drawn and scan:
            raise forms.ValidationError("Either draw the signature or upload a scan.")
        if scan:
            try:
                data["signature"], data["signature_content_type"] = _read_upload(scan)
            except forms.ValidationError as error:
                self.add_error("signature_scan", error)
            data["signature_kind"] = "scan"
        elif drawn:
            try:
                data["signature"] = signatures.drawn_signature(drawn)
            except signatures.BadDocument as error:
                raise forms.ValidationError(str(error)) from None
            data["signature_content_type"] = "image/png"
            data["signature_kind"] = "drawn"
        else:
            raise forms.ValidationError(
                "The consent needs the patient's signature: draw it or upload a scan."
            )
        expires_on = data.get("expires_on")
        data["expires_at"] = end_of(expires_on) if expires_on else None
        return data


class RevocationForm(DatedForm, forms.Form):
    happened = ("received_on",)
    received_on = forms.DateField(label="Revocation received on", widget=DateInput)
    document = forms.FileField(
        label="The written revocation",
        help_text="A scan or photo of the patient's written revocation (PDF, PNG or "
        "JPEG, up to 5 MB).",
    )

    def clean_document(self) -> tuple[bytes, str]:
        return _read_upload(self.cleaned_data["document"])


class ExpiryEventForm(DatedForm, forms.Form):
    happened = ("occurred_on",)
    occurred_on = forms.DateField(label="The event happened on", widget=DateInput)


class DisclosureForm(forms.Form):
    recipient = forms.ModelChoiceField(
        queryset=Recipient.objects.filter(is_active=True)
    )
    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(),
        required=False,
        help_text="The consent that authorises this disclosure.",
    )
    content_kinds = forms.MultipleChoiceField(
        label="Content",
        choices=[c for c in ContentKind.choices if c[0] != ContentKind.LETTER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    letter = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Your covering letter, printed above the content.",
    )
    purpose = forms.CharField(max_length=300)
    channel = forms.ChoiceField(label="Send as", choices=DISCLOSED_CHANNELS)
    emergency = forms.BooleanField(
        label="Medical emergency: no consent can be obtained in time",
        required=False,
    )
    emergency_reason = forms.CharField(
        label="The emergency, in a sentence",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, patient: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consent_field = self.fields["consent"]
        assert isinstance(consent_field, forms.ModelChoiceField)  # noqa: S101
        consent_field.queryset = Consent.objects.active_at(timezone.now()).filter(
            patient=patient
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("content_kinds") and not (data.get("letter") or "").strip():
            raise forms.ValidationError("Choose the content, or write a letter.")
        if (
            data.get("emergency")
            and len((data.get("emergency_reason") or "").strip()) < 10
        ):
            self.add_error("emergency_reason", "Say what the emergency is.")
        if not data.get("emergency"):
            data["emergency_reason"] = ""
        return data
