"""URL arguments for the recovery lines of the access matrix (tests/access_matrix.py).
Objects are made with factories (no audit row); each helper reuses what exists."""

from __future__ import annotations

from typing import Any

from recovery.models import Medication, Supporter, UseReview
from recovery.tests import factories


def _patient(clinic: Any) -> dict[str, Any]:
    return {"public_id": clinic.patient.public_id}


def session_kwargs(clinic: Any) -> dict[str, Any]:
    from ipt.tests import matrix

    session = dict(matrix.session_kwargs(clinic))
    return {**_patient(clinic), "session_id": session["session_id"]}


def review_kwargs(clinic: Any) -> dict[str, Any]:
    review = UseReview.objects.filter(patient=clinic.patient).first()
    review = review or factories.review(clinic.patient)
    return {**_patient(clinic), "review_id": review.public_id}


def medication_kwargs(clinic: Any) -> dict[str, Any]:
    medication = Medication.objects.filter(patient=clinic.patient).first()
    medication = medication or factories.medication(clinic.patient)
    return {**_patient(clinic), "medication_id": medication.public_id}


def supporter_kwargs(clinic: Any) -> dict[str, Any]:
    supporter = Supporter.objects.filter(patient=clinic.patient).first()
    supporter = supporter or factories.supporter(clinic.patient)
    return {**_patient(clinic), "supporter_id": supporter.public_id}
