"""Forms for recording a rating scale: one radio group per item, returning option
positions (0 = the first option the instrument lists), ``None`` for no answer.

``InstrumentForm(instrument=…)`` (or ``instrument_form_class(instrument)()``) is the
reusable part: the intake screening call page embeds it with a ``prefix`` per
instrument and renders it with ``measures/administration_form.html#instrument-fields``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst

from iptcare.lib.forms import DatedForm
from measures.instruments import licensed_text
from measures.instruments.base import Instrument, InvalidAnswers, Item, Score

logger = logging.getLogger(__name__)

INCOMPLETE_LABEL = "Some answers were declined or not asked: save without a score"


def instrument_as_displayed(instrument: Instrument) -> Instrument:
    """The instrument with a licensed clinic's own wording where the licence keeps the
    wording out of IPT Care (``IPTCARE_LICENSED_WORDING_FILE``); otherwise unchanged.
    Scoring is the same either way: the file supplies text, never scores."""
    path = getattr(settings, "IPTCARE_LICENSED_WORDING_FILE", "")
    if instrument.licence.ship_text or not path:
        return instrument
    try:
        return licensed_text.instrument_with_wording(instrument, path)
    except licensed_text.LicensedTextError as error:
        # The message names the file and the problem, never a patient.
        logger.error("Licensed wording not used: %s", error)
        return instrument


def _option_choices(item: Item) -> list[tuple[int, str]]:
    return [(position, option.label) for position, option in enumerate(item.options)]


class InstrumentForm(forms.Form):
    """Every item of one instrument as a required-by-rule radio group."""

    default_instrument: ClassVar[Instrument | None] = None
    allow_incomplete = forms.BooleanField(required=False, label=INCOMPLETE_LABEL)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument | None = None,
        answers: Sequence[int | None] | None = None,
        extra_answers: Sequence[int | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen = instrument or type(self).default_instrument
        if chosen is None:
            raise TypeError("InstrumentForm needs an instrument.")
        self.instrument: Instrument = instrument_as_displayed(chosen)
        self.score: Score | None = None
        self.missing: list[Item] = []
        self.wording_withheld = any(item.text is None for item in self.instrument.items)
        for item in self.instrument.items:
            name = self.item_field_name(item)
            self.fields[name] = self._field(item, item.text)
            if answers is not None and item.number <= len(answers):
                self.initial[name] = answers[item.number - 1]
        for index, item in enumerate(self.instrument.extra_items, start=1):
            name = f"extra_{index}"
            field = self._field(item, item.text)
            field.help_text = "Not scored."
            self.fields[name] = field
            if extra_answers and index <= len(extra_answers):
                self.initial[name] = extra_answers[index - 1]
        # The option to save without a score follows the items it is about.
        self.fields["allow_incomplete"] = self.fields.pop("allow_incomplete")

    @staticmethod
    def item_field_name(item: Item) -> str:
        return f"item_{item.number}"

    def _field(self, item: Item, text: str | None) -> forms.TypedChoiceField:
        label = f"{item.number}. {text}" if text else f"Item {item.number}"
        return forms.TypedChoiceField(
            label=label,
            choices=_option_choices(item),
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": (
                    f"{capfirst(item.name)}: choose one of the options "
                    f"({item.describe_options()})."
                )
            },
        )

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[self.item_field_name(item)] for item in self.instrument.items]

    @property
    def extra_fields(self) -> list[forms.BoundField]:
        return [
            self[f"extra_{i}"] for i in range(1, len(self.instrument.extra_items) + 1)
        ]

    @property
    def offer_incomplete(self) -> bool:
        """Show "save without a score" only once a submission lacked answers it needs."""
        return bool(self.missing)

    def positions(self) -> list[int | None]:
        return [
            self.cleaned_data.get(self.item_field_name(i))
            for i in self.instrument.items
        ]

    def extra_positions(self) -> list[int | None]:
        count = len(self.instrument.extra_items)
        positions = [self.cleaned_data.get(f"extra_{i}") for i in range(1, count + 1)]
        return positions if any(p is not None for p in positions) else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instrument = self.instrument
        if any(self.item_field_name(item) in self.errors for item in instrument.items):
            return cleaned
        positions = self.positions()
        try:
            self.score = instrument.score(positions)
        except InvalidAnswers as error:
            self.add_error(None, str(error))
            return cleaned
        missing = [
            item
            for item, p in zip(instrument.items, positions, strict=True)
            if p is None
        ]
        scoreless = (
            self.score.total is None
            and self.score.band is None
            and self.score.caseness is None
        )
        if missing and scoreless and not cleaned.get("allow_incomplete"):
            self.missing = missing
            for item in missing:
                self.add_error(
                    self.item_field_name(item),
                    f"Answer {item.name}: without it the {instrument.short_name} has no score.",
                )
            self.add_error(
                None,
                f"The {instrument.short_name} cannot be scored with "
                f"{len(missing)} item{'s' if len(missing) > 1 else ''} unanswered. "
                "Answer them, or tick the box at the end to save without a score.",
            )
        return cleaned


def instrument_form_class(instrument: Instrument) -> type[InstrumentForm]:
    """A form class for one instrument (for views that want a class, not a kwarg)."""
    return type(
        f"{instrument.id.capitalize()}Form",
        (InstrumentForm,),
        {"default_instrument": instrument},
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AdministrationForm(DatedForm, InstrumentForm):
    """Recording a questionnaire for a patient: the items, and when it was completed."""

    administered_at = forms.DateTimeField(
        label="Completed at",
        widget=DateTimeInput(),
        required=False,
        help_text="Leave as it is if the questionnaire was completed just now.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administered_at"].initial = timezone.localtime().replace(
            second=0, microsecond=0
        )

    def clean_administered_at(self) -> datetime | None:
        when: datetime | None = self.cleaned_data.get("administered_at")
        if when is not None and when > timezone.now():
            raise forms.ValidationError("The time is in the future.")
        return when


class CorrectionForm(InstrumentForm):
    """Correcting an administration: the answers as they should have been, and why."""

    reason = forms.CharField(
        label="Reason for the correction",
        max_length=500,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: item 4 was entered as the answer to item 5.",
    )
