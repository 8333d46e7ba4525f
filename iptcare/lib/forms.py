"""Form helpers every app's forms share."""

from __future__ import annotations

from typing import Protocol

from django import forms
from django.utils.translation import gettext_lazy as _

TOO_LONG = _(
    "This is too long: please shorten it to %(limit_value)d characters or fewer "
    "(it has %(show_value)d). Nothing was saved."
)


def refuse_not_cut(form: forms.BaseForm) -> None:
    """A text box longer than its limit is refused with a message, never cut: the
    browser's ``maxlength`` on a text area silently drops the end of a pasted message,
    so it goes, and the server's limit speaks instead (with the length in words)."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and isinstance(field.widget, forms.Textarea)
            and field.max_length
        ):
            field.widget.attrs.pop("maxlength", None)
            field.error_messages["max_length"] = TOO_LONG


class Refusal(Protocol):
    """A service's refusal: each app's ``Refused`` carries the reasons it gives."""

    reasons: list[str]


def form_refusal(form: forms.BaseForm, refusal: Refusal) -> None:
    """A service's refusal on its form: each reason a non-field error, shown in the
    error summary; nothing was changed."""
    for reason in refusal.reasons:
        form.add_error(None, reason)
