"""Forms of the IPT pages. They check the shape of the input; the rules of the course
(phases, contract, locks) are the services' to enforce."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.choices import CLINICAL_ROLES
from accounts.models import Staff, Team
from ipt import strategies
from ipt.choices import (
    DisputeStage,
    EventKind,
    Outcome,
    ProblemArea,
    RiskLevel,
    TerminationDecision,
    TimelineCategory,
)
from ipt.gas import LEVEL_WORDS
from ipt.models import (
    Contract,
    Course,
    CourseSession,
    Goal,
    GroupMember,
    InventoryPerson,
    Program,
    RelapsePreventionPlan,
    SessionNote,
    TimelineEntry,
)
from iptcare.lib.forms import DatedForm
from patients.forms import DateInput
from patients.models import Patient
from scheduling.choices import UNPLANNED_OUTCOMES, AttendanceOutcome
from scheduling.forms import TimeInput

TEXTAREA = {"rows": 3}


def born_of(course: Course | None) -> date | None:
    """The date of birth that bounds the dates of a course's form."""
    return course.patient.date_of_birth if course is not None else None


SHORT_TEXTAREA = {"rows": 2}


class CourseOpenForm(DatedForm, forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
    clinician = forms.ModelChoiceField(queryset=Staff.objects.none(), empty_label=None)
    opened_on = forms.DateField(
        label="Opened on", widget=DateInput(), initial=timezone.localdate
    )

    happened = ("opened_on",)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, born=patient.date_of_birth, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("sessions", "name")
        self.fields["clinician"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=CLINICAL_ROLES, teams=patient.team
        ).distinct()


class PersonForm(forms.ModelForm[InventoryPerson]):
    class Meta:
        model = InventoryPerson
        fields = [
            "name",
            "relationship",
            "contact_frequency",
            "closeness",
            "quality",
            "satisfying",
            "unsatisfying",
            "expectations",
            "expectations_met",
            "desired_change",
            "supports_recovery",
            "uses_with_patient",
            "is_trigger",
            "deceased",
        ]
        widgets = {
            "closeness": forms.Select(
                choices=[
                    ("", "Choose…"),
                    (5, "5 — closest"),
                    (4, "4"),
                    (3, "3"),
                    (2, "2"),
                    (1, "1 — least close"),
                ]
            ),
            "satisfying": forms.Textarea(attrs=SHORT_TEXTAREA),
            "unsatisfying": forms.Textarea(attrs=SHORT_TEXTAREA),
            "expectations": forms.Textarea(attrs=SHORT_TEXTAREA),
            "desired_change": forms.Textarea(attrs=SHORT_TEXTAREA),
        }


class LifeEventForm(DatedForm, forms.ModelForm[TimelineEntry]):
    """A life event: one date, a kind, and whether someone died."""

    class Meta:
        model = TimelineEntry
        fields = [
            "kind",
            "title",
            "started_on",
            "precision",
            "someone_died",
            "person",
            "note",
        ]
        labels = {"started_on": "When"}
        widgets = {
            "started_on": DateInput(),
            "note": forms.Textarea(attrs=SHORT_TEXTAREA),
        }

    happened = ("started_on",)

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        kwargs.setdefault(
            "instance",
            TimelineEntry(course=course, category=TimelineCategory.LIFE_EVENT),
        )
        super().__init__(*args, born=course.patient.date_of_birth, **kwargs)
        self.fields["kind"].required = True
        self.fields["kind"].choices = [("", "Choose…"), *EventKind.choices]  # type: ignore[attr-defined]
        self.fields["person"].queryset = course.people.all()  # type: ignore[attr-defined]
        self.fields["person"].to_field_name = "public_id"  # type: ignore[attr-defined]
        self.fields["person"].empty_label = "Nobody in the inventory"  # type: ignore[attr-defined]


class PeriodForm(DatedForm, forms.ModelForm[TimelineEntry]):
    """A symptom episode or a period of substance use: a start and, unless ongoing,
    an end."""

    class Meta:
        model = TimelineEntry
        fields = ["title", "started_on", "ended_on", "precision", "note"]
        labels = {"started_on": "From", "ended_on": "To (empty while ongoing)"}
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "note": forms.Textarea(attrs=SHORT_TEXTAREA),
        }

    happened = ("started_on",)

    def __init__(
        self, *args: Any, course: Course, category: str, **kwargs: Any
    ) -> None:
        kwargs.setdefault("instance", TimelineEntry(course=course, category=category))
        super().__init__(*args, born=course.patient.date_of_birth, **kwargs)


STAGE_CHOICES = [("", "Not a dispute"), *DisputeStage.choices]


class ProblemAreaForm(forms.Form):
    area_1 = forms.ChoiceField(
        label="Problem area", choices=[("", "Choose…"), *ProblemArea.choices]
    )
    stage_1 = forms.ChoiceField(
        label="Stage of the dispute", choices=STAGE_CHOICES, required=False
    )
    area_2 = forms.ChoiceField(
        label="Second problem area (optional)",
        choices=[("", "None"), *ProblemArea.choices],
        required=False,
    )
    stage_2 = forms.ChoiceField(
        label="Stage of the second dispute", choices=STAGE_CHOICES, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for index in ("1", "2"):
            area = cleaned.get(f"area_{index}")
            stage = cleaned.get(f"stage_{index}")
            if area == ProblemArea.DISPUTES and not stage:
                self.add_error(f"stage_{index}", "Record the stage of the dispute.")
            if area and area != ProblemArea.DISPUTES and stage:
                self.add_error(f"stage_{index}", "A stage is for a dispute only.")
        if cleaned.get("area_2") and cleaned.get("area_2") == cleaned.get("area_1"):
            self.add_error("area_2", "Choose a different second area, or none.")
        return cleaned

    def choices(self) -> list[tuple[str, str]]:
        chosen = []
        for index in ("1", "2"):
            area = self.cleaned_data.get(f"area_{index}")
            if area:
                chosen.append((area, self.cleaned_data.get(f"stage_{index}") or ""))
        return chosen


class FormulationForm(forms.Form):
    text = forms.CharField(
        label="Interpersonal formulation",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One paragraph linking the diagnosis to the problem area, in words "
        "the patient recognises.",
    )


class AgreementForm(DatedForm, forms.Form):
    agreed_on = forms.DateField(
        label="The patient agreed on", widget=DateInput(), initial=timezone.localdate
    )

    happened = ("agreed_on",)


class ContractForm(DatedForm, forms.ModelForm[Contract]):
    class Meta:
        model = Contract
        fields = ["sessions_agreed", "frequency", "starts_on", "missed_session_policy"]
        widgets = {
            "starts_on": DateInput(),
            "missed_session_policy": forms.Textarea(attrs=SHORT_TEXTAREA),
        }

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        self.course = course
        super().__init__(*args, born=course.patient.date_of_birth, **kwargs)
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("sessions_agreed", course.program.sessions)
            self.initial.setdefault("frequency", course.program.frequency)
            self.initial.setdefault("starts_on", timezone.localdate())

    def clean_sessions_agreed(self) -> int:
        sessions = int(self.cleaned_data["sessions_agreed"])
        minimum = self.course.initial_sessions + self.course.termination_sessions
        if sessions < minimum:
            raise forms.ValidationError(
                f"At least {minimum} sessions: the initial and termination phases need them."
            )
        return sessions


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = [
            "area",
            "description",
            "level_minus_2",
            "level_minus_1",
            "level_0",
            "level_plus_1",
            "level_plus_2",
            "weight",
        ]
        labels = {"description": "Goal"}
        help_texts = {
            "level_0": "The outcome expected by the end of the course.",
            "weight": "1 unless some goals matter more than others.",
        }

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Attainment now",
        coerce=int,
        choices=[
            (level, f"{level:+d}: {words}") for level, words in LEVEL_WORDS.items()
        ],
    )


class SessionRecordForm(DatedForm, forms.Form):
    """A session that was never booked (a crisis call, a walk-in): recording it books
    its appointment on the spot (``scheduling.services.unplanned_session_record``), so
    it belongs to one like every other session. A second session on a day that has one
    already needs saying so: ten sessions dated the same day by mistake would tell the
    course's story wrong."""

    held_on = forms.DateField(
        label="Date", widget=DateInput(), initial=timezone.localdate
    )
    at = forms.TimeField(label="Time it began", widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=10, max_value=240, initial=50
    )
    attendance = forms.ChoiceField(
        choices=[(outcome.value, outcome.label) for outcome in UNPLANNED_OUTCOMES],
        initial=AttendanceOutcome.ATTENDED,
    )
    same_day = forms.BooleanField(
        label="Yes: this is another session on a day that has one already",
        required=False,
    )

    happened = ("held_on",)

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any):
        super().__init__(*args, born=born_of(course), **kwargs)
        self.course = course

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("held_on")
        if (
            self.course is not None
            and day is not None
            and not cleaned.get("same_day")
            and self.course.sessions.filter(held_on=day).exists()
        ):
            self.add_error(
                "same_day",
                "A session is already recorded on this day. Check the date, or tick "
                "this box if there really were two.",
            )
        cleaned.pop("same_day", None)
        return cleaned


def _scale(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
    )


class NoteForm(forms.Form):
    """A session note whose checklists follow the session's phase and the course's
    problem areas (``ipt.strategies``)."""

    mood = _scale("Mood this week (0 worst – 10 best)")
    cravings = _scale("Cravings this week (0 none – 10 strongest)")
    week_events = forms.CharField(
        label="The week's interpersonal events",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )
    since_last_time = forms.CharField(
        label="Since last time: how mood and cravings went with those events",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )
    techniques = forms.MultipleChoiceField(
        label="Techniques used",
        choices=strategies.TECHNIQUES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    homework_reviewed = forms.CharField(
        label="Homework reviewed",
        widget=forms.Textarea(attrs=SHORT_TEXTAREA),
        required=False,
    )
    homework_set = forms.CharField(
        label="Homework set",
        widget=forms.Textarea(attrs=SHORT_TEXTAREA),
        required=False,
    )
    risk_level = forms.ChoiceField(
        label="Risk review",
        choices=[("", "Not reviewed yet"), *RiskLevel.choices],
        required=False,
    )
    risk_notes = forms.CharField(
        label="Risk notes", widget=forms.Textarea(attrs=SHORT_TEXTAREA), required=False
    )
    plan = forms.CharField(
        label="Plan", widget=forms.Textarea(attrs=TEXTAREA), required=False
    )

    def __init__(
        self,
        *args: Any,
        checklists: list[strategies.Checklist],
        note: SessionNote | None = None,
        **kwargs: Any,
    ) -> None:
        if note is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(note, name) for name in self.base_fields}
                | {
                    f"checklist_{c.key}": [
                        code for code in note.checklist if code.startswith(c.key + ":")
                    ]
                    for c in checklists
                },
            )
        super().__init__(*args, **kwargs)
        self.checklists = checklists
        for checklist in checklists:
            self.fields[f"checklist_{checklist.key}"] = forms.MultipleChoiceField(
                label=checklist.title,
                choices=checklist.stored(),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("risk_level") == RiskLevel.HIGH and not cleaned.get(
            "risk_notes"
        ):
            self.add_error("risk_notes", "Say what was done about the risk.")
        return cleaned

    @property
    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[f"checklist_{checklist.key}"] for checklist in self.checklists]

    def note_fields(self) -> dict[str, Any]:
        """The cleaned values as ``note_save_draft`` takes them."""
        data = {name: self.cleaned_data[name] for name in self.base_fields}
        data["checklist"] = [
            code
            for checklist in self.checklists
            for code in self.cleaned_data.get(f"checklist_{checklist.key}", [])
        ]
        data["techniques"] = list(self.cleaned_data["techniques"])
        for name in (
            "week_events",
            "since_last_time",
            "homework_reviewed",
            "homework_set",
            "risk_notes",
            "plan",
        ):
            data[name] = data[name].strip()
        return data


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="A correction or an addition; the signed note itself stays as it was.",
    )


class ExtensionForm(forms.Form):
    sessions_added = forms.IntegerField(
        label="Sessions to add", min_value=1, max_value=24
    )
    reason = forms.CharField(
        label="Reason for the extension",
        widget=forms.Textarea(attrs=SHORT_TEXTAREA),
        min_length=10,
    )


class ReviewForm(forms.Form):
    progress_summary = forms.CharField(
        label="Progress review",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Progress against the goals and the scores, first and latest.",
    )


class RelapsePlanForm(forms.ModelForm[RelapsePreventionPlan]):
    class Meta:
        model = RelapsePreventionPlan
        fields = [
            "warning_signs",
            "interpersonal_triggers",
            "other_triggers",
            "coping_steps",
            "people_to_contact",
            "crisis_plan",
        ]
        widgets = {name: forms.Textarea(attrs=SHORT_TEXTAREA) for name in fields}


class _KeepAppointments(forms.Form):
    """Ending a course cancels its future appointments; the clinician may keep some
    (a review, a follow-up). Without future appointments the question is not asked."""

    keep_appointments = forms.MultipleChoiceField(
        label="Keep these appointments",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every future appointment of this course is cancelled when it "
        "ends, and its reminders stop, unless you keep it here.",
    )

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from scheduling.services import future_appointments_of

        upcoming = future_appointments_of(course) if course is not None else []
        if not upcoming:
            del self.fields["keep_appointments"]
            return
        field = cast(forms.MultipleChoiceField, self.fields["keep_appointments"])
        field.choices = [
            (str(a.appointment.public_id), _appointment_label(a.appointment))
            for a in upcoming
        ]


def _appointment_label(appointment: Any) -> str:
    local = timezone.localtime(appointment.starts_at, ZoneInfo(appointment.time_zone))
    label = local.strftime("%a %-d %b %Y, %H:%M")
    return f"{label} (group session)" if appointment.group_id else label


class DecisionForm(_KeepAppointments):
    decision = forms.ChoiceField(
        choices=[("", "Choose…"), *TerminationDecision.choices], label="Decision"
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs=SHORT_TEXTAREA),
        required=False,
        help_text="Needed to extend or to step up care.",
    )
    sessions_added = forms.IntegerField(
        label="Sessions to add (to extend)", min_value=1, max_value=24, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        reason = (cleaned.get("reason") or "").strip()
        if (
            decision in {TerminationDecision.EXTEND, TerminationDecision.STEP_UP}
            and len(reason) < 10
        ):
            self.add_error("reason", "Give the reason in a sentence.")
        if decision == TerminationDecision.EXTEND and not cleaned.get("sessions_added"):
            self.add_error("sessions_added", "Say how many sessions to add.")
        return cleaned


class CourseEndForm(DatedForm, _KeepAppointments):
    outcome = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in Outcome.choices
            if value != Outcome.COMPLETED
        ],
        help_text="A completed course ends from the termination review.",
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs=SHORT_TEXTAREA), min_length=10
    )
    ended_on = forms.DateField(
        label="Ended on", widget=DateInput(), initial=timezone.localdate
    )

    happened = ("ended_on",)

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any):
        super().__init__(*args, course=course, born=born_of(course), **kwargs)


# --- Groups -------------------------------------------------------------------------


class GroupForm(DatedForm, forms.Form):
    name = forms.CharField(
        max_length=80, help_text="No patient names: 'Tuesday evening group'."
    )
    program = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    facilitators = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(widget=DateInput(), initial=timezone.localdate)
    max_members = forms.IntegerField(min_value=2, max_value=14, initial=10)

    def __init__(self, *args: Any, staff: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = staff.teams.select_related("site")
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            is_active=True, delivery="group"
        )
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["facilitators"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=CLINICAL_ROLES, teams__in=teams
        ).distinct()
        self.initial.setdefault("facilitators", [staff.pk])


class GroupMemberForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        label="Patient",
        empty_label="Choose…",
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, candidates: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda course: (
                f"{course.patient.family_name}, {course.patient.given_name} "
                f"({course.patient.record_number})"
            )
        )


class GroupSessionForm(DatedForm, forms.Form):
    """A group meeting that was never booked: recording it books its group appointment
    on the spot (``scheduling.services.unplanned_group_session_record``), as the course
    page's form does for a session alone, so each member attended or did not attend."""

    held_on = forms.DateField(
        label="Date", widget=DateInput(), initial=timezone.localdate
    )
    at = forms.TimeField(label="Time it began", widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=10, max_value=240, initial=90
    )
    theme = forms.CharField(max_length=200, required=False, help_text="No names.")

    happened = ("held_on",)

    def __init__(self, *args: Any, members: list[GroupMember], **kwargs: Any) -> None:
        # Held in each member's care: not before the youngest was born.
        born = max((m.course.patient.date_of_birth for m in members), default=None)
        super().__init__(*args, born=born, **kwargs)
        self.members = members
        for member in members:
            patient = member.course.patient
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{patient.family_name}, {patient.given_name}",
                choices=[(o.value, o.label) for o in UNPLANNED_OUTCOMES],
                initial=AttendanceOutcome.ATTENDED,
                widget=forms.RadioSelect,
            )

    def outcomes(self) -> dict[str, AttendanceOutcome]:
        """Each member's outcome, by their course's public id (as scheduling takes it)."""
        return {
            str(member.course.public_id): AttendanceOutcome(
                self.cleaned_data[f"member_{member.pk}"]
            )
            for member in self.members
        }


def session_checklists(session: CourseSession) -> list[strategies.Checklist]:
    areas = [area.area for area in session.course.problem_areas.all()]
    return strategies.checklists_for(session.phase, areas)
