from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from accounts.choices import CLINICAL_ROLES
from accounts.models import Staff
from ipt.choices import Frequency
from iptcare.lib.forms import DatedForm
from patients.models import Patient
from scheduling.choices import AttendanceOutcome, Party
from scheduling.recurrence import WEEKDAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


PLACE_HELP = "Sent to the patient in reminders: a room and address, no clinical words."


def place_field() -> forms.CharField:
    """Where a session is held, as every booking form asks it (intake's too)."""
    return forms.CharField(max_length=200, required=False, help_text=PLACE_HELP)


def video_link_field() -> forms.URLField:
    return forms.URLField(
        max_length=300, required=False, assume_scheme="https", label="Video link"
    )


def require_place_or_video(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """A session needs a place or a video link: the reminder says where to go."""
    missing = not cleaned.get("place") and not cleaned.get("video_link")
    if missing and "place" not in form.errors and "video_link" not in form.errors:
        form.add_error("place", "Give a place or a video link.")


class WhereFields(forms.Form):
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=10, max_value=240
    )
    place = place_field()
    video_link = video_link_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        require_place_or_video(self, cleaned)
        return cleaned


class SeriesForm(DatedForm, WhereFields):
    """Book a course's contract (or a group's meetings) as a regular series."""

    first_date = forms.DateField(label="First session", widget=DateInput())
    at = forms.TimeField(label="Time", widget=TimeInput())
    sessions = forms.IntegerField(label="Sessions", min_value=1, max_value=60)
    frequency = forms.ChoiceField(choices=Frequency.choices)
    second_weekday = forms.TypedChoiceField(
        label="Second day (twice a week)",
        choices=[("", "—"), *[(str(n), day) for n, day in enumerate(WEEKDAYS)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    field_order = [
        "first_date",
        "at",
        "duration_minutes",
        "frequency",
        "second_weekday",
        "sessions",
        "place",
        "video_link",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "duration_minutes"
        ].initial = settings.SCHEDULING_DEFAULT_DURATION_MINUTES

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("frequency") == Frequency.TWICE_WEEKLY
            and cleaned.get("second_weekday") is None
        ):
            self.add_error("second_weekday", "Choose the second day of the week.")
        return cleaned


class GroupSeriesForm(SeriesForm):
    clinician = forms.ModelChoiceField(
        queryset=Staff.objects.none(), label="Led by", empty_label=None
    )

    def __init__(
        self, *args: Any, facilitators: QuerySet[Staff], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = facilitators  # type: ignore[attr-defined]


def clinicians_for(patient: Patient) -> QuerySet[Staff]:
    """Who may hold the patient's sessions: the active clinicians of their care team."""
    return Staff.objects.filter(
        is_active=True, role__in=CLINICAL_ROLES, care_teams__patient=patient
    ).order_by("last_name", "first_name")


class AppointmentForm(DatedForm, WhereFields):
    """Book one session."""

    clinician = forms.ModelChoiceField(queryset=Staff.objects.none(), empty_label=None)
    day = forms.DateField(label="Date", widget=DateInput())
    at = forms.TimeField(label="Time", widget=TimeInput())
    field_order = ["clinician", "day", "at", "duration_minutes", "place", "video_link"]

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, born=patient.date_of_birth, **kwargs)
        self.fields["clinician"].queryset = clinicians_for(patient)  # type: ignore[attr-defined]
        self.fields[
            "duration_minutes"
        ].initial = settings.SCHEDULING_DEFAULT_DURATION_MINUTES


class ReasonFields(forms.Form):
    requested_by = forms.ChoiceField(
        choices=Party.choices, widget=forms.RadioSelect, label="Asked for by"
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the appointment; never sent to the patient.",
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if len(reason) < 3:
            raise forms.ValidationError("Give the reason.")
        return reason


class MoveForm(DatedForm, ReasonFields):
    day = forms.DateField(label="New date", widget=DateInput())
    at = forms.TimeField(label="New time", widget=TimeInput())
    field_order = ["day", "at", "requested_by", "reason"]


class CancelForm(ReasonFields):
    pass


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        choices=AttendanceOutcome.choices, widget=forms.RadioSelect, label="The session"
    )


class GroupAttendanceForm(forms.Form):
    """One choice per member; the field is named by the member's course id."""

    def __init__(self, *args: Any, roll: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roll = roll
        for attendee in roll:
            self.fields[f"member_{attendee.course.public_id}"] = forms.ChoiceField(
                choices=AttendanceOutcome.choices,
                widget=forms.RadioSelect,
                label=attendee.patient.full_name,
            )

    def outcomes(self) -> dict[str, AttendanceOutcome]:
        return {
            name.removeprefix("member_"): AttendanceOutcome(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("member_")
        }
