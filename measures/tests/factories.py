from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import StaffFactory
from measures.choices import Source
from measures.instruments import get
from measures.models import Administration, RiskEvent
from patients.tests.factories import PatientFactory


class AdministrationFactory(DjangoModelFactory[Administration]):
    """An administration scored by the real scorer (give ``instrument_id`` and
    ``answers``); no risk events and no audit rows: use the service for those."""

    class Meta:
        model = Administration

    patient = factory.SubFactory(PatientFactory)
    instrument_id = "phq9"
    answers = factory.LazyFunction(lambda: [1, 1, 1, 1, 1, 1, 1, 1, 0])
    administered_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=7)
    )
    entered_by = factory.SubFactory(StaffFactory)
    source = Source.CLINICIAN

    @classmethod
    def _create(
        cls, model_class: type[Administration], *args: Any, **kwargs: Any
    ) -> Administration:
        instrument = get(kwargs["instrument_id"])
        score = instrument.score(kwargs["answers"])
        kwargs.setdefault("instrument_version", instrument.version)
        kwargs.setdefault("total", score.total)
        kwargs.setdefault("band", score.band or "")
        kwargs.setdefault("caseness", score.caseness)
        kwargs.setdefault("critical_items", list(score.critical))
        kwargs.setdefault("subscales", dict(score.subscales))
        kwargs.setdefault("flags", list(score.flags))
        kwargs.setdefault("incomplete_reason", score.reason or "")
        return super()._create(model_class, *args, **kwargs)


class RiskEventFactory(DjangoModelFactory[RiskEvent]):
    class Meta:
        model = RiskEvent

    administration = factory.SubFactory(
        AdministrationFactory, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2]
    )
    patient = factory.SelfAttribute("administration.patient")
    kind = "suicide_risk"
    instrument_id = "phq9"
    item_number = 9
    answer_position = 2
    answer_score = 2


def calm_answers(instrument_id: str) -> list[int | None]:
    """Every item at its lowest-scoring option: no critical answer, lowest band."""
    positions: list[int | None] = []
    for item in get(instrument_id).items:
        scored = [p for p, o in enumerate(item.options) if o.score is not None]
        positions.append(
            min(scored, key=lambda p, item=item: item.options[p].score or 0)
        )
    return positions


def critical_answers(instrument_id: str, item_number: int) -> list[int | None]:
    """Calm answers except ``item_number``, at the first option its critical rule fires on."""
    instrument = get(instrument_id)
    rule = next(r for r in instrument.critical_items if r.item == item_number)
    answers = calm_answers(instrument_id)
    item = instrument.item(item_number)
    answers[item_number - 1] = next(
        p
        for p, o in enumerate(item.options)
        if o.score is not None and o.score >= rule.min_score
    )
    return answers
