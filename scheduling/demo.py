"""The demo clinic's calendars, from the courses the IPT demo made (``ipt/demo.py``).

- every individual session a course has on record becomes an appointment with its
  attendance (attended, late cancellation, did not attend) linked to that session;
- each open course has its next sessions booked as a weekly (monthly) series, up to six
  ahead, on its own weekday and hour;
- of the open courses with sessions since the last one on record, some have just
  missed two in a row (recorded on the course and as an engagement event, which the
  alerts job turns into an alert), some cancelled the last one late, and some have it
  still waiting for its attendance;
- each demo group meets weekly for the next four weeks, its members booked.

No clinician is booked twice at once. Deterministic for a given generator and
bulk-inserted: a handful of queries per thousand courses.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model, Prefetch
from django.utils import timezone

from ipt.choices import Attendance, Delivery, Frequency, Phase
from ipt.models import Course, CourseSession, Group
from iptcare.lib.bulk import built, insert_objects
from scheduling import recurrence
from scheduling.choices import AppointmentKind, AttendanceOutcome, EngagementKind
from scheduling.models import (
    Appointment,
    AppointmentSeries,
    Attendee,
    EngagementEvent,
)

HOURS = (9, 10, 11, 12, 14, 15, 16, 17, 18)
GROUP_HOUR = 19  # groups meet in the evening, after the individual sessions
MINUTES = 50
AHEAD = 6
OUTCOMES = {
    Attendance.ATTENDED: AttendanceOutcome.ATTENDED,
    Attendance.MISSED: AttendanceOutcome.DID_NOT_ATTEND,
    Attendance.CANCELLED: AttendanceOutcome.LATE_CANCELLATION,
}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class Calendar:
    """Who is busy when (clinician, date, hour), and the rows to insert."""

    taken: set[tuple[int, date, int]] = field(default_factory=set)
    appointments: list[Appointment] = field(default_factory=list)
    attendees: list[list[Attendee]] = field(default_factory=list)
    series: list[AppointmentSeries | None] = field(default_factory=list)
    missed: list[CourseSession] = field(default_factory=list)
    events: list[tuple[int, Course]] = field(default_factory=list)  # appointment index

    def free_hour(self, clinician_id: int, day: date, preferred: int) -> int | None:
        start = HOURS.index(preferred)
        for hour in HOURS[start:] + HOURS[:start]:
            if (clinician_id, day, hour) not in self.taken:
                self.taken.add((clinician_id, day, hour))
                return hour
        return None


def _where(rng: random.Random, address: str) -> tuple[str, str]:
    if rng.random() < 0.25:
        return "", f"https://video.example.org/{rng.getrandbits(40):010x}"
    return f"Room {rng.randint(1, 6)}, {address}", ""


def _book(
    calendar: Calendar,
    rng: random.Random,
    course: Course,
    day: date,
    preferred: int,
    where: tuple[str, str],
    series: AppointmentSeries | None = None,
) -> tuple[Appointment, Attendee] | None:
    hour = calendar.free_hour(course.clinician_id, day, preferred)
    if hour is None:
        return None
    zone = str(course.patient.team.site.time_zone)
    starts = recurrence.local_instant(day, time(hour), zone)
    appointment = built(
        Appointment,
        public_id=_uuid(rng),
        kind=AppointmentKind.INDIVIDUAL,
        clinician_id=course.clinician_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=MINUTES),
        time_zone=zone,
        place=where[0],
        video_link=where[1],
        booked_by_id=course.clinician_id,
    )
    attendee = built(
        Attendee,
        public_id=_uuid(rng),
        patient_id=course.patient_id,
        course_id=course.pk,
    )
    calendar.appointments.append(appointment)
    calendar.attendees.append([attendee])
    calendar.series.append(series)
    return appointment, attendee


def _record(attendee: Attendee, course: Course, outcome: str, at: datetime) -> None:
    attendee.attendance = outcome
    attendee.attendance_recorded_at = at
    attendee.attendance_recorded_by_id = course.clinician_id


def _past(
    calendar: Calendar,
    rng: random.Random,
    course: Course,
    preferred: int,
    where: tuple[str, str],
) -> None:
    for session in course.sessions.all():  # prefetched, individual only
        booked = _book(calendar, rng, course, session.held_on, preferred, where)
        if booked is None:
            continue
        appointment, attendee = booked
        _record(
            attendee,
            course,
            OUTCOMES[Attendance(session.attendance)],
            appointment.ends_at + timedelta(minutes=20),
        )
        attendee.course_session = session


def _not_held(
    calendar: Calendar,
    rng: random.Random,
    course: Course,
    days: list[date],
    preferred: int,
    where: tuple[str, str],
    attendance: Attendance,
) -> None:
    """Sessions missed (two in a row raise an engagement event) or cancelled late,
    recorded on the course as the attendance service would."""
    for day in days:
        booked = _book(calendar, rng, course, day, preferred, where)
        if booked is None:
            return
        appointment, attendee = booked
        _record(attendee, course, OUTCOMES[attendance], appointment.ends_at)
        session = built(
            CourseSession,
            public_id=_uuid(rng),
            course_id=course.pk,
            number=None,
            held_on=day,
            attendance=attendance,
            phase=course.phase,
            recorded_by_id=course.clinician_id,
        )
        calendar.missed.append(session)
        attendee.course_session = session
    if attendance == Attendance.MISSED and len(days) >= 2:
        calendar.events.append((len(calendar.appointments) - 1, course))


def _future(
    calendar: Calendar,
    rng: random.Random,
    course: Course,
    preferred: int,
    where: tuple[str, str],
    today: date,
) -> None:
    step = timedelta(days=28 if course.program.frequency == Frequency.MONTHLY else 7)
    last = max((s.held_on for s in course.sessions.all()), default=course.opened_on)
    day = last + step
    while day <= today:
        day += step
    left = min(AHEAD, course.sessions_planned - course.sessions_attended)
    if left <= 0:
        return
    # The slots since the last session on record, up to yesterday: what happened?
    gap = [last + step * n for n in range(1, 60) if last + step * n < today]
    chance = rng.random()
    if course.phase == Phase.MIDDLE and len(gap) >= 2 and chance < 0.35:
        _not_held(calendar, rng, course, gap[-2:], preferred, where, Attendance.MISSED)
    elif gap and chance < 0.55:
        _not_held(
            calendar, rng, course, gap[-1:], preferred, where, Attendance.CANCELLED
        )
    elif gap and chance < 0.75:
        _book(calendar, rng, course, gap[-1], preferred, where)  # still to record
    series = AppointmentSeries(
        public_id=_uuid(rng),
        kind=AppointmentKind.INDIVIDUAL,
        course=course,
        clinician_id=course.clinician_id,
        frequency=course.program.frequency,
        first_date=day,
        local_time=time(preferred),
        duration_minutes=MINUTES,
        sessions=left,
        time_zone=str(course.patient.team.site.time_zone),
        place=where[0],
        video_link=where[1],
        booked_by_id=course.clinician_id,
    )
    for n in range(left):
        _book(calendar, rng, course, day + n * step, preferred, where, series)


def _groups(calendar: Calendar, rng: random.Random, today: date) -> None:
    groups = Group.objects.prefetch_related(
        "facilitators",
        Prefetch("members__course", queryset=Course.objects.select_related("patient")),
    ).select_related("team__site")
    for group in groups.order_by("id"):
        facilitators = [staff.pk for staff in group.facilitators.all()]
        members = [m.course for m in group.members.all() if m.course.is_open]
        if not facilitators:
            continue
        zone = str(group.team.site.time_zone)
        first = today + timedelta(days=(3 - today.weekday()) % 7 or 7)  # a Thursday
        for week in range(4):
            day = first + timedelta(weeks=week)
            if any(
                (staff, day, GROUP_HOUR) in calendar.taken for staff in facilitators
            ):
                continue
            calendar.taken.update((staff, day, GROUP_HOUR) for staff in facilitators)
            starts = recurrence.local_instant(day, time(GROUP_HOUR), zone)
            calendar.appointments.append(
                built(
                    Appointment,
                    public_id=_uuid(rng),
                    kind=AppointmentKind.GROUP,
                    clinician_id=facilitators[0],
                    group_id=group.pk,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=90),
                    time_zone=zone,
                    place=f"Group room, {group.team.site.address}",
                    booked_by_id=facilitators[0],
                )
            )
            calendar.attendees.append(
                [
                    built(
                        Attendee,
                        public_id=_uuid(rng),
                        patient_id=course.patient_id,
                        course_id=course.pk,
                    )
                    for course in members
                ]
            )
            calendar.series.append(None)


def _insert(model: type[Model], rows: Sequence[Any]) -> None:
    """Insert with one statement, the keys given here so that the rows that point at
    these know them; then move the key sequence past them."""
    if not rows:
        return
    first = (
        model._default_manager.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    insert_objects(rows, first_id=first)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def _courses() -> Iterator[Course]:
    # What the calendars read of a session: its day and attendance (some 200,000 at
    # 20,000 patients, whose two stamps alone were seconds to parse).
    individual = (
        CourseSession.objects.exclude(delivery=Delivery.GROUP)
        .only("id", "course_id", "held_on", "attendance")
        .order_by("held_on", "id")
    )
    queryset = (
        Course.objects.select_related("patient__team__site", "program")
        .prefetch_related(Prefetch("sessions", queryset=individual))
        .order_by("clinician_id", "id")
    )
    yield from queryset.iterator(chunk_size=2000)


def load_appointments(rng: random.Random, *, batch_size: int = 2000) -> int:
    """Fill the calendars; return the appointments created."""
    today = timezone.localdate()
    calendar = Calendar()
    position: dict[int, int] = {}
    for course in _courses():
        index = position.get(course.clinician_id, 0)
        position[course.clinician_id] = index + 1
        preferred = HOURS[index % len(HOURS)]
        where = _where(rng, course.patient.team.site.address or "the clinic")
        _past(calendar, rng, course, preferred, where)
        if course.is_open:
            _future(calendar, rng, course, preferred, where, today)
    _groups(calendar, rng, today)
    _insert(CourseSession, calendar.missed)
    _insert(AppointmentSeries, list({id(s): s for s in calendar.series if s}.values()))
    for appointment, series in zip(calendar.appointments, calendar.series, strict=True):
        appointment.series_id = series.pk if series else None
    _insert(Appointment, calendar.appointments)
    attendees = []
    for appointment, rows in zip(
        calendar.appointments, calendar.attendees, strict=True
    ):
        for attendee in rows:
            attendee.appointment_id = appointment.pk
            if attendee.course_session is not None:  # the missed ones, saved above
                attendee.course_session_id = attendee.course_session.pk
            attendees.append(attendee)
    _insert(Attendee, attendees)
    EngagementEvent.objects.bulk_create(
        (
            EngagementEvent(
                public_id=_uuid(rng),
                kind=EngagementKind.MISSED_IN_A_ROW,
                patient_id=course.patient_id,
                course=course,
                appointment=calendar.appointments[index],
                missed_in_a_row=2,
            )
            for index, course in calendar.events
        ),
        batch_size=batch_size,
    )
    return len(calendar.appointments)
