"""The intake part of the demo clinic: callback requests in every state of the queue
(screened ones among them, one urgent at each site), a waiting list at each site, and a
year of past referrals behind the demo's courses, so that the waiting-time report has
figures.

Deterministic for a given random generator (public ids too) and bulk-inserted. Names
are invented; numbers are from Ofcom's drama range (07700 900000–900999) and addresses
use example.org.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Site, Staff, Team
from ipt.models import Course, Program
from iptcare.lib.bulk import insert_objects
from iptcare.lib.phone import phone_digits
from measures.choices import Source
from measures.models import Administration, RiskEvent, risk_kind_for
from measures.services import administration_scored, instrument_get
from patients.models import Patient
from referrals import waiting
from referrals.choices import AttemptOutcome, CallTime, RequestFor, Status
from referrals.models import (
    ContactAttempt,
    PriorityChange,
    Referral,
    ScreeningAdministration,
)

_GIVEN = [
    "Alex",
    "Bea",
    "Cal",
    "Dina",
    "Efe",
    "Finn",
    "Gita",
    "Hugo",
    "Ines",
    "Jon",
    "Kemi",
    "Lars",
    "Mina",
    "Nell",
    "Omar",
    "Pia",
    "Remy",
    "Sana",
    "Tom",
    "Vera",
]
_FAMILY = [
    "Abbott",
    "Byrne",
    "Costa",
    "Doyle",
    "Ekwueme",
    "Frost",
    "Gallo",
    "Hale",
    "Ito",
    "Joshi",
    "Kaur",
    "Lund",
    "Mensah",
    "Noor",
    "Oduya",
    "Price",
]
_MESSAGES = [
    "",
    "I have not been sleeping and I am drinking more than I want to.",
    "Since I lost my job I hardly see anyone. My GP gave me your details.",
    "It's for my brother. He doesn't know I'm asking yet.",
    "Afternoons are best, I work mornings.",
    "My partner and I argue all the time and I'm using again.",
]
_PROGRAMS = ["ipt16", "ipt12", "brief8", "group"]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class _Context:
    rng: random.Random
    now: datetime
    coordinators: dict[int, Staff]
    programs: dict[str, Program]


def _person(rng: random.Random, serial: int) -> tuple[str, str, str, str]:
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    phone = f"07700 900{rng.randint(0, 999):03d}"
    email = f"{given.lower()}.{family.lower()}.r{serial}@example.org"
    return given, family, phone, email


def _request(
    ctx: _Context,
    site: Site,
    serial: int,
    *,
    received: datetime,
    status: Status,
    person: tuple[str, str, str, str] | None = None,
) -> Referral:
    rng = ctx.rng
    given, family, phone, email = person or _person(rng, serial)
    for_self = rng.random() < 0.8
    # Some leave out the telephone number, never when it is their only contact.
    phone = phone if (rng.random() < 0.9 or not email) else ""
    email = email if (rng.random() < 0.7 or not phone) else ""
    zone = ZoneInfo(site.time_zone)
    received_on = timezone.localtime(received, zone).date()
    return Referral(
        public_id=_uuid(rng),
        site=site,
        request_for=RequestFor.SELF if for_self else RequestFor.SOMEONE_ELSE,
        name=f"{given} {family}" if for_self else f"{rng.choice(_GIVEN)} {family}",
        about_name="" if for_self else given,
        phone=phone,
        phone_digits=phone_digits(phone),
        email=email,
        call_times=sorted(rng.sample(CallTime.values, rng.randint(0, 2))),
        may_leave_voicemail=bool(phone) and rng.random() < 0.6,
        may_text=bool(phone) and rng.random() < 0.5,
        consented_at=received,
        message=rng.choice(_MESSAGES),
        patient_phone=phone if for_self else "",
        patient_email=email if for_self else "",
        status=status,
        contact_due_on=waiting.contact_due_on(
            received_on, settings.IPTCARE_INTAKE_CONTACT_WORKING_DAYS
        ),
        created_at=received,
        acknowledged_at=received + timedelta(minutes=1) if email else None,
    )


def _spoke(referral: Referral, given: str, family: str, rng: random.Random) -> datetime:
    """Spoken to, with the person's details confirmed on the call; returns when."""
    contact = referral.created_at + timedelta(hours=rng.randint(2, 20))
    referral.first_attempt_at = referral.first_contact_at = contact
    referral.given_name, referral.family_name = given, family
    referral.date_of_birth = date(
        rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)
    )
    if not referral.patient_phone and not referral.patient_email:
        referral.patient_phone = f"07700 900{rng.randint(0, 999):03d}"
    return contact


def _attempts(
    referral: Referral, by: Staff, outcomes: list[str], rng: random.Random
) -> list[ContactAttempt]:
    attempts = []
    at = referral.created_at
    for outcome in outcomes:
        at = at + timedelta(hours=rng.randint(3, 26))
        attempts.append(
            ContactAttempt(referral=referral, attempted_at=at, outcome=outcome, by=by)
        )
    if attempts:
        referral.first_attempt_at = attempts[0].attempted_at
    return attempts


def _queue(ctx: _Context, site: Site, serial: int) -> dict[str, list[object]]:
    """One site's queue: new (some overdue, one a likely duplicate of a patient), called
    without an answer, in contact (details confirmed, not yet screened: left for the
    visitor to try), unreachable, and closed. The screened requests are
    ``_screened``'s."""
    rng, now = ctx.rng, ctx.now
    by = ctx.coordinators[site.pk]
    rows: dict[str, list[object]] = {"referrals": [], "attempts": []}
    known = (
        Patient.objects.filter(team__site=site)
        .order_by("id")
        .values_list("given_name", "family_name", "phone", "email")
        .first()
    )
    ages = [
        timedelta(minutes=25),
        timedelta(hours=3),
        timedelta(hours=20),
        timedelta(days=2, hours=2),
        timedelta(days=4, hours=5),
    ]
    for index, age in enumerate(ages):
        person = known if (index == 3 and known) else None
        rows["referrals"].append(
            _request(
                ctx,
                site,
                serial + index,
                received=now - age,
                status=Status.NEW,
                person=person,
            )
        )
    serial += len(ages)
    for index, outcomes in enumerate([["no_answer"], ["no_answer", "voicemail"]]):
        referral = _request(
            ctx,
            site,
            serial + index,
            received=now - timedelta(days=2 + index),
            status=Status.NEW,
        )
        referral.may_leave_voicemail = bool(referral.phone)
        if not referral.phone:
            referral.phone, referral.phone_digits = "07700 900111", "7700900111"
        rows["referrals"].append(referral)
        rows["attempts"] += _attempts(referral, by, outcomes, rng)
    serial += 2
    for index in range(3):
        given, family, phone, email = _person(rng, serial + index)
        referral = _request(
            ctx,
            site,
            serial + index,
            received=now - timedelta(days=1 + index, hours=3),
            status=Status.IN_CONTACT,
            person=(given, family, phone, email),
        )
        if not referral.phone:
            referral.phone, referral.phone_digits = phone, phone_digits(phone)
            if referral.request_for == RequestFor.SELF:
                referral.patient_phone = phone
        contact = _spoke(referral, given, family, rng)
        rows["attempts"].append(
            ContactAttempt(
                referral=referral,
                attempted_at=contact,
                outcome=AttemptOutcome.SPOKE,
                by=by,
            )
        )
        rows["referrals"].append(referral)
    serial += 3
    for index in range(2):
        referral = _request(
            ctx,
            site,
            serial + index,
            received=now - timedelta(days=6 + index),
            status=Status.UNREACHABLE,
        )
        if not referral.phone:
            referral.phone, referral.phone_digits = "07700 900112", "7700900112"
        rows["attempts"] += _attempts(
            referral, by, ["no_answer", "no_answer", "no_answer"], rng
        )
        referral.unreachable_since = rows["attempts"][-1].attempted_at  # type: ignore[attr-defined]
        if index:
            referral.letter_sent_at = referral.unreachable_since + timedelta(days=1)
        rows["referrals"].append(referral)
    serial += 2
    closures = [
        (
            Status.REFERRED_ELSEWHERE,
            "Community drug and alcohol team",
            "Needs a supervised detox before talking therapy.",
        ),
        (Status.DECLINED, "", "Lives outside the service's area; given local options."),
        (Status.WITHDRAWN, "", "Feeling better; will ask again if needed."),
    ]
    for index, (status, where, why) in enumerate(closures):
        given, family, phone, email = _person(rng, serial + index)
        referral = _request(
            ctx,
            site,
            serial + index,
            received=now - timedelta(days=9 + 3 * index),
            status=status,
            person=(given, family, phone, email),
        )
        contact = _spoke(referral, given, family, rng)
        referral.referred_to, referral.outcome_reason = where, why
        referral.closed_at = contact + timedelta(hours=2)
        referral.closed_by = by
        rows["referrals"].append(referral)
    return rows


@dataclass
class _Screened:
    """The rows of the screened requests, in the order they are inserted: each list
    points at rows of the lists before it."""

    referrals: list[Referral]
    attempts: list[ContactAttempt]
    administrations: list[Administration]
    risk_events: list[RiskEvent]
    screenings: list[ScreeningAdministration]


def _screening(
    ctx: _Context,
    referral: Referral,
    instrument_id: str,
    answers: list[int],
    *,
    at: datetime,
    by: Staff,
    rows: _Screened,
) -> Administration:
    """One scale given on the call, scored by the real scorer and stored as the
    measures library stores an intake screening (no patient yet); a critical answer
    has its risk event, open, as the library records it."""
    instrument = instrument_get(instrument_id)
    administration = administration_scored(
        instrument,
        answers,
        public_id=_uuid(ctx.rng),
        series=_uuid(ctx.rng),
        administered_at=at,
        entered_by=by,
        source=Source.INTAKE_SCREENING,
    )
    rows.administrations.append(administration)
    rows.screenings.append(
        ScreeningAdministration(referral=referral, administration=administration)
    )
    for number in administration.critical_items:
        position = answers[number - 1]
        rows.risk_events.append(
            RiskEvent(
                public_id=_uuid(ctx.rng),
                administration=administration,
                kind=risk_kind_for(instrument.id, number),
                instrument_id=instrument.id,
                item_number=number,
                answer_position=position,
                answer_score=instrument.item(number).options[position].score,
            )
        )
    return administration


def _answers(rng: random.Random, count: int, level: float) -> list[int]:
    """``count`` answers (option positions 0–3) around ``level``."""
    return [min(3, max(0, round(rng.gauss(level, 0.7)))) for _ in range(count)]


def _screened(ctx: _Context, site: Site, serial: int, rows: _Screened) -> None:
    """Requests spoken to and screened on the call (PHQ-9 and GAD-7): two with mild to
    moderate scores, and one urgent — PHQ-9 item 9 above 0, so the request leads the
    queue and its risk event waits for a clinician, as ``screening_record`` leaves
    it."""
    rng = ctx.rng
    by = ctx.coordinators[site.pk]
    for index, urgent in enumerate([False, False, True]):
        given, family, phone, email = _person(rng, serial + index)
        referral = _request(
            ctx,
            site,
            serial + index,
            received=ctx.now - timedelta(days=1 + index, hours=rng.randint(4, 9)),
            status=Status.IN_CONTACT,
            person=(given, family, phone, email),
        )
        if not referral.phone:
            referral.phone, referral.phone_digits = phone, phone_digits(phone)
        contact = _spoke(referral, given, family, rng)
        rows.attempts.append(
            ContactAttempt(
                referral=referral,
                attempted_at=contact,
                outcome=AttemptOutcome.SPOKE,
                by=by,
            )
        )
        level = rng.uniform(1.6, 2.2) if urgent else rng.uniform(0.8, 1.6)
        phq9 = [*_answers(rng, 8, level), rng.randint(1, 2) if urgent else 0]
        gad7 = _answers(rng, 7, level * 0.8)
        at = contact + timedelta(minutes=8)
        first = _screening(ctx, referral, "phq9", phq9, at=at, by=by, rows=rows)
        at += timedelta(minutes=6)
        _screening(ctx, referral, "gad7", gad7, at=at, by=by, rows=rows)
        if first.critical_items:
            referral.urgent_since = first.administered_at
        rows.referrals.append(referral)


def _accepted(
    ctx: _Context,
    site: Site,
    serial: int,
    *,
    referred: datetime,
    patient: Patient,
    program: Program,
) -> Referral:
    referral = _request(
        ctx,
        site,
        serial,
        received=referred,
        status=Status.WAITING,
        person=(patient.given_name, patient.family_name, patient.phone, patient.email),
    )
    if not referral.phone and not referral.email:
        referral.phone, referral.phone_digits = (
            patient.phone,
            phone_digits(patient.phone),
        )
    contact = _spoke(referral, patient.given_name, patient.family_name, ctx.rng)
    referral.date_of_birth = patient.date_of_birth
    referral.patient_phone, referral.patient_email = patient.phone, patient.email
    referral.patient, referral.program, referral.team_id = (
        patient,
        program,
        patient.team_id,
    )
    referral.accepted_at = contact + timedelta(days=ctx.rng.randint(1, 6))
    return referral


def _waiting_list(
    ctx: _Context, site: Site, team: Team, serial: int, count: int
) -> tuple[list[Referral], list[PriorityChange]]:
    """People accepted onto the waiting list: registered patients of the site with no
    course yet (the demo's own patients, so that its patient count stays as asked)."""
    rng, now = ctx.rng, ctx.now
    patients = list(
        Patient.objects.filter(team=team, ipt_courses__isnull=True).order_by("id")[
            :count
        ]
    )
    referrals, changes = [], []
    for index, patient in enumerate(patients):
        weeks = [2, 20, 4, 8, 13, 6][index % 6]  # some past 6 weeks, one past 18
        referral = _accepted(
            ctx,
            site,
            serial + index,
            referred=now - timedelta(weeks=weeks, days=rng.randint(0, 6)),
            patient=patient,
            program=ctx.programs[rng.choice(_PROGRAMS)],
        )
        if index == 2:
            reason = "Risk answer at screening; agreed with the duty clinician to see sooner."
            referral.priority_reason = reason
            referral.priority_set_at = referral.created_at + timedelta(days=8)
            referral.priority_set_by = ctx.coordinators[site.pk]
            changes.append(
                PriorityChange(
                    referral=referral,
                    prioritised=True,
                    reason=reason,
                    by=ctx.coordinators[site.pk],
                )
            )
        referrals.append(referral)
    return referrals, changes


def _booked(ctx: _Context, serial: int) -> list[Referral]:
    """A referral behind each course opened in the last year: mostly started within 6
    weeks, some within 18, a few later (the report's figures)."""
    rng = ctx.rng
    today = timezone.localdate()
    courses = (
        Course.objects.filter(opened_on__gte=today - timedelta(days=365))
        .select_related("patient", "patient__team__site", "program")
        .annotate(
            first_attended=Min(
                "sessions__held_on", filter=Q(sessions__attendance="attended")
            )
        )
        .order_by("id")
    )
    referrals = []
    for course in courses.iterator(chunk_size=2000):
        started: date = course.first_attended or course.opened_on
        site = course.patient.team.site
        zone = ZoneInfo(site.time_zone)
        first = datetime.combine(
            started, time(rng.choice([9, 10, 11, 14, 15, 16])), tzinfo=zone
        )
        wait = rng.choices(
            [rng.randint(7, 42), rng.randint(43, 126), rng.randint(127, 170)],
            [70, 24, 6],
        )[0]
        referral = _accepted(
            ctx,
            site,
            serial,
            referred=first - timedelta(days=wait, hours=rng.randint(1, 8)),
            patient=course.patient,
            program=course.program,
        )
        serial += 1
        referral.accepted_at = min(referral.accepted_at, first - timedelta(hours=1))  # type: ignore[type-var]
        referral.status = Status.BOOKED
        referral.course, referral.clinician_id = course, course.clinician_id
        referral.first_appointment_at = first
        referral.booked_at = referral.closed_at = referral.accepted_at
        referral.closed_by = ctx.coordinators[site.pk]
        referrals.append(referral)
    return referrals


def load_referrals(rng: random.Random, *, batch_size: int = 2000) -> int:
    """Fill the intake queue, the waiting lists and the past year's referrals; return
    the requests created."""
    sites = list(Site.objects.order_by("id"))
    coordinators = {
        staff.site_id: staff
        for staff in Staff.objects.filter(role=Role.INTAKE).order_by("-id")
        if staff.site_id is not None
    }
    teams = {team.site_id: team for team in Team.objects.order_by("-id")}
    ctx = _Context(
        rng=rng,
        now=timezone.now(),
        coordinators=coordinators,
        programs={p.code: p for p in Program.objects.filter(code__in=_PROGRAMS)},
    )
    referrals: list[Referral] = []
    attempts: list[ContactAttempt] = []
    changes: list[PriorityChange] = []
    screened = _Screened([], [], [], [], [])
    serial = 1
    for site in sites:
        if site.pk not in coordinators or site.pk not in teams:
            continue
        rows = _queue(ctx, site, serial)
        referrals += rows["referrals"]  # type: ignore[arg-type]
        attempts += rows["attempts"]  # type: ignore[arg-type]
        _screened(ctx, site, serial + 50, screened)
        waiting_rows, priority_rows = _waiting_list(
            ctx, site, teams[site.pk], serial + 100, 6
        )
        referrals += waiting_rows
        changes += priority_rows
        serial += 200
    referrals += screened.referrals
    attempts += screened.attempts
    Referral.objects.bulk_create(referrals, batch_size=batch_size)
    booked = _booked(ctx, serial)
    # One statement (``bulk_create`` would split it on SQLite at 999 parameters);
    # nothing else points at these, so their ids are not read back.
    insert_objects(booked)
    ContactAttempt.objects.bulk_create(attempts, batch_size=batch_size)
    PriorityChange.objects.bulk_create(changes, batch_size=batch_size)
    Administration.objects.bulk_create(screened.administrations, batch_size=batch_size)
    RiskEvent.objects.bulk_create(screened.risk_events, batch_size=batch_size)
    ScreeningAdministration.objects.bulk_create(
        screened.screenings, batch_size=batch_size
    )
    return len(referrals) + len(booked)
