"""The public callback form and the intake forms. Everything is validated here, on the
server; the browser's own checks are switched off (``novalidate``) so that every
message comes from one place, in the same words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.choices import CLINICAL_ROLES
from accounts.models import Site, Staff, Team
from ipt.models import Program
from iptcare.lib.dates import birth_date_refusal
from iptcare.lib.forms import DatedForm, refuse_not_cut
from iptcare.lib.phone import normalise_phone
from referrals.choices import AttemptOutcome, CallTime, Closure, NextStep, RequestFor
from referrals.models import Referral
from scheduling import forms as scheduling_forms

NOT_SURE = ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CallbackForm(forms.Form):
    """ "Request a callback": for the public, on a phone, perhaps in distress. Short,
    plain words; only a name, one way to reach them and their consent are required."""

    request_for = forms.ChoiceField(
        label="Who is this request for?",
        choices=RequestFor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who this request is for."},
    )
    name = forms.CharField(
        label="Your name",
        max_length=120,
        help_text="The name we should ask for when we call.",
        error_messages={"required": "Tell us your name, so we know who to ask for."},
    )
    about_name = forms.CharField(
        label="Their name (only if you are asking for someone else)",
        max_length=120,
        required=False,
    )
    phone = forms.CharField(label="Telephone number", max_length=32, required=False)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an e-mail address like name@example.org."},
    )
    call_times = forms.MultipleChoiceField(
        label="Best times to call",
        choices=CallTime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave these empty if any time on a weekday is fine.",
    )
    may_leave_voicemail = forms.BooleanField(
        label="It is fine to leave a voicemail message", required=False
    )
    may_text = forms.BooleanField(
        label="It is fine to send text messages", required=False
    )
    message = forms.CharField(
        label="Anything you would like us to know",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few words are enough. At most 1,000 characters.",
    )
    consent = forms.BooleanField(
        label="I agree to be contacted about this request",
        error_messages={
            "required": "Tick this box to let us contact you: we cannot call you back "
            "without it."
        },
    )
    # The honeypot: hidden from people (and from screen readers); bots fill it in.
    website = forms.CharField(
        label="Leave this field empty", required=False, max_length=200
    )

    field_order = [
        "site",
        "request_for",
        "name",
        "about_name",
        "phone",
        "email",
        "call_times",
        "may_leave_voicemail",
        "may_text",
        "message",
        "consent",
        "website",
    ]

    def __init__(
        self, *args: Any, sites: list[Site], preselect: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sites = sites
        if len(sites) > 1:
            self.fields["site"] = forms.ChoiceField(
                label="Which clinic would you like to hear from?",
                choices=[
                    *[(str(site.pk), site.name) for site in sites],
                    (NOT_SURE, "Not sure: any clinic"),
                ],
                widget=forms.RadioSelect,
                required=False,
                initial=preselect if preselect in {str(s.pk) for s in sites} else "",
            )
            self.order_fields(self.field_order)
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "tel", "inputmode": "tel"}
        )
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1"}
        )
        refuse_not_cut(self)

    def full_clean(self) -> None:
        """Validate, then point each field in error at its message, so that a screen
        reader announces the message with the field."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                widget = field.widget
                described = widget.attrs.get("aria-describedby", "") or (
                    f"{self[name].auto_id}_helptext" if field.help_text else ""
                )
                error_id = f"{self[name].auto_id}_error"
                widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()

    @property
    def is_spam(self) -> bool:
        """A filled-in honeypot: nothing is stored, and the bot is told "thank you"."""
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    @property
    def honeypot(self) -> forms.BoundField:
        return self["website"]

    @property
    def public_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name != "website"]

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_site(self) -> Site:
        chosen = self.cleaned_data.get("site", NOT_SURE)
        by_pk = {str(site.pk): site for site in self.sites}
        if chosen == NOT_SURE:
            return default_site(self.sites)
        if chosen not in by_pk:  # pragma: no cover - ChoiceField refuses it first
            raise forms.ValidationError("Choose one of the clinics.")
        return by_pk[chosen]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "site" not in self.fields and self.sites:
            cleaned["site"] = self.sites[0]
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if not phone and not email and not {"phone", "email"} & set(self.errors):
            self.add_error(
                "phone",
                "Give a telephone number or an e-mail address, so we can reach you.",
            )
        if cleaned.get("may_leave_voicemail") and not phone:
            self.add_error(
                "may_leave_voicemail", "A voicemail needs a telephone number."
            )
        if cleaned.get("may_text") and not phone:
            self.add_error("may_text", "Text messages need a telephone number.")
        return cleaned


def default_site(sites: list[Site]) -> Site:
    """Where a request goes when the person is not sure (docs/intake.md)."""
    wanted = settings.IPTCARE_INTAKE_DEFAULT_SITE
    for site in sites:
        if site.name == wanted:
            return site
    return sites[0]


# --- Intake ------------------------------------------------------------------------


class AttemptForm(DatedForm, forms.Form):
    happened = ("attempted_at",)
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=AttemptOutcome.choices,
        widget=forms.RadioSelect,
    )
    attempted_at = forms.DateTimeField(
        label="When",
        widget=DateTimeInput(),
        required=False,
        help_text="Leave as it is for a call just made.",
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text="For example: asked to call after 2pm.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attempted_at"].initial = timezone.localtime().replace(
            second=0, microsecond=0
        )

    def clean_attempted_at(self) -> datetime | None:
        when: datetime | None = self.cleaned_data.get("attempted_at")
        if when is not None and when > timezone.now():
            raise forms.ValidationError("The time is in the future.")
        return when


def details_from_request(referral: Referral) -> dict[str, str]:
    """What the form starts from when nothing is confirmed yet: the name the person
    typed on their request (theirs, or the loved one's they asked about), split into
    given and family names, and the contact details they gave for themselves. The
    coordinator confirms or corrects each on the call."""
    if referral.given_name or referral.family_name:
        return {}
    for_self = referral.request_for == RequestFor.SELF
    words = (referral.name if for_self else referral.about_name).split()
    initial: dict[str, str] = {}
    if len(words) >= 2:
        initial["given_name"] = " ".join(words[:-1])
        initial["family_name"] = words[-1]
    elif words:
        initial["given_name"] = words[0]
    if for_self:
        if not referral.patient_phone and referral.phone:
            initial["patient_phone"] = referral.phone
        if not referral.patient_email and referral.email:
            initial["patient_email"] = referral.email
    return initial


class PersonForm(DatedForm, forms.ModelForm[Referral]):
    """The person to be treated, confirmed on the telephone: needed for the duplicate
    check on name and date of birth, and for the patient record made on acceptance."""

    happened = ("date_of_birth",)

    class Meta:
        model = Referral
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "patient_phone",
            "patient_email",
        ]
        widgets = {"date_of_birth": DateInput()}
        labels = {
            "given_name": "Given name",
            "family_name": "Family name",
            "date_of_birth": "Date of birth",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("given_name", "family_name", "date_of_birth"):
            self.fields[name].required = True
        self.fields["patient_phone"].widget.attrs.update({"inputmode": "tel"})
        self.prefilled = details_from_request(self.instance)
        self.initial.update(self.prefilled)

    @property
    def changed_data(self) -> list[str]:
        """A prefilled value kept as it was is still new to the record: save it."""
        return sorted(set(super().changed_data) | set(self.prefilled))

    def clean_patient_phone(self) -> str:
        return normalise_phone(self.cleaned_data["patient_phone"])

    def clean_date_of_birth(self) -> Any:
        dob = self.cleaned_data["date_of_birth"]
        if refusal := birth_date_refusal(dob):
            raise forms.ValidationError(refusal)
        return dob

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        no_contact = not cleaned.get("patient_phone") and not cleaned.get(
            "patient_email"
        )
        if no_contact and not {"patient_phone", "patient_email"} & set(self.errors):
            self.add_error(
                "patient_phone", "Give a telephone number or an e-mail address."
            )
        return cleaned


def programs_for_intake() -> QuerySet[Program]:
    return Program.objects.filter(
        code__in=settings.IPTCARE_INTAKE_PROGRAMS, is_active=True
    ).order_by("-sessions", "name")


def clinicians_for(site_id: int) -> QuerySet[Staff]:
    return Staff.objects.filter(
        is_active=True, role__in=CLINICAL_ROLES, site_id=site_id
    ).order_by("last_name", "first_name")


class _FirstAppointment(DatedForm, forms.Form):
    """The first session, booked by intake as an ordinary appointment: its clinician,
    time and place. The time is typed on the clocks of the person's site, whatever
    the server's own time zone."""

    clinician = forms.ModelChoiceField(
        queryset=Staff.objects.none(), label="Clinician", required=False
    )
    first_appointment_at = forms.DateTimeField(
        label="First appointment", widget=DateTimeInput(), required=False
    )
    place = scheduling_forms.place_field()
    video_link = scheduling_forms.video_link_field()

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, born=referral.date_of_birth, **kwargs)
        self.site_zone = referral.site_zone
        self.fields[
            "first_appointment_at"
        ].help_text = (
            f"Date and time of the first session, {referral.site_zone.key} time."
        )

    def clean_first_appointment_at(self) -> datetime | None:
        when: datetime | None = self.cleaned_data.get("first_appointment_at")
        if when is None:
            return None
        # Django read the wall-clock time in the server's zone: read it in the site's.
        return timezone.make_aware(timezone.make_naive(when), self.site_zone)

    def _require_booking(self, cleaned: dict[str, Any]) -> None:
        if not cleaned.get("clinician") and "clinician" not in self.errors:
            self.add_error("clinician", "Choose the clinician.")
        when = cleaned.get("first_appointment_at")
        if when is None and "first_appointment_at" not in self.errors:
            self.add_error("first_appointment_at", "Give the date and time.")
        elif when is not None and when < timezone.now():
            self.add_error("first_appointment_at", "The time has passed already.")
        scheduling_forms.require_place_or_video(self, cleaned)


class AcceptForm(_FirstAppointment):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label="Program", empty_label=None
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Team", empty_label=None
    )
    next_step = forms.ChoiceField(
        label="Next", choices=NextStep.choices, widget=forms.RadioSelect
    )

    field_order = [
        "program",
        "team",
        "next_step",
        "clinician",
        "first_appointment_at",
        "place",
        "video_link",
    ]

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, referral=referral, **kwargs)
        self.fields["program"].queryset = programs_for_intake()  # type: ignore[attr-defined]
        self.fields["clinician"].queryset = clinicians_for(referral.site_id)  # type: ignore[attr-defined]
        if referral.patient_id is not None:
            del self.fields["team"]  # the linked record keeps its team
        else:
            self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
                site_id=referral.site_id
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("next_step") == NextStep.BOOK:
            self._require_booking(cleaned)
        return cleaned


class BookForm(_FirstAppointment):
    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, referral=referral, **kwargs)
        self.fields["clinician"].queryset = clinicians_for(referral.site_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_booking(cleaned)
        return cleaned


class CloseForm(forms.Form):
    closure = forms.ChoiceField(
        label="Outcome", choices=Closure.choices, widget=forms.RadioSelect
    )
    referred_to = forms.CharField(
        label="Referred to",
        max_length=200,
        required=False,
        help_text="The service or professional, for a referral elsewhere.",
    )
    reason = forms.CharField(
        label="Why",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        closure = cleaned.get("closure")
        if closure == Closure.REFERRED_ELSEWHERE and not cleaned.get("referred_to"):
            self.add_error("referred_to", "Say where the person was referred.")
        if (
            closure in {Closure.REFERRED_ELSEWHERE, Closure.DECLINED}
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why.")
        return cleaned


class PriorityForm(forms.Form):
    prioritised = forms.BooleanField(
        label="Move ahead of the date order on the waiting list", required=False
    )
    reason = forms.CharField(
        label="Reason",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required both to give and to take away priority; kept in the record.",
        error_messages={
            "required": "Give the reason: a priority override needs one.",
            "min_length": "Give the reason in a sentence.",
        },
    )


class LinkForm(forms.Form):
    """Which existing record this request belongs to: a patient or an open request."""

    patient = forms.UUIDField(required=False)
    referral = forms.UUIDField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("patient")) == bool(cleaned.get("referral")):
            raise forms.ValidationError("Choose one record to link.")
        return cleaned
