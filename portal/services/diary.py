"""The daily mood-and-relationships diary: one entry per day, saved in place, with
the alert rules (self-harm, use after abstinence) run on every save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts import rules as alert_rules
from alerts import services as alert_services
from audit import services as audit
from audit.choices import Action
from ipt.choices import Relationship
from ipt.models import InventoryPerson
from ipt.pictures import DiaryPoint, diary_week_svg, svg_data_uri
from portal.models import DiaryEntry
from portal.services.links import PATIENT
from portal.services.questionnaires import current_course
from recovery import services as recovery
from recovery.models import Substance

if TYPE_CHECKING:
    from patients.models import Patient

CATEGORY = "portal_diary"


@dataclass(frozen=True)
class DiaryAnswers:
    """What the diary form asks, cleaned."""

    mood: int
    craving: int
    used: bool = False
    used_what: str = ""
    used_how_much: str = ""
    substances: tuple[str, ...] = ()  # the use list's codes (recovery.Substance)
    self_harm: bool = False
    person: InventoryPerson | None = None
    person_new: str = ""
    add_to_people: bool = False
    what_happened: str = ""
    how_it_felt: str = ""


def people_of(patient: Patient) -> list[InventoryPerson]:
    """The people in the patient's current inventory, closest first."""
    course = current_course(patient)
    if course is None:
        return []
    return list(InventoryPerson.objects.filter(course=course))


def _as_day(entry: DiaryEntry) -> alert_rules.DiaryDay:
    return alert_rules.DiaryDay(
        entry_id=str(entry.public_id),
        day=entry.day,
        self_harm=entry.self_harm,
        used=entry.used,
    )


@transaction.atomic
def diary_save(
    *, patient: Patient, answers: DiaryAnswers, day: date | None = None
) -> DiaryEntry:
    """Save today's entry (or change it again today). A second identical save changes
    nothing that matters and raises no second alert (alerts key on the entry)."""
    day = day or timezone.localdate()
    course = current_course(patient)
    person = answers.person
    if person is not None and (course is None or person.course_id != course.pk):
        person = None  # only the patient's own people
    if person is None and answers.person_new and answers.add_to_people and course:
        person = InventoryPerson.objects.create(
            course=course,
            name=answers.person_new[:80],
            relationship=Relationship.OTHER,
            contact_frequency="weekly",
            closeness=3,
            quality="mixed",
            added_by_patient=True,
        )
    entry, created = DiaryEntry.objects.select_for_update().get_or_create(
        patient=patient,
        day=day,
        defaults={"mood": answers.mood, "craving": answers.craving, "course": course},
    )
    entry.course = course
    entry.mood = answers.mood
    entry.craving = answers.craving
    entry.used = answers.used
    entry.used_what = answers.used_what if answers.used else ""
    entry.used_how_much = answers.used_how_much if answers.used else ""
    entry.self_harm = answers.self_harm
    entry.person = person
    entry.person_new = "" if person is not None else answers.person_new
    entry.what_happened = answers.what_happened
    entry.how_it_felt = answers.how_it_felt
    entry.full_clean(exclude=["patient", "course", "person"])
    entry.save()
    recovery.diary_use_record(
        entry=entry,
        substances=list(Substance.objects.filter(code__in=answers.substances)),
    )
    audit.record(
        actor=None,
        action=Action.CREATE if created else Action.UPDATE,
        category=CATEGORY,
        patient=patient,
        object_id=str(entry.public_id),
        detail=f"day={day.isoformat()}",
        actor_label=PATIENT,
    )
    days = settings.IPTCARE_ALERT_ABSTINENT_DAYS + 1
    history = [
        _as_day(earlier)
        for earlier in DiaryEntry.objects.filter(
            patient=patient, day__lt=day, day__gte=day - timedelta(days=days)
        ).order_by("day")
    ]
    alert_services.alerts_raise_for_diary(
        patient=patient, entry=_as_day(entry), history=history, course=course
    )
    return entry


@dataclass(frozen=True)
class DiaryDayView:
    day: date
    entry: DiaryEntry | None
    moment: int | None = None  # the number of the day's moment, in the picture too


def diary_week(patient: Patient, *, end: date | None = None) -> list[DiaryDayView]:
    """The last seven days, oldest first, with the entry of each day or none."""
    end = end or timezone.localdate()
    start = end - timedelta(days=6)
    entries = {
        entry.day: entry
        for entry in DiaryEntry.objects.filter(
            patient=patient, day__gte=start, day__lte=end
        ).select_related("person")
    }
    week = []
    moments = 0
    for n in range(7):
        day = start + timedelta(days=n)
        entry = entries.get(day)
        moment = None
        if entry is not None and entry.has_moment:
            moments += 1
            moment = moments
        week.append(DiaryDayView(day=day, entry=entry, moment=moment))
    return week


def diary_week_picture(week: list[DiaryDayView]) -> str:
    """The week as a picture (a data URI for ``<img>``): mood and cravings against the
    numbered moments of the table beside it."""
    return svg_data_uri(
        diary_week_svg(
            [
                DiaryPoint(
                    day=row.day,
                    mood=row.entry.mood if row.entry else None,
                    craving=row.entry.craving if row.entry else None,
                    moment=row.moment,
                    used=bool(row.entry and row.entry.used),
                )
                for row in week
            ]
        )
    )
