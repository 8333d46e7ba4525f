from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from alerts.choices import AlertKind, SourceType, Urgency
from alerts.models import Alert
from patients.tests.factories import PatientFactory


class AlertFactory(DjangoModelFactory[Alert]):
    """An open urgent risk alert with its own source key (no audit row: use
    ``alerts.services.alert_raise`` for that)."""

    class Meta:
        model = Alert

    patient = factory.SubFactory(PatientFactory)
    kind = AlertKind.RISK
    rule = "phq9_item9"
    urgency = Urgency.URGENT
    source_type = SourceType.RISK_EVENT
    source_key = factory.Sequence(lambda n: f"test-{n}")
    reason = "PHQ-9 item 9, suicide risk: 'several days' (score 1) on 3 Mar 2026."
