"""The recovery app's share of the demo clinic: for patients in the middle or end of a
course, the calendar before treatment, use at each session tailing off, a sobriety
date, drug tests (buprenorphine expected where it is prescribed), medication with
adherence, a supporter with contacts and a family session, and the level of care
stepped down. Bulk-inserted, deterministic for a generator, capped like the portal's."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ipt.choices import Attendance, Phase
from ipt.models import Course, CourseSession
from recovery.choices import Adherence, ContactMode, UseSource
from recovery.models import (
    AdherenceNote,
    CareLevel,
    CareLevelChange,
    DrugTest,
    Medication,
    MedicationKind,
    SobrietyDate,
    Substance,
    Supporter,
    SupporterContact,
    TestPanel,
    UseReport,
)

SHARED = [
    "Attendance and the relapse-prevention plan, as the patient agreed.",
    "How to respond to cravings at home; the patient was present.",
    "The next steps of care after the step down.",
]


def load_recovery(rng: random.Random, *, limit: int = 40) -> int:
    """Recovery records for up to ``limit`` courses past their initial phase (the lists
    come from the data migration). A fixed number of queries: about 45 on SQLite."""
    courses = list(
        Course.objects.filter(phase__in=[Phase.MIDDLE, Phase.TERMINATION])
        .select_related("patient")
        .prefetch_related("people")
        .order_by("id")[:limit]
    )
    sessions: dict[int, list[CourseSession]] = {}
    for session in CourseSession.objects.filter(
        course__in=courses, attendance=Attendance.ATTENDED
    ).order_by("held_on", "id"):
        sessions.setdefault(session.course_id, []).append(session)
    substances = {s.code: s for s in Substance.objects.all()}
    kinds = {k.name: k for k in MedicationKind.objects.all()}
    urine = TestPanel.objects.filter(name__startswith="Urine").first()
    levels = {level.name: level for level in CareLevel.objects.all()}
    today = timezone.localdate()
    reports: list[UseReport] = []
    tests: list[DrugTest] = []
    sobriety: list[SobrietyDate] = []
    care: list[CareLevelChange] = []
    supporters: list[Supporter] = []
    contacts: list[tuple[Supporter, SupporterContact]] = []
    medications: list[tuple[Medication, list[CourseSession]]] = []
    for course in courses:
        patient = course.patient
        by = course.clinician_id
        held = sessions.get(course.pk, [])
        drug = rng.choice(["cannabis", "stimulants", "opioids", None])
        # The calendar: 28 days before treatment, drinking most days.
        for n in range(28):
            day = course.opened_on - timedelta(days=28 - n)
            drinks = rng.choice([0, 0, 2, 4, 6, 8])
            reports.append(
                UseReport(
                    patient=patient,
                    course=course,
                    substance=substances["alcohol"],
                    source=UseSource.TLFB,
                    first_day=day,
                    last_day=day,
                    days_used=int(drinks > 0),
                    heavy_days=int(drinks >= 5),
                    amount=drinks,
                    recorded_by_id=by,
                )
            )
        # Use at each session, tailing off (a slip in the middle for some).
        previous = course.opened_on - timedelta(days=1)
        slip = rng.randint(3, 8) if rng.random() < 0.4 else None
        for index, session in enumerate(held):
            first = previous + timedelta(days=1)
            days = max(1, (session.held_on - first).days + 1)
            used = max(0, 4 - index) if index != slip else rng.randint(1, 3)
            used = min(used, days)
            reports.append(
                UseReport(
                    patient=patient,
                    course=course,
                    substance=substances["alcohol"],
                    source=UseSource.SESSION,
                    first_day=min(first, session.held_on),
                    last_day=session.held_on,
                    days_used=used,
                    heavy_days=used // 2,
                    session=session,
                    recorded_by_id=by,
                )
            )
            if drug:
                reports.append(
                    UseReport(
                        patient=patient,
                        course=course,
                        substance=substances[drug],
                        source=UseSource.SESSION,
                        first_day=min(first, session.held_on),
                        last_day=session.held_on,
                        days_used=min(days, max(0, 2 - index)),
                        session=session,
                        recorded_by_id=by,
                    )
                )
            previous = session.held_on
        last_use = held[min(len(held) - 1, 4)].held_on if held else course.opened_on
        sobriety.append(
            SobrietyDate(
                patient=patient,
                substance=substances["alcohol"],
                since=min(today, last_use + timedelta(days=1)),
                show_in_portal=rng.random() < 0.6,
                set_by_id=by,
            )
        )
        # Medication: buprenorphine for opioid use, naltrexone or acamprosate for
        # alcohol, an antidepressant for some.
        taken = []
        if drug == "opioids":
            taken.append(("Buprenorphine", "16 mg daily", True))
        taken.append((rng.choice(["Naltrexone", "Acamprosate"]), "as prescribed", True))
        if rng.random() < 0.5:
            taken.append(("Antidepressant", "sertraline 100 mg", False))
        for name, dose, inside in taken:
            medications.append(
                (
                    Medication(
                        patient=patient,
                        kind=kinds[name],
                        dose=dose,
                        prescriber="Dr Adeyemi" if inside else "Patient's GP",
                        prescriber_in_program=inside,
                        started_on=course.opened_on,
                        recorded_by_id=by,
                    ),
                    held[-3:],
                )
            )
        # Tests every few weeks; buprenorphine is expected where prescribed.
        if urine is not None:
            for session in held[1::3]:
                results = dict.fromkeys(urine.analytes, "negative")
                expected = []
                if drug == "opioids":
                    results["buprenorphine"] = "positive"
                    expected = ["buprenorphine"]
                tests.append(
                    DrugTest(
                        patient=patient,
                        course=course,
                        collected_on=session.held_on,
                        specimen="urine",
                        panel=urine,
                        results=results,
                        expected=expected,
                        collected_by="Clinic nurse",
                        recorded_by_id=by,
                    )
                )
        # A supporter from the inventory, with permission, contacts and a family session.
        people = list(course.people.all())
        if people:
            person = people[0]
            supporter = Supporter(
                patient=patient,
                name=person.name,
                relationship=person.relationship,
                person=person,
                permission_on=course.opened_on,
                permission_scope="Attendance and the relapse-prevention plan.",
                supports_recovery=person.supports_recovery or not person.is_trigger,
                uses_with_patient=person.uses_with_patient,
                is_trigger=person.is_trigger,
                recorded_by_id=by,
            )
            supporters.append(supporter)
            for n, session in enumerate(held[2::4]):
                contacts.append(
                    (
                        supporter,
                        SupporterContact(
                            contacted_on=session.held_on,
                            mode=ContactMode.IN_PERSON if n == 0 else ContactMode.PHONE,
                            family_session=n == 0,
                            shared=rng.choice(SHARED),
                            by_id=by,
                        ),
                    )
                )
        # Level of care: intensive outpatient first for some, then outpatient.
        if rng.random() < 0.4 and len(held) > 3:
            care.append(
                CareLevelChange(
                    patient=patient,
                    level=levels["Intensive outpatient"],
                    changed_on=course.opened_on,
                    reason="Daily drinking at assessment.",
                    recorded_by_id=by,
                )
            )
            care.append(
                CareLevelChange(
                    patient=patient,
                    level=levels["Outpatient"],
                    changed_on=held[3].held_on,
                    reason="Four weeks without heavy drinking: stepped down.",
                    recorded_by_id=by,
                )
            )
        else:
            care.append(
                CareLevelChange(
                    patient=patient,
                    level=levels["Outpatient"],
                    changed_on=course.opened_on,
                    reason="Assessment.",
                    recorded_by_id=by,
                )
            )
    UseReport.objects.bulk_create(reports, batch_size=2000)
    DrugTest.objects.bulk_create(tests, batch_size=2000)
    SobrietyDate.objects.bulk_create(sobriety, batch_size=2000)
    CareLevelChange.objects.bulk_create(care, batch_size=2000)
    Medication.objects.bulk_create([m for m, _ in medications], batch_size=2000)
    AdherenceNote.objects.bulk_create(
        [
            AdherenceNote(
                medication=medication,
                session=session,
                adherence=rng.choice(
                    [Adherence.AS_PRESCRIBED] * 3 + [Adherence.SOME_MISSED]
                ),
                recorded_by_id=medication.recorded_by_id,
            )
            for medication, held in medications
            for session in held
        ],
        batch_size=2000,
    )
    Supporter.objects.bulk_create(supporters, batch_size=2000)
    for supporter, contact in contacts:
        contact.supporter = supporter
    SupporterContact.objects.bulk_create([c for _, c in contacts], batch_size=2000)
    return len(courses)
