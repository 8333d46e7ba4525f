"""Reads of appointments, access-filtered and audited.

Patient pages have already got the patient through ``accounts.access`` (which wrote
the audit row); what hangs off the patient is fetched *through* them here, so a foreign
id is a 404. The clinician's day and week list patients only from
``accounts.access.patients_visible_to`` and record the read with ``audit.record_many``.
Every function here costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import router
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import access
from accounts.choices import Role
from accounts.models import BreakGlassAccess, Staff
from audit import services as audit
from audit.choices import Action
from disclosures.rules import part2_patients
from ipt.choices import Phase
from ipt.models import Course, CourseSession, Group, SessionNote
from iptcare.lib import kept_pages
from iptcare.lib.dates import shifted
from iptcare.lib.statements import StandIn, ValuesStatement
from measures.instruments import REGISTRY
from measures.models import Administration, RiskEvent
from patients.record_version import directory_version_and_rows, record_version_of
from scheduling import ical, recurrence
from scheduling.choices import AppointmentStatus
from scheduling.models import (
    Appointment,
    AppointmentQuerySet,
    Attendee,
    EngagementEvent,
)
from scheduling.services import with_session_number

if TYPE_CHECKING:
    from patients.models import Patient

PATIENT_PAGE_UPCOMING = 5
PATIENT_LIST_ROWS = 100
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180
# How far back the day sheet looks for answers; whether one counts for the session is
# the portal's rule (``answered_for_session``), so Today and the portal agree.
ANSWERED_LOOKBACK = timedelta(days=120)
ENGAGEMENT_RECENT = timedelta(days=30)


class Scope:
    MINE = "mine"
    TEAM = "team"


def staff_time_zone(staff: Staff) -> str:
    """The clocks a clinician's day and week are read on: their site's."""
    site = staff.site
    return str(site.time_zone) if site else str(settings.TIME_ZONE)


def may_have_calendar(staff: Staff) -> bool:
    return staff.is_active and staff.role in {Role.CLINICIAN, Role.SUPERVISOR}


def scope_for(staff: Staff, asked: str) -> str:
    """Supervisors see their teams' calendars by default; clinicians their own."""
    if staff.role == Role.SUPERVISOR and asked != Scope.MINE:
        return Scope.TEAM
    return Scope.MINE


def _calendar_of(
    staff: Staff,
    scope: str,
    start: datetime,
    end: datetime,
    group_ids: list[int] | None = None,
) -> AppointmentQuerySet:
    """The appointments of the calendar between ``start`` and ``end``: the window
    first, so that each part of the calendar finds it through its index. ``group_ids``:
    the groups the user facilitates, when already read."""
    window = Appointment.objects.between(start, end)
    if scope == Scope.TEAM and staff.role == Role.SUPERVISOR:
        team_ids = staff.teams.values("id")
        colleagues = Staff.objects.filter(teams__in=team_ids).values("id")
        return window.filter(
            Q(clinician_id__in=colleagues)
            | Q(group__team_id__in=team_ids)
            | Q(group__in=Group.objects.filter(facilitators=staff.pk))
        )
    return window.for_clinician(staff.pk, group_ids)


def _audit_listed(staff: Staff, patients: list[Patient], detail: str) -> None:
    seen: dict[int, Patient] = {}
    for patient in patients:
        seen.setdefault(patient.pk, patient)
    audit.record_many(
        actor=staff,
        entries=[
            audit.Entry(Action.LIST, "appointment", p, str(p.public_id), detail)
            for p in seen.values()
        ],
    )


# --- The patient's own appointments -------------------------------------------------
def patient_upcoming(
    *, patient: Patient, limit: int = PATIENT_PAGE_UPCOMING
) -> list[Attendee]:
    """The patient's next booked sessions, soonest first (one query). The list
    changes with the clock alone when the first of them ends: a kept patient page
    expires then."""
    upcoming = list(
        Attendee.objects.filter(patient=patient)
        .filter(
            appointment__status=AppointmentStatus.SCHEDULED,
            appointment__ends_at__gt=timezone.now(),
            attendance="",
        )
        .select_related("appointment__clinician", "appointment__group")
        .order_by("appointment__starts_at", "pk")[:limit]
    )
    if upcoming:
        kept_pages.valid_until(min(a.appointment.ends_at for a in upcoming))
    return upcoming


def patient_appointments(*, patient: Patient) -> list[Attendee]:
    """The patient's appointments, past and future, newest first (one query)."""
    return list(
        Attendee.objects.filter(patient=patient)
        .select_related("appointment__clinician", "appointment__group", "course")
        .order_by("-appointment__starts_at", "-pk")[:PATIENT_LIST_ROWS]
    )


def open_course(patient: Patient) -> Course | None:
    """The patient's open IPT course, if any (a patient has at most one)."""
    return (
        Course.objects.filter(patient=patient)
        .exclude(phase=Phase.ENDED)
        .select_related("program", "clinician")
        .first()
    )


def appointment_for_patient(*, patient: Patient, public_id: uuid.UUID) -> Appointment:
    """One of this patient's appointments; 404 for anyone else's."""
    return get_object_or_404(
        Appointment.objects.select_related("clinician", "group"),
        public_id=public_id,
        attendees__patient=patient,
    )


def attendee_for(*, patient: Patient, appointment: Appointment) -> Attendee:
    return get_object_or_404(
        Attendee.objects.select_related("course", "appointment"),
        appointment=appointment,
        patient=patient,
    )


def next_session_at() -> Subquery:
    """For a ``Patient`` queryset: the start of their next booked session (caseload)."""
    return Subquery(
        Attendee.objects.filter(
            patient=OuterRef("pk"),
            attendance="",
            appointment__status=AppointmentStatus.SCHEDULED,
            appointment__starts_at__gte=timezone.now(),
        )
        .order_by("appointment__starts_at")
        .values("appointment__starts_at")[:1]
    )


def next_session_time_zone() -> Subquery:
    return Subquery(
        Attendee.objects.filter(
            patient=OuterRef("pk"),
            attendance="",
            appointment__status=AppointmentStatus.SCHEDULED,
            appointment__starts_at__gte=timezone.now(),
        )
        .order_by("appointment__starts_at")
        .values("appointment__time_zone")[:1]
    )


# --- The clinician's day ------------------------------------------------------------
@dataclass
class Preparation:
    """What to prepare for one patient at a session."""

    session_number: int | None = None
    due: list[tuple[str, bool]] = field(default_factory=list)  # (short name, done)
    open_alerts: int = 0
    open_risk_events: int = 0
    missed_in_a_row: int = 0
    last_plan: str = ""


@dataclass
class DayRow:
    appointment: Appointment
    attendees: list[Attendee]
    preparation: dict[int, Preparation]  # by attendee pk

    @property
    def items(self) -> list[tuple[Attendee, Preparation]]:
        return [(a, self.preparation[a.pk]) for a in self.attendees]


@dataclass
class DaySheet:
    day: date
    time_zone: str
    scope: str
    rows: list[DayRow]

    @property
    def previous_day(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next_day(self) -> date:
        return self.day + timedelta(days=1)


def _open_alerts() -> Coalesce | Value:
    """Open alerts of the attendee's patient (the alerts app's inbox), when installed."""
    if not apps.is_installed("alerts"):
        return Value(0)
    from alerts.models import Alert

    count = (
        Alert.objects.filter(patient=OuterRef("patient"), acknowledged_at__isnull=True)
        .order_by()
        .values("patient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


# What the day sheet shows of an appointment itself: a change to any of these, by any
# path, is a new key for a kept sheet (an appointment moves its attendees' record
# versions too, but not those of patients this reader may not see, nor any when it has
# no attendee yet).
DAY_SHEET_APPOINTMENT_COLUMNS = (
    "pk",
    "public_id",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "video_link",
    "clinician_id",
    "group_id",
    "group__name",
)


def _day_sheet_listed(
    staff: Staff,
    scope: str,
    start: datetime,
    end: datetime,
    now: datetime,
    group_ids: list[int],
    *,
    with_attendees: bool = True,
) -> QuerySet[Any]:
    """The day sheet's narrow query: each appointment with what the sheet shows of
    it, each attendee with whether this user may see the patient and that patient's
    record version (``with_attendees``; else ``_attendees_listed`` reads them)."""
    appointments = _calendar_of(staff, scope, start, end, group_ids).order_by()
    if not with_attendees:
        return appointments.values_list(*DAY_SHEET_APPOINTMENT_COLUMNS)
    return appointments.values_list(
        *DAY_SHEET_APPOINTMENT_COLUMNS,
        "attendees__pk",
        "attendees__patient_id",
        ExpressionWrapper(
            Q(attendees__patient_id__in=access.visible_patient_ids(staff, now)),
            output_field=BooleanField(),
        ),
        record_version_of("attendees__patient_id"),
    )


def _attendees_listed(
    staff: Staff, appointment_ids: list[int], now: datetime
) -> list[tuple[Any, ...]]:
    """The attendees of these appointments, each with whether this user may see the
    patient and that patient's record version."""
    return list(
        Attendee.objects.filter(appointment_id__in=appointment_ids)
        .order_by("appointment_id", "pk")
        .values_list(
            "appointment_id",
            "pk",
            "patient_id",
            ExpressionWrapper(
                Q(patient_id__in=access.visible_patient_ids(staff, now)),
                output_field=BooleanField(),
            ),
            record_version_of("patient_id"),
        )
    )


# Values no row has, that the day sheet's statements are built with
# (iptcare.lib.statements): the user, the day's bounds, the time, the groups.
_DAY_SHEET_STAND_INS = {
    "staff_id": StandIn(-(2**62) + 31, Staff._meta.pk),
    "start": StandIn(
        datetime(1901, 2, 3, 4, 5, 7, tzinfo=UTC),
        Appointment._meta.get_field("ends_at"),
    ),
    "end": StandIn(
        datetime(1901, 2, 3, 4, 5, 8, tzinfo=UTC),
        Appointment._meta.get_field("starts_at"),
    ),
    "now": StandIn(
        datetime(1901, 2, 3, 4, 5, 9, tzinfo=UTC),
        BreakGlassAccess._meta.get_field("expires_at"),
    ),
}


def _group_stand_in(n: int) -> StandIn:
    return StandIn(-(2**62) + 1000 + n, Group._meta.pk)


@lru_cache(maxsize=64)
def _day_sheet_statement(
    alias: str, role: str, scope: str, groups: int
) -> ValuesStatement:
    """The narrow query's SQL, built once per database, role, scope and number of
    groups facilitated: building it through the ORM on every request cost more than
    the rest of a kept sheet."""

    def build(
        staff_id: int,
        start: datetime,
        end: datetime,
        now: datetime = _DAY_SHEET_STAND_INS["now"].value,
        **ids: int,
    ) -> QuerySet[Any]:
        staff = Staff(pk=staff_id, role=role, is_active=True)
        group_ids = [ids[f"group_{n}"] for n in range(groups)]
        return _day_sheet_listed(
            staff, scope, start, end, now, group_ids, with_attendees=scope != Scope.TEAM
        )

    stand_ins = dict(_DAY_SHEET_STAND_INS)
    if scope == Scope.TEAM:
        del stand_ins["now"]  # no attendee in the team's statement: no visibility
    stand_ins.update({f"group_{n}": _group_stand_in(n) for n in range(groups)})
    return ValuesStatement(build, stand_ins, alias)


@cache
def _facilitated_statement(alias: str) -> ValuesStatement:
    def build(staff_id: int) -> QuerySet[Any]:
        return (
            Group.objects.filter(facilitators=staff_id)
            .order_by()
            .values_list("pk", flat=True)
        )

    return ValuesStatement(build, {"staff_id": _DAY_SHEET_STAND_INS["staff_id"]}, alias)


def day_sheet_versions(
    *, staff: Staff, day: date, scope: str
) -> list[tuple[object, ...]]:
    """What proves a kept day sheet unchanged (decisions/0068), in one statement
    after the groups the user facilitates: each appointment of the day with what the
    sheet shows of it; each of its attendees with whether this user may see the
    patient (break-the-glass ends by the clock) and that patient's record version,
    which moves on every write to what the sheet prepares (alerts, risk events,
    notes, questionnaires, the course); and the directory version (names, sites'
    clocks, programs' questionnaires)."""
    start, end = recurrence.day_bounds(day, staff_time_zone(staff))
    alias = router.db_for_read(Appointment)
    now = timezone.now()
    group_ids: list[int] = []
    team = scope == Scope.TEAM and staff.role == Role.SUPERVISOR
    # A user's own calendar reads their groups first (decisions/0064); a supervisor's
    # team calendar finds its groups in its own subqueries (``_calendar_of``).
    if not team:
        group_ids = [
            pk for (pk,) in _facilitated_statement(alias).rows(staff_id=staff.pk)
        ]
    statement = _day_sheet_statement(
        alias, staff.role, Scope.TEAM if team else Scope.MINE, len(group_ids)
    )
    sql, params = statement.bound(
        staff_id=staff.pk,
        start=start,
        end=end,
        now=now,
        **{f"group_{n}": pk for n, pk in enumerate(group_ids)},
    )
    directory, listed = directory_version_and_rows(sql, params)
    if team and listed:
        # The team's calendar is an ``OR`` over the whole table (decisions/0064):
        # joined to the attendees, PostgreSQL's estimate of it crossed the JIT's
        # threshold (40 ms compiling, each request). Its attendees come by its ids.
        listed += _attendees_listed(staff, [row[0] for row in listed], now)
    # In a fixed order (the statement's is not): appointment, then attendee.
    listed.sort(key=repr)
    return [(directory,), *listed]


def _attendee_rows(staff: Staff) -> QuerySet[Attendee]:
    """Attendees of patients this user may see, with what a day sheet shows."""
    last_plan = (
        SessionNote.objects.filter(session__course=OuterRef("course"))
        .exclude(plan="")
        .order_by("-session__held_on", "-id")
        .values("plan")[:1]
    )
    open_risks = (
        RiskEvent.objects.filter(
            patient=OuterRef("patient"), acknowledged_at__isnull=True
        )
        .order_by()
        .values("patient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last_held = (
        CourseSession.objects.filter(course=OuterRef("course"), number__isnull=False)
        .order_by("-held_on", "-id")
        .values("held_on")[:1]
    )
    since = timezone.now() - ENGAGEMENT_RECENT
    recent = EngagementEvent.objects.filter(
        patient=OuterRef("patient"), created_at__gte=since
    )
    missed = recent.order_by("-missed_in_a_row").values("missed_in_a_row")[:1]
    oldest_recent = recent.order_by("created_at").values("created_at")[:1]
    return (
        with_session_number(
            Attendee.objects.filter(patient_id__in=access.visible_patient_ids(staff))
        )
        .annotate(
            open_alerts=_open_alerts(),
            last_plan=Subquery(last_plan),
            last_held_on=Subquery(last_held),
            open_risk_events=Coalesce(
                Subquery(open_risks, output_field=IntegerField()), Value(0)
            ),
            missed_in_a_row=Coalesce(
                Subquery(missed, output_field=IntegerField()), Value(0)
            ),
            # When the clock alone may change the run of misses shown: the oldest
            # recent event leaves the window.
            recent_engagement_since=Subquery(oldest_recent),
        )
        .select_related("patient", "course__program")
        .order_by("patient__family_name", "patient__given_name", "pk")
    )


def _appointments_between(
    staff: Staff,
    scope: str,
    start: datetime,
    end: datetime,
    attendees: QuerySet[Attendee],
) -> list[Appointment]:
    return list(
        _calendar_of(staff, scope, start, end)
        .select_related("clinician", "group")
        .prefetch_related(
            Prefetch("attendees", queryset=attendees, to_attr="visible_attendees"),
        )
        .order_by("starts_at", "pk")
    )


def day_sheet(*, staff: Staff, day: date, scope: str) -> DaySheet:
    """The day's sessions with, for each patient, what to prepare: questionnaires due
    before the session (and whether answered in the week before), open alerts and risk
    events,
    recent runs of missed sessions, and the plan in the last session note. A fixed
    number of queries; one audit row per patient shown."""
    zone = staff_time_zone(staff)
    start, end = recurrence.day_bounds(day, zone)
    appointments = _appointments_between(
        staff,
        scope,
        start,
        end,
        _attendee_rows(staff).prefetch_related("course__program__measures"),
    )
    attendees = [a for appt in appointments for a in appt.visible_attendees]  # type: ignore[attr-defined]
    done = _answered(attendees, since=start - ANSWERED_LOOKBACK)
    rows = []
    for appointment in appointments:
        visible: list[Attendee] = appointment.visible_attendees  # type: ignore[attr-defined]
        rows.append(
            DayRow(
                appointment=appointment,
                attendees=visible,
                preparation={a.pk: _preparation(a, done) for a in visible},
            )
        )
    _audit_listed(staff, [a.patient for a in attendees], f"day {day:%Y-%m-%d}")
    _day_sheet_changes_by_the_clock(appointments, attendees)
    return DaySheet(day=day, time_zone=zone, scope=scope, rows=rows)


def _day_sheet_changes_by_the_clock(
    appointments: list[Appointment], attendees: list[Attendee]
) -> None:
    """A kept day sheet ends when the clock alone changes it: at the start of the next
    session (it "has started": attendance may be recorded), and when a patient's
    oldest recent engagement event leaves the window of recent misses."""
    now = timezone.now()
    for appointment in appointments:
        if appointment.starts_at > now:
            kept_pages.valid_until(appointment.starts_at)
    for attendee in attendees:
        since = attendee.recent_engagement_since  # type: ignore[attr-defined]
        if since is not None:
            kept_pages.valid_until(since + ENGAGEMENT_RECENT)


def _answered(
    attendees: list[Attendee], *, since: datetime
) -> dict[tuple[int, str], date]:
    """The day each patient last answered each questionnaire (local days)."""
    patient_ids = {a.patient_id for a in attendees if a.course_id}
    if not patient_ids:
        return {}
    latest: dict[tuple[int, str], date] = {}
    for patient_id, instrument_id, when in Administration.objects.filter(
        patient_id__in=patient_ids,
        superseded_at__isnull=True,
        administered_at__gte=since,
    ).values_list("patient_id", "instrument_id", "administered_at"):
        day = timezone.localtime(when).date()
        key = (patient_id, instrument_id)
        latest[key] = max(day, latest.get(key, day))
    return latest


def answered_for_session(
    answered_on: date | None, *, last_held_on: date | None, opened_on: date
) -> bool:
    """The portal's rule, said once for both sides: a questionnaire counts as answered
    for the next session when it was answered after the session before (or, before the
    first, from the day before the course opened): ``portal.occasions``."""
    since = last_held_on or shifted(opened_on, -timedelta(days=1))
    return answered_on is not None and answered_on > since


def _preparation(attendee: Attendee, done: dict[tuple[int, str], date]) -> Preparation:
    preparation = Preparation(
        open_alerts=attendee.open_alerts,  # type: ignore[attr-defined]
        open_risk_events=attendee.open_risk_events,  # type: ignore[attr-defined]
        missed_in_a_row=attendee.missed_in_a_row,  # type: ignore[attr-defined]
        last_plan=attendee.last_plan or "",  # type: ignore[attr-defined]
    )
    course = attendee.course
    if course is None or attendee.is_recorded:
        return preparation
    number: int = attendee.session_number  # type: ignore[attr-defined]
    preparation.session_number = number
    for instrument_id in course.program.instruments_before_session(number):
        instrument = REGISTRY.get(instrument_id)
        name = instrument.short_name if instrument else instrument_id
        answered = answered_for_session(
            done.get((attendee.patient_id, instrument_id)),
            last_held_on=attendee.last_held_on,  # type: ignore[attr-defined]
            opened_on=course.opened_on,
        )
        preparation.due.append((name, answered))
    return preparation


# --- The clinician's week -----------------------------------------------------------
@dataclass
class WeekDay:
    day: date
    appointments: list[Appointment]


@dataclass
class Week:
    start: date
    time_zone: str
    scope: str
    days: list[WeekDay]

    @property
    def previous_week(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.start + timedelta(days=7)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def week_calendar(*, staff: Staff, day: date, scope: str) -> Week:
    """The week (Monday to Sunday) around ``day``, on the clinician's clocks."""
    zone = staff_time_zone(staff)
    monday = recurrence.week_start(day)
    start, _ = recurrence.day_bounds(monday, zone)
    _, end = recurrence.day_bounds(monday + timedelta(days=6), zone)
    visible = (
        Attendee.objects.filter(patient_id__in=access.visible_patient_ids(staff))
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name", "pk")
    )
    appointments = _appointments_between(staff, scope, start, end, visible)
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        by_day[recurrence.local(appointment.starts_at, zone).date()].append(appointment)
    days = [
        WeekDay(
            day=monday + timedelta(days=n),
            appointments=by_day[monday + timedelta(days=n)],
        )
        for n in range(7)
    ]
    _audit_listed(
        staff,
        [a.patient for appt in appointments for a in appt.visible_attendees],  # type: ignore[attr-defined]
        f"week {monday:%Y-%m-%d}",
    )
    return Week(start=monday, time_zone=zone, scope=scope, days=days)


def facilitated_groups(staff: Staff) -> list[Group]:
    """Groups this clinician facilitates, or (supervisors) their teams' groups."""
    groups = Group.objects.filter(facilitators=staff.pk)
    if staff.role == Role.SUPERVISOR:
        groups = Group.objects.filter(
            Q(facilitators=staff.pk) | Q(team__in=staff.teams.values("id"))
        )
    return list(groups.select_related("team").distinct().order_by("name")[:20])


def group_for_staff(*, staff: Staff, public_id: uuid.UUID) -> Group:
    """A group this user runs (a facilitator) or supervises; 404 otherwise."""
    groups = Group.objects.filter(facilitators=staff.pk)
    if staff.role == Role.SUPERVISOR:
        groups = Group.objects.filter(
            Q(facilitators=staff.pk) | Q(team__in=staff.teams.values("id"))
        )
    return get_object_or_404(
        groups.select_related("team__site", "program").distinct(), public_id=public_id
    )


def group_appointment_for_staff(*, staff: Staff, public_id: uuid.UUID) -> Appointment:
    """A group session of a group this user runs or supervises; 404 otherwise."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("group", "clinician").filter(
            group__isnull=False
        ),
        public_id=public_id,
    )
    group = appointment.group
    if group is None:  # pragma: no cover - filtered above
        raise Http404("No such session.")
    group_for_staff(staff=staff, public_id=group.public_id)
    return appointment


def audit_group_roll(
    *, staff: Staff, appointment: Appointment, patients: list[Patient]
) -> None:
    """A group's attendance page shows its members: one audit row for each."""
    visible = set(
        access.patients_visible_to(staff)
        .filter(pk__in=[p.pk for p in patients])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({p.pk for p in patients}):
        # A member this user may not see: the page is not for them.
        raise Http404("No such session.")
    _audit_listed(staff, patients, f"group session {appointment.public_id}")


# --- Calendars ----------------------------------------------------------------------
def _event(appointment: Appointment, summary: str, host: str) -> ical.CalendarEvent:
    return ical.CalendarEvent(
        uid=f"{appointment.public_id}@{host}",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=summary,
        location=appointment.place,
        url=appointment.video_link,
        cancelled=appointment.is_cancelled,
        sequence=int(appointment.updated_at.timestamp()) % 2_000_000_000,
        stamp=appointment.updated_at,
    )


def feed_events(*, staff: Staff, host: str) -> list[ical.CalendarEvent]:
    """The clinician's sessions from a month ago to six months ahead, for their private
    feed: "Session A.B." or "Group session (6)" — initials, never names, and none of
    a Part 2 patient. Three queries."""
    now = timezone.now()
    appointments = list(
        Appointment.objects.between(
            now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)
        )
        .for_clinician(staff.pk)
        .scheduled()
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=Attendee.objects.select_related("patient").only(
                    "appointment_id", "patient__given_name", "patient__family_name"
                ),
            )
        )
        .order_by("starts_at", "pk")
    )
    # A Part 2 patient's initials beside a program's session would tell a calendar
    # service who is treated for a substance use disorder (42 CFR Part 2): none.
    part2 = set(
        part2_patients()
        .filter(
            pk__in={
                a.patient_id
                for appointment in appointments
                for a in appointment.attendees.all()
            }
        )
        .values_list("pk", flat=True)
    )
    events = []
    for appointment in appointments:
        attendees = list(appointment.attendees.all())
        if appointment.is_group:
            summary = f"Group session ({len(attendees)})"
        else:
            who = " ".join(
                recurrence.initials(a.patient.given_name, a.patient.family_name)
                for a in attendees
                if a.patient_id not in part2
            )
            summary = f"Session {who}".strip()
        events.append(_event(appointment, summary, host))
    return events


def patient_events(*, patient: Patient, host: str) -> list[ical.CalendarEvent]:
    """The patient's booked sessions (from a month ago), for a downloadable .ics."""
    return [
        _event(
            attendee.appointment,
            "Group session" if attendee.appointment.is_group else "Session",
            host,
        )
        for attendee in Attendee.objects.filter(patient=patient)
        .select_related("appointment")
        .filter(
            appointment__status=AppointmentStatus.SCHEDULED,
            appointment__ends_at__gt=timezone.now() - timedelta(days=FEED_PAST_DAYS),
        )
        .order_by("appointment__starts_at", "pk")
    ]
