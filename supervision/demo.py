"""The demo's service level (called last by ``iptcare.demo``): a clinical lead to sign
in as, a few supervision notes with advice and actions, and the service dashboard's
figures computed, so that ``make run`` opens on a dashboard that is not empty."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts import access
from accounts.choices import Role
from accounts.models import Site, Staff
from ipt.models import Course
from outcomes.service_refresh import service_outcomes_refresh
from supervision.models import CaseDiscussion, SupervisionAction, SupervisionNote

LEAD_USERNAME = "lead"
ADVICE = (
    "Keep the sessions on the dispute: start from the week's arguments, go through "
    "one exchange with communication analysis and rehearse the next conversation.",
    "Name the transition out loud and give the old role its due before looking at "
    "what the new one offers; plan one step towards support this week.",
    "Progress has stalled: review the formulation together and check the PHQ-9 "
    "before every session; bring the case back next supervision.",
)
ACTIONS = (
    "Review the formulation with the patient",
    "Give the PHQ-9 and GAD-7 before every session",
    "Agree the termination date and start the relapse-prevention plan",
)


def load_supervision(rng: random.Random, *, password: str) -> None:
    site = Site.objects.order_by("id").first()
    if not Staff.objects.filter(username=LEAD_USERNAME).exists():
        Staff.objects.create(
            username=LEAD_USERNAME,
            first_name="Ruth",
            last_name="Okonjo",
            email=f"{LEAD_USERNAME}@example.org",
            role=Role.CLINICAL_LEAD,
            site=site,
            professional_title="Clinical lead",
            password=make_password(password),
        )
    today = timezone.localdate()
    # Bulk inserts: a fixed number of queries whatever the size of the demo.
    plans = []
    for supervisor in Staff.objects.filter(role=Role.SUPERVISOR).order_by("id"):
        courses = list(
            Course.objects.filter(
                patient__in=access.caseload_for(supervisor), ended_on__isnull=True
            ).order_by("id")[:9]
        )
        for week in range(3):
            chosen = courses[week * 3 : week * 3 + 3]
            if chosen:
                note = SupervisionNote(
                    supervisor=supervisor,
                    clinician_id=chosen[0].clinician_id,
                    held_on=today - timedelta(days=7 * week + 2),
                )
                plans.append((note, chosen))
    notes = SupervisionNote.objects.bulk_create([note for note, _ in plans])
    CaseDiscussion.objects.bulk_create(
        CaseDiscussion(
            note=note,
            patient_id=course.patient_id,
            course=course,
            advice=rng.choice(ADVICE),
        )
        for note, (_, chosen) in zip(notes, plans, strict=True)
        for course in chosen
    )
    SupervisionAction.objects.bulk_create(
        SupervisionAction(
            note=note,
            description=rng.choice(ACTIONS),
            due_on=today + timedelta(days=rng.randint(-3, 10)),
        )
        for note in notes
    )
    service_outcomes_refresh()
