"""URL arguments for the intake routes of the access matrix (tests/access_matrix.py):
each builds a request at site A, the coordinator's and the supervisor's site."""

from __future__ import annotations

from typing import Any

from measures.choices import Source
from measures.tests.factories import AdministrationFactory
from referrals.models import ScreeningAdministration
from referrals.tests.factories import ReferralFactory, in_contact, waiting


def request(clinic: Any) -> dict[str, Any]:
    return {"public_id": ReferralFactory(site=clinic.site_a).public_id}


def waiting_request(clinic: Any) -> dict[str, Any]:
    referral = waiting(ReferralFactory(site=clinic.site_a))
    return {"public_id": referral.public_id}


def screening(clinic: Any) -> dict[str, Any]:
    referral = in_contact(ReferralFactory(site=clinic.site_a))
    administration = AdministrationFactory(
        patient=None, entered_by=clinic.coordinator, source=Source.INTAKE_SCREENING
    )
    ScreeningAdministration.objects.create(
        referral=referral, administration=administration
    )
    return {
        "public_id": referral.public_id,
        "administration_id": administration.public_id,
    }
