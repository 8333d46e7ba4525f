"""The nightly job keeps a month of create forms' claims (decisions/0077)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iptcare.models import FormSubmission
from iptcare.tasks import SUBMISSIONS_KEPT, forget_old_submissions

pytestmark = pytest.mark.django_db


def test_claims_older_than_a_month_are_forgotten_and_newer_kept() -> None:
    now = timezone.now()
    for name, age in [
        ("old", SUBMISSIONS_KEPT + timedelta(minutes=1)),
        ("fresh", SUBMISSIONS_KEPT - timedelta(minutes=1)),
        ("today", timedelta(0)),
    ]:
        FormSubmission.objects.create(key=name, created_at=now - age)
    forget_old_submissions()  # through Huey (immediate in tests)
    assert sorted(FormSubmission.objects.values_list("key", flat=True)) == [
        "fresh",
        "today",
    ]
