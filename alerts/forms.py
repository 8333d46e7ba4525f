from __future__ import annotations

from typing import Any

from django import forms

from alerts.choices import ActionTaken


class AcknowledgeForm(forms.Form):
    """Acknowledging an alert needs the action taken; "other" needs it in words."""

    action_taken = forms.ChoiceField(
        label="What was done",
        choices=ActionTaken.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say what was done before acknowledging."},
    )
    action_note = forms.CharField(
        label="Note (required for 'other')",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the alert; not sent anywhere.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("action_taken") == ActionTaken.OTHER
            and not (cleaned.get("action_note") or "").strip()
        ):
            self.add_error("action_note", "Describe what was done.")
        return cleaned
