"""The service dashboard's question: period, site, team, clinician, program, problem
area. The choices offered are limited to the user's scope (a supervisor's teams)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from accounts.access import ServiceScope
from accounts.choices import Role
from accounts.models import Site, Staff, Team
from ipt.choices import ProblemArea
from ipt.models import Program
from iptcare.lib.forms import DatedForm
from outcomes.dashboard import Filters

LONGEST_PERIOD_DAYS = 5 * 366


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today."""
    return today.replace(year=today.year - 1) + timedelta(days=1), today


def _display_name(staff: Staff) -> str:
    return staff.display_name


class ServiceFilterForm(DatedForm, forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    # The whole service's lists, narrowed to a supervisor's teams in ``__init__``;
    # built here, once, rather than on every request (the form is made on each one,
    # kept page or not).
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("name"), required=False, empty_label="All sites"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("site").order_by("site__name", "name"),
        required=False,
        empty_label="All teams",
    )
    clinician = forms.ModelChoiceField(
        queryset=Staff.objects.filter(
            role__in=[Role.CLINICIAN, Role.SUPERVISOR]
        ).order_by("last_name", "first_name", "username"),
        required=False,
        empty_label="All clinicians",
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("name"),
        required=False,
        empty_label="All programs",
    )
    problem_area = forms.ChoiceField(
        choices=[("", "All problem areas"), *ProblemArea.choices], required=False
    )

    def __init__(self, *args: Any, scope: ServiceScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["clinician"].label_from_instance = _display_name
        if not scope.whole_service:
            fields["team"].queryset = fields["team"].queryset.filter(
                pk__in=scope.team_ids
            )
            # The teams' members: a join through the courses costs a scan of them.
            fields["clinician"].queryset = (
                fields["clinician"].queryset.filter(teams__in=scope.team_ids).distinct()
            )
            fields["site"].queryset = (
                fields["site"].queryset.filter(teams__in=scope.team_ids).distinct()
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("The period must start before it ends.")
            if (end - start).days > LONGEST_PERIOD_DAYS:
                raise forms.ValidationError("Choose a period of at most five years.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            site=data.get("site"),
            team=data.get("team"),
            clinician=data.get("clinician"),
            program=data.get("program"),
            problem_area=data.get("problem_area") or "",
        )
