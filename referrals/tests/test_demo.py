"""The demo clinic's intake queue: screened requests with their scales scored by the
real scorer, an urgent one at each site leading the queue with its risk event, the same
for the same seed."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.choices import Role
from accounts.models import Site, Staff
from iptcare import demo
from measures.choices import Source
from measures.instruments import get
from measures.models import Administration, RiskEvent
from referrals import selectors
from referrals.choices import Status
from referrals.models import Referral, ScreeningAdministration

pytestmark = pytest.mark.django_db


def test_each_site_has_screened_requests_and_an_urgent_one_leading_the_queue() -> None:
    # when
    demo.load_demo_clinic(seed=5, patient_count=40)
    # then: at each site, requests in contact with PHQ-9 and GAD-7 from the call
    for site in Site.objects.all():
        screened = Referral.objects.filter(site=site, screenings__isnull=False)
        assert screened.distinct().count() >= 3, site
        assert set(screened.values_list("status", flat=True)) == {Status.IN_CONTACT}
        urgent = list(Referral.objects.filter(site=site, urgent_since__isnull=False))
        assert len(urgent) == 1, site
        # the urgent request's PHQ-9 has a risk answer, open for a clinician
        (event,) = RiskEvent.objects.filter(
            administration__screening__referral=urgent[0]
        )
        assert (event.instrument_id, event.item_number) == ("phq9", 9)
        assert event.patient is None and event.is_open
        assert urgent[0].urgent_since == event.administration.administered_at
        # and it leads the site's queue
        coordinator = Staff.objects.filter(role=Role.INTAKE, site=site).first()
        queue = selectors.queue(
            staff=coordinator,  # type: ignore[arg-type]
            tab=selectors.QueueTab.TO_CALL,
            page_number=1,
            per_page=50,
        )
        assert queue.page[0] == urgent[0]
    # every screening is scored by the real scorer, before any patient record
    screenings = list(
        Administration.objects.filter(source=Source.INTAKE_SCREENING).select_related(
            "screening"
        )
    )
    assert {a.instrument_id for a in screenings} == {"phq9", "gad7"}
    assert len(screenings) == ScreeningAdministration.objects.count()
    for administration in screenings:
        score = get(administration.instrument_id).score(administration.answers)
        assert administration.total == score.total
        assert administration.band == (score.band or "")
        assert administration.critical_items == list(score.critical)
        assert administration.patient_id is None
        assert administration.entered_by is not None
    critical = {a.pk for a in screenings if a.critical_items}
    assert critical == set(
        RiskEvent.objects.filter(
            administration__source=Source.INTAKE_SCREENING
        ).values_list("administration_id", flat=True)
    )


def _screenings(seed: int) -> list[tuple[object, ...]]:
    """Load the demo, read its screened requests, and roll the load back."""
    savepoint = transaction.savepoint()
    demo.load_demo_clinic(seed=seed, patient_count=10)
    rows = [
        (
            screening.referral.public_id,
            screening.referral.is_urgent,
            screening.administration.instrument_id,
            screening.administration.answers,
        )
        for screening in ScreeningAdministration.objects.select_related(
            "referral", "administration"
        ).order_by("referral__public_id", "administration__administered_at")
    ]
    transaction.savepoint_rollback(savepoint)
    return rows


def test_the_same_seed_screens_the_same_requests() -> None:
    first, again, other = _screenings(9), _screenings(9), _screenings(10)
    assert first and first == again
    assert first != other
