"""What may leave IPT Care through the FHIR API and bulk export: the ONE place every
resource query passes through, so the disclosure rules apply to all of them alike.

- **Part 2 (42 CFR Part 2).** Records of a patient with a substance-use diagnosis are
  Part 2 records: they leave only under a consent the disclosure rules accept. Until
  the disclosures app (``disclosures/rules.py``, issue #15) is wired in here, there is
  no consent to check, so every Part 2 patient is withheld entirely (the safe default):
  to a client they do not exist (404, never in a search or an export).
- **Private process notes** never leave: no resource maps them (``SessionNote`` and its
  addenda are not exported at all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from patients.icd10 import _SUBSTANCES
from patients.models import Diagnosis, Patient

if TYPE_CHECKING:
    from interop.requester import Requester


def _substance_use() -> Q:
    query = Q()
    for prefix in sorted(_SUBSTANCES):
        query |= Q(code__startswith=prefix)
    return query


def part2_patients() -> QuerySet[Diagnosis]:
    """A subquery: the patient has a substance-use diagnosis (a Part 2 record)."""
    return Diagnosis.objects.filter(_substance_use(), patient=OuterRef("pk"))


def releasable(patients: QuerySet[Patient], requester: Requester) -> QuerySet[Patient]:
    """The patients of ``patients`` whose records may go to ``requester``.

    Staff reading with their own session see what their pages show them (the care-team
    rules already applied); Part 2 withholding is for other systems.
    """
    if requester.staff is not None:
        return patients
    return patients.filter(~Exists(part2_patients()))
