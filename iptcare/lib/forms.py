"""Form helpers every app's forms share."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from iptcare.lib.dates import date_refusal

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


class DateBounds:
    """The validator every typed date carries: see ``iptcare.lib.dates``."""

    def __init__(self, *, born: date | None, happened: bool) -> None:
        self.born = born
        self.happened = happened

    def __call__(self, value: date) -> None:
        refusal = date_refusal(value, born=self.born, happened=self.happened)
        if refusal:
            raise ValidationError(refusal, code="date_bounds")


class DatedForm(forms.BaseForm):
    """A form with a date in it. Each of its date fields is bounded (from 1900 to 2099,
    and not before ``born``, the date of birth of the patient whose care it records)
    and each field named in ``happened`` is not in the future either.

    Every form with a date field is one of these (a test enumerates them), so that a
    date typed anywhere is checked by the same rule."""

    happened: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, born: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.born = born

    def full_clean(self) -> None:
        # Here rather than in __init__: some forms add date fields after it
        # (supervision's due dates), and a view may learn the patient after it.
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField) and not any(
                isinstance(check, DateBounds) for check in field.validators
            ):
                field.validators.append(
                    DateBounds(born=self.born, happened=name in self.happened)
                )
        super().full_clean()
