"""Every change to the recovery record: keyword-only, atomic, validated, audited (field
names and codes in the detail, never the values a person typed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts import rules as alert_rules
from alerts import services as alert_services
from audit import services as audit
from audit.choices import Action
from disclosures import rules as disclosure_rules
from disclosures import services as disclosure_services
from disclosures.choices import Channel, ContentKind
from disclosures.models import LegalText
from ipt.choices import Attendance, Phase
from ipt.models import Course, CourseSession, InventoryPerson
from ipt.services import Refused
from iptcare.lib.dates import shifted
from recovery import analytes, calculations
from recovery.choices import Adherence, ReviewStatus, UseSource
from recovery.models import (
    AdherenceNote,
    CareLevel,
    CareLevelChange,
    DrugTest,
    Medication,
    SobrietyDate,
    Substance,
    Supporter,
    SupporterContact,
    TestPanel,
    UseReport,
    UseReview,
)

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient
    from portal.models import DiaryEntry

TLFB_LENGTHS = (28, 90)


def _record(
    *,
    by: Staff | None,
    action: Action,
    category: str,
    patient: Patient,
    object_id: str,
    detail: str = "",
    actor_label: str = "",
) -> None:
    audit.record(
        actor=by,
        action=action,
        category=category,
        patient=patient,
        object_id=object_id,
        detail=detail,
        actor_label=actor_label,
    )


def _clean(instance: Any, **kwargs: Any) -> None:
    """``full_clean`` with its errors as a refusal a form can show."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise Refused(
            [
                f"{message}"
                for messages in error.message_dict.values()
                for message in messages
            ]
        ) from error


def current_course(patient: Patient) -> Course | None:
    return (
        Course.objects.filter(patient=patient).exclude(phase=Phase.ENDED).first()
        or Course.objects.filter(patient=patient).first()
    )


def _not_ahead(day: date, what: str) -> None:
    if day > timezone.localdate():
        raise Refused(f"{what} is in the future.")


# --- Use since the last session -----------------------------------------------------


@dataclass(frozen=True)
class SessionUse:
    """One substance's answer at a session: days of use since last time."""

    substance: Substance
    days_used: int
    heavy_days: int | None = None


def session_period(session: CourseSession) -> tuple[date, date]:
    """The days a session's "since last time" covers: from the day after the previous
    attended session (the course's opening for the first) to the session's day."""
    previous = (
        CourseSession.objects.filter(
            course_id=session.course_id,
            attendance=Attendance.ATTENDED,
            held_on__lt=session.held_on,
        )
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    first = previous + timedelta(days=1) if previous else session.course.opened_on
    return min(first, session.held_on), session.held_on


def _sobriety(patient: Patient, substance: Substance) -> SobrietyDate | None:
    return SobrietyDate.objects.filter(patient=patient, substance=substance).first()


def _review_for(
    *,
    patient: Patient,
    substance: Substance,
    day: date,
    last_use: date,
    use_report: UseReport | None = None,
    drug_test: DrugTest | None = None,
) -> UseReview | None:
    """Use on or after a recorded sobriety date waits for a clinician to confirm it."""
    sobriety = _sobriety(patient, substance)
    if sobriety is None or last_use < sobriety.since:
        return None
    review, _ = UseReview.objects.get_or_create(
        patient=patient,
        substance=substance,
        use_report=use_report,
        drug_test=drug_test,
        defaults={"day": day, "last_use": last_use},
    )
    return review


@transaction.atomic
def session_use_record(
    *,
    session: CourseSession,
    by: Staff,
    answers: Sequence[SessionUse],
    adherence: Mapping[Medication, str] | None = None,
) -> list[UseReport]:
    """Record use since the last session, per substance (again: the answers replace
    the earlier ones), and the adherence noted for each current medication."""
    if not session.attended:
        raise Refused("Use is recorded at an attended session.")
    patient = session.course.patient
    first, last = session_period(session)
    problems = []
    for answer in answers:
        heavy = answer.heavy_days if answer.substance.counts_heavy_days else None
        problems += [
            f"{answer.substance.name}: {problem}"
            for problem in calculations.report_problems(
                first_day=first,
                last_day=last,
                days_used=answer.days_used,
                heavy_days=heavy,
            )
        ]
    if problems:
        raise Refused(problems)
    saved = []
    for answer in answers:
        report, _ = UseReport.objects.update_or_create(
            session=session,
            substance=answer.substance,
            defaults={
                "patient": patient,
                "course": session.course,
                "source": UseSource.SESSION,
                "first_day": first,
                "last_day": last,
                "days_used": answer.days_used,
                "heavy_days": answer.heavy_days
                if answer.substance.counts_heavy_days
                else None,
                "recorded_by": by,
            },
        )
        saved.append(report)
        if answer.days_used:
            _review_for(
                patient=patient,
                substance=answer.substance,
                day=last,
                last_use=last,
                use_report=report,
            )
    for medication, value in (adherence or {}).items():
        if medication.patient_id != patient.pk or value not in Adherence.values:
            raise Refused("Note adherence for the patient's own medication.")
        AdherenceNote.objects.update_or_create(
            medication=medication,
            session=session,
            defaults={"adherence": value, "recorded_by": by},
        )
    _record(
        by=by,
        action=Action.UPDATE,
        category="recovery_use",
        patient=patient,
        object_id=str(session.public_id),
        detail=f"session={session.number}; substances={len(answers)}; "
        f"adherence={len(adherence or {})}",
    )
    return saved


# --- The calendar before treatment (Timeline Followback) ---------------------------


def tlfb_period(patient: Patient, length: int) -> tuple[date, date]:
    """The calendar's days: the ``length`` days before the course opened (before
    today without a course)."""
    course = current_course(patient)
    end = shifted(course.opened_on if course else timezone.localdate(), -timedelta(1))
    return shifted(end, -timedelta(days=length - 1)), end


@transaction.atomic
def tlfb_save(
    *,
    patient: Patient,
    by: Staff,
    substance: Substance,
    length: int,
    amounts: Mapping[date, Decimal | None],
) -> int:
    """Save the calendar for one substance: each day's amount (0: no use; a blank
    day: not remembered, left unknown). The days saved before are replaced."""
    if length not in TLFB_LENGTHS:
        raise Refused("The calendar covers 28 or 90 days.")
    first, last = tlfb_period(patient, length)
    outside = [day for day in amounts if not first <= day <= last]
    if outside:
        raise Refused("Only the days of the calendar can be filled in.")
    if any(amount is not None and amount < 0 for amount in amounts.values()):
        raise Refused("An amount cannot be negative.")
    course = current_course(patient)
    UseReport.objects.filter(
        patient=patient,
        substance=substance,
        source=UseSource.TLFB,
        first_day__gte=first,
        first_day__lte=last,
    ).delete()
    threshold = substance.heavy_day_amount
    rows = [
        UseReport(
            patient=patient,
            course=course,
            substance=substance,
            source=UseSource.TLFB,
            first_day=day,
            last_day=day,
            days_used=1 if amount else 0,
            heavy_days=int(
                calculations.is_heavy(
                    float(amount), float(threshold) if threshold else None
                )
            )
            if substance.counts_heavy_days and amount is not None
            else None,
            amount=amount,
            recorded_by=by,
        )
        for day, amount in sorted(amounts.items())
        if amount is not None
    ]
    UseReport.objects.bulk_create(rows)
    _record(
        by=by,
        action=Action.UPDATE,
        category="recovery_tlfb",
        patient=patient,
        object_id=str(patient.public_id),
        detail=f"substance={substance.code}; days={length}; filled={len(rows)}",
    )
    return len(rows)


# --- The diary (portal) -------------------------------------------------------------


def diary_use_record(
    *, entry: DiaryEntry, substances: Sequence[Substance]
) -> list[UseReport]:
    """The diary day's use, per substance the patient ticked (called by the portal's
    diary save, inside its transaction). A day without use is read from the diary
    itself (no use of anything): only use is stored here."""
    UseReport.objects.filter(diary_entry=entry).exclude(
        substance__in=substances if entry.used else []
    ).delete()
    if not entry.used:
        return []
    if not substances:
        substances = list(Substance.objects.filter(code="other"))
    saved = []
    for substance in substances:
        report, created = UseReport.objects.get_or_create(
            diary_entry=entry,
            substance=substance,
            defaults={
                "patient": entry.patient,
                "course": entry.course,
                "source": UseSource.DIARY,
                "first_day": entry.day,
                "last_day": entry.day,
                "days_used": 1,
            },
        )
        saved.append(report)
        if created:
            _review_for(
                patient=entry.patient,
                substance=substance,
                day=entry.day,
                last_use=entry.day,
                use_report=report,
            )
    return saved


# --- Drug and alcohol tests ---------------------------------------------------------


@transaction.atomic
def drug_test_record(
    *,
    patient: Patient,
    by: Staff,
    collected_on: date,
    specimen: str,
    panel: TestPanel,
    results: Mapping[str, str],
    collected_by: str,
    note: str = "",
) -> DrugTest:
    """Record a test. Positives that the patient's medication explains on the day are
    expected (not counted against them); an unexpected positive after a period of
    abstinence raises the relapse alert, and waits for a clinician before it moves
    a sobriety date."""
    problems = calculations.result_problems(
        day=collected_on,
        today=timezone.localdate(),
        specimen=specimen,
        panel_specimens=panel.specimens,
        panel_analytes=panel.analytes,
        results=results,
    )
    if not collected_by.strip():
        problems.append("Say who collected the sample.")
    if problems:
        raise Refused(problems)
    prescriptions = [
        calculations.Prescription(
            frozenset(medication.kind.expected_analytes),
            medication.started_on,
            medication.stopped_on,
        )
        for medication in Medication.objects.filter(patient=patient).select_related(
            "kind"
        )
    ]
    expected = calculations.expected_positives(prescriptions, collected_on)
    unexpected = calculations.unexpected_positives(results, expected)
    course = current_course(patient)
    test = DrugTest(
        patient=patient,
        course=course,
        collected_on=collected_on,
        specimen=specimen,
        panel=panel,
        results={code: value for code, value in results.items() if value},
        expected=sorted(expected & set(results)),
        unexpected=unexpected,
        collected_by=collected_by.strip(),
        note=note,
        recorded_by=by,
    )
    _clean(test)
    test.save()
    substances = {
        s.code: s
        for s in Substance.objects.filter(
            code__in={analytes.substance_of(code) for code in unexpected}
        )
    }
    positives = []
    for code in sorted(substances):
        substance = substances[code]
        sobriety = _sobriety(patient, substance)
        positives.append(
            alert_rules.TestPositive(
                substance=substance.name,
                abstinent_since=sobriety.since if sobriety else None,
            )
        )
        _review_for(
            patient=patient,
            substance=substance,
            day=collected_on,
            last_use=collected_on,
            drug_test=test,
        )
    _record(
        by=by,
        action=Action.CREATE,
        category="recovery_drug_test",
        patient=patient,
        object_id=str(test.public_id),
        detail=f"specimen={specimen}; panel={panel.pk}; unexpected={len(unexpected)}",
    )
    if positives:
        alert_services.alerts_raise_for_drug_test(
            patient=patient,
            test_id=str(test.public_id),
            day=collected_on,
            positives=positives,
            course=course,
        )
    return test


# --- Sobriety dates -----------------------------------------------------------------


@transaction.atomic
def sobriety_set(
    *,
    patient: Patient,
    by: Staff,
    substance: Substance,
    since: date,
    show_in_portal: bool,
) -> SobrietyDate:
    """Set (or correct) the sobriety date of one substance, and whether the patient's
    portal shows the days."""
    _not_ahead(since, "The sobriety date")
    sobriety, created = SobrietyDate.objects.update_or_create(
        patient=patient,
        substance=substance,
        defaults={"since": since, "show_in_portal": show_in_portal, "set_by": by},
    )
    _record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="recovery_sobriety",
        patient=patient,
        object_id=str(patient.public_id),
        detail=f"substance={substance.code}; portal={int(show_in_portal)}",
    )
    return sobriety


@transaction.atomic
def review_decide(
    *, review: UseReview, by: Staff, confirm: bool, last_use: date | None = None
) -> UseReview:
    """A clinician confirms the use (the sobriety date moves to the day after the last
    use) or does not (nothing moves)."""
    review = UseReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise Refused("This has been decided already.")
    last_use = last_use or review.last_use
    if confirm:
        _not_ahead(last_use, "The day of last use")
        sobriety = _sobriety(review.patient, review.substance)
        since = calculations.sobriety_since(
            sobriety.since if sobriety else None,
            [calculations.UseEvidence(review.day, last_use, confirmed=True)],
        )
        if sobriety is not None and since is not None:
            sobriety.since = since
            sobriety.set_by = by
            sobriety.save(update_fields=["since", "set_by", "updated_at"])
    review.status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.DISMISSED
    review.last_use = last_use
    review.decided_by = by
    review.decided_at = timezone.now()
    review.save()
    _record(
        by=by,
        action=Action.UPDATE,
        category="recovery_sobriety",
        patient=review.patient,
        object_id=str(review.public_id),
        detail=f"substance={review.substance.code}; decision={review.status}",
    )
    return review


# --- Medication ---------------------------------------------------------------------


@transaction.atomic
def medication_save(
    *, patient: Patient, by: Staff, medication: Medication | None = None, **fields: Any
) -> Medication:
    """Record a medication the patient takes (or change its dose, prescriber or stop
    date). The program records; it does not prescribe."""
    created = medication is None
    if medication is None:
        medication = Medication(patient=patient, recorded_by=by)
    for name, value in fields.items():
        setattr(medication, name, value)
    problems = []
    if medication.started_on and medication.started_on > timezone.localdate():
        problems.append("The start date is in the future.")
    if medication.stopped_on and medication.stopped_on > timezone.localdate():
        problems.append("The stop date is in the future.")
    if (
        medication.stopped_on
        and medication.started_on
        and medication.stopped_on < medication.started_on
    ):
        problems.append("It stopped before it started.")
    if problems:
        raise Refused(problems)
    _clean(medication, exclude=["patient"])
    medication.save()
    _record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="recovery_medication",
        patient=patient,
        object_id=str(medication.public_id),
        detail="fields: " + ", ".join(sorted(fields)),
    )
    return medication


# --- The people around the patient --------------------------------------------------


def _sync_inventory(supporter: Supporter) -> None:
    """The inventory's person carries the same marks as the supporter."""
    person = supporter.person
    if person is None:
        return
    marks = ("supports_recovery", "uses_with_patient", "is_trigger")
    if any(getattr(person, m) != getattr(supporter, m) for m in marks):
        for mark in marks:
            setattr(person, mark, getattr(supporter, mark))
        person.save(update_fields=[*marks, "updated_at"])


@transaction.atomic
def supporter_save(
    *, patient: Patient, by: Staff, supporter: Supporter | None = None, **fields: Any
) -> Supporter:
    """Add or change a supporter: the patient's permission to contact them (the date,
    what may be shared, a withdrawal), and the recovery marks kept in step with the
    interpersonal inventory."""
    created = supporter is None
    if supporter is None:
        supporter = Supporter(patient=patient, recorded_by=by)
    for name, value in fields.items():
        setattr(supporter, name, value)
    person: InventoryPerson | None = supporter.person
    if (
        person is not None
        and not Course.objects.filter(pk=person.course_id, patient=patient).exists()
    ):
        raise Refused("Link a person from this patient's inventory.")
    for day, what in (
        (supporter.permission_on, "The permission date"),
        (supporter.permission_withdrawn_on, "The withdrawal date"),
    ):
        if day is not None:
            _not_ahead(day, what)
    if supporter.permission_withdrawn_on and not supporter.permission_on:
        raise Refused("Permission can be withdrawn only once it was given.")
    if (
        supporter.permission_withdrawn_on
        and supporter.permission_on
        and supporter.permission_withdrawn_on < supporter.permission_on
    ):
        raise Refused("Permission was withdrawn before it was given.")
    _clean(supporter, exclude=["patient"])
    supporter.save()
    _sync_inventory(supporter)
    _record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        category="recovery_supporter",
        patient=patient,
        object_id=str(supporter.public_id),
        detail="fields: " + ", ".join(sorted(fields)),
    )
    return supporter


def supporter_marks_from_inventory(person: InventoryPerson) -> int:
    """The inventory's marks changed (ipt): the linked supporters follow."""
    return Supporter.objects.filter(person=person).update(
        supports_recovery=person.supports_recovery,
        uses_with_patient=person.uses_with_patient,
        is_trigger=person.is_trigger,
        updated_at=timezone.now(),
    )


# What a logged contact shares with a supporter, as the disclosure rule's content
# kinds: news of the course (progress, plan, attendance), never counseling notes.
CONTACT_CONTENT = (ContentKind.COURSE_SUMMARY,)


@dataclass(frozen=True)
class ContactPermission:
    allowed: bool
    message: str = ""
    # For a Part 2 patient, the rule's answer: the contact is then a disclosure.
    decision: disclosure_rules.Decision | None = None
    at: datetime | None = None


def _contact_moment(day: date) -> datetime:
    """When a contact on ``day`` is checked against consents: now for today, the end
    of the day for an earlier one."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.max))


def contact_permitted(supporter: Supporter, day: date) -> ContactPermission:
    """May the program contact this supporter on ``day`` and share what it logs?

    The patient's permission recorded on the supporter, always. For a patient whose
    records are Part 2 (42 CFR Part 2) that is not enough: the disclosure rule
    (``disclosures.rules.check_disclosure``, docs/decisions/0022) must also find an
    active consent naming the supporter's recipient and covering ``CONTACT_CONTENT``
    at that moment."""
    permitted = supporter.permission_on is not None and (
        supporter.permission_on <= day
        and (
            supporter.permission_withdrawn_on is None
            or supporter.permission_withdrawn_on > day
        )
    )
    if not permitted:
        return ContactPermission(
            False,
            "The patient had not allowed contact with this person on that day: "
            "record their permission first.",
        )
    if not disclosure_rules.is_part2(supporter.patient):
        return ContactPermission(True)
    if supporter.recipient is None:
        return ContactPermission(
            False,
            "This patient's records are Part 2: sharing with this person needs their "
            "written consent. Link the person to a recipient on the consent register "
            "and record a consent that names them.",
        )
    at = _contact_moment(day)
    decision = disclosure_rules.check_disclosure(
        patient=supporter.patient,
        recipient=supporter.recipient,
        content_kinds=CONTACT_CONTENT,
        at=at,
    )
    if not decision.allowed:
        return ContactPermission(
            False,
            "This patient's records are Part 2 and the contact shares information: "
            f"{decision.message} Nothing was logged.",
        )
    return ContactPermission(True, decision=decision, at=at)


@transaction.atomic
def contact_log(
    *,
    supporter: Supporter,
    by: Staff,
    contacted_on: date,
    mode: str,
    family_session: bool,
    shared: str,
) -> SupporterContact:
    """Log a contact with a supporter: refused without the patient's permission."""
    _not_ahead(contacted_on, "The contact date")
    permission = contact_permitted(supporter, contacted_on)
    if not permission.allowed:
        raise Refused(permission.message)
    if not shared.strip():
        raise Refused("Say what was shared.")
    contact = SupporterContact(
        supporter=supporter,
        contacted_on=contacted_on,
        mode=mode,
        family_session=family_session,
        shared=shared.strip(),
        by=by,
    )
    _clean(contact, exclude=["supporter"])
    contact.save()
    if permission.decision is not None and permission.at is not None:
        # Shared under a Part 2 consent: a disclosure, in the log the patient's
        # accounting of disclosures reads (§2.25).
        assert supporter.recipient is not None  # noqa: S101 - the rule named it
        try:
            disclosure_services.disclosure_log_contact(
                by=by,
                patient=supporter.patient,
                recipient=supporter.recipient,
                decision=permission.decision,
                content_kinds=CONTACT_CONTENT,
                channel=Channel(mode),
                shared=contact.shared,
                at=permission.at,
            )
        except LegalText.DoesNotExist:
            # The atomic block drops the contact too: nothing half-logged.
            raise Refused(
                "No §2.32 notice is stored, so a written message cannot carry it: "
                "nothing was logged."
            ) from None
    _record(
        by=by,
        action=Action.CREATE,
        category="recovery_contact",
        patient=supporter.patient,
        object_id=str(contact.public_id),
        detail=f"supporter={supporter.public_id}; mode={mode}; "
        f"family_session={int(family_session)}",
    )
    return contact


# --- Level of care ------------------------------------------------------------------


@transaction.atomic
def care_level_change(
    *, patient: Patient, by: Staff, level: CareLevel, changed_on: date, reason: str
) -> CareLevelChange:
    """The patient's level of care from a day on, with the reason."""
    _not_ahead(changed_on, "The date of the change")
    if not reason.strip():
        raise Refused("Give the reason for the change.")
    latest = (
        CareLevelChange.objects.filter(patient=patient).order_by("-changed_on").first()
    )
    if (
        latest is not None
        and latest.level_id == level.pk
        and latest.changed_on <= changed_on
    ):
        raise Refused(f"The patient is at {level.name} already.")
    change = CareLevelChange(
        patient=patient,
        level=level,
        changed_on=changed_on,
        reason=reason.strip(),
        recorded_by=by,
    )
    _clean(change, exclude=["patient"])
    change.save()
    _record(
        by=by,
        action=Action.CREATE,
        category="recovery_care_level",
        patient=patient,
        object_id=str(change.public_id),
        detail=f"level={level.pk}",
    )
    return change
