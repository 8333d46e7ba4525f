"""Every write of the scheduling app: keyword-only, typed, atomic, audited (field names
and codes only, never values or free text).

- booking: ``appointment_book`` (one session), ``series_book`` (a course's contract:
  its regular series), ``group_series_book`` (a group's meetings); a clash on a
  clinician's (or the patient's) calendar is refused, naming the clash;
- changes: ``appointment_move``, ``appointment_cancel`` (by patient or clinic, with a
  reason);
- attendance: ``attendance_record`` (one patient), ``group_attendance_record`` (each
  member), ``unplanned_session_record`` (a session never booked: booked on the
  spot); ``count_on_course`` is the one place attendance reaches the IPT course;
- calendar feeds: ``feed_create``, ``feed_revoke``, ``feed_for_token``;
- the jobs' work: ``messages_due``, ``reminder_send``, ``invitation_send``.

A refused change raises ``Refused`` with reasons a clinician reads; nothing is changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.choices import CLINICAL_ROLES
from accounts.models import Staff
from audit import services as audit
from audit.choices import Action
from ipt import services as ipt_services
from ipt.choices import Attendance as CourseAttendance
from ipt.choices import Phase
from ipt.models import Course, CourseSession, Group, GroupMember
from iptcare.lib.tokens import token_digest, token_new
from measures.instruments import REGISTRY
from measures.instruments.base import Respondent
from scheduling import messaging, recurrence
from scheduling.choices import (
    UNPLANNED_OUTCOMES,
    AppointmentKind,
    AppointmentStatus,
    AttendanceOutcome,
    ChangeKind,
    Channel,
    EngagementKind,
    Party,
    Purpose,
)
from scheduling.models import (
    Appointment,
    AppointmentChange,
    AppointmentSeries,
    Attendee,
    CalendarFeed,
    EngagementEvent,
    SentMessage,
)

if TYPE_CHECKING:
    from patients.models import Patient


class Refused(Exception):
    """A rule of scheduling refused the change; ``reasons`` say why. Nothing changed."""

    def __init__(self, reasons: str | Iterable[str]) -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__(" ".join(self.reasons))


# --- Helpers ------------------------------------------------------------------------
def site_time_zone(patient: Patient) -> str:
    """Appointments are booked on the clocks of the patient's site."""
    return str(patient.team.site.time_zone)


def _when(appointment: Appointment) -> str:
    start, end = appointment.local_starts_at, appointment.local_ends_at
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}–{end:%H:%M}"


def _fields(*names: str) -> str:
    return "fields: " + ", ".join(sorted(set(names)))


def _lock_staff(staff_ids: Iterable[int]) -> None:
    """Lock the clinicians' rows until the transaction ends: two bookings for the same
    clinician queue, so the second sees the first and is refused if they clash."""
    list(
        Staff.objects.select_for_update()
        .filter(pk__in=sorted(set(staff_ids)))
        .values_list("pk", flat=True)
    )


def _facilitator_ids(group: Group) -> list[int]:
    return list(group.facilitators.values_list("pk", flat=True))


def _clinician_clashes(
    staff_ids: Sequence[int], slots: Sequence[recurrence.Slot], exclude: int | None
) -> list[str]:
    if not slots:
        return []
    start = min(slot.starts_at for slot in slots)
    end = max(slot.ends_at for slot in slots)
    booked = (
        Appointment.objects.scheduled()
        .between(start, end)
        .filter(
            Q(clinician_id__in=staff_ids)
            | Q(group__in=Group.objects.filter(facilitators__in=staff_ids))
        )
        .exclude(pk=exclude or 0)
        .select_related("clinician")
        .distinct()
    )
    found = recurrence.clashes(slots, [(a.slot, a) for a in booked])
    return [
        f"{appointment.clinician.display_name} already has "
        f"{'a group session' if appointment.is_group else 'a session'} on "
        f"{_when(appointment)}."
        for _, appointment in found
    ]


def _patient_clashes(
    patients: Sequence[Patient], slots: Sequence[recurrence.Slot], exclude: int | None
) -> dict[int, list[str]]:
    """Each patient's bookings that overlap the slots, in one query whatever the number
    of patients (a group's members): the reasons, by patient id."""
    if not slots or not patients:
        return {}
    start = min(slot.starts_at for slot in slots)
    end = max(slot.ends_at for slot in slots)
    booked: dict[int, list[Appointment]] = defaultdict(list)
    for attendee in Attendee.objects.filter(
        patient__in=patients,
        appointment__in=Appointment.objects.scheduled()
        .between(start, end)
        .exclude(pk=exclude or 0),
    ).select_related("appointment__clinician"):
        booked[attendee.patient_id].append(attendee.appointment)
    return {
        patient_id: [
            f"The patient already has a session on {_when(appointment)} "
            f"with {appointment.clinician.display_name}."
            for _, appointment in recurrence.clashes(
                slots, [(a.slot, a) for a in appointments]
            )
        ]
        for patient_id, appointments in booked.items()
    }


def _refuse_clashes(
    *,
    staff_ids: Sequence[int],
    slots: Sequence[recurrence.Slot],
    patient: Patient | None = None,
    exclude: int | None = None,
    members: Sequence[Patient] = (),
) -> None:
    """Refuse slots that clash with the clinicians' bookings, the patient's, or (a
    group's ``members``) each member's, named by their record number."""
    _lock_staff(staff_ids)
    reasons = _clinician_clashes(staff_ids, slots, exclude)
    if patient is not None:
        reasons += _patient_clashes([patient], slots, exclude).get(patient.pk, [])
    found = _patient_clashes(members, slots, exclude)
    for member in members:
        reasons += [f"{member.record_number}: {r}" for r in found.get(member.pk, [])]
    if reasons:
        if len(reasons) > 5:
            reasons = [*reasons[:5], f"… and {len(reasons) - 5} more clashes."]
        raise Refused(["That time clashes.", *reasons])


def _require_future(slots: Sequence[recurrence.Slot]) -> None:
    if slots and slots[0].starts_at <= timezone.now():
        raise Refused("That time has already passed.")


def _require_begun(slots: Sequence[recurrence.Slot]) -> None:
    if slots and slots[0].starts_at > timezone.now():
        raise Refused(
            "A session is recorded once it has begun: book a session to come instead."
        )


def _require_clinician_for(clinician: Staff, patient: Patient) -> None:
    if not clinician.is_active or clinician.role not in CLINICAL_ROLES:
        raise Refused("Sessions are held by an active clinician or supervisor.")
    if not patient.care_team.filter(staff=clinician).exists():
        raise Refused(
            f"{clinician.display_name} is not on the patient's care team: add them first."
        )


def _members_attend(
    appointments: Iterable[Appointment], members: list[GroupMember]
) -> None:
    """Book each group member whose course is open into each of the meetings."""
    Attendee.objects.bulk_create(
        Attendee(
            appointment=appointment,
            patient_id=member.course.patient_id,
            course=member.course,
        )
        for appointment in appointments
        for member in members
    )


def _full_clean(instance: Appointment | AppointmentSeries) -> None:
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise Refused(error.messages) from error


def _slots(
    *,
    first: date,
    at: time,
    duration_minutes: int,
    time_zone: str,
    count: int,
    frequency: str,
    second_weekday: int | None,
) -> list[recurrence.Slot]:
    if not 10 <= duration_minutes <= 240:
        raise Refused("A session lasts 10 to 240 minutes.")
    try:
        return recurrence.series_slots(
            first=first,
            at=at,
            duration=timedelta(minutes=duration_minutes),
            time_zone=time_zone,
            count=count,
            frequency=frequency,
            second_weekday=second_weekday,
        )
    except recurrence.InvalidSeries as error:
        raise Refused(str(error)) from error


def _one_slot(
    day: date, at: time, *, duration_minutes: int, time_zone: str
) -> list[recurrence.Slot]:
    """One session's slot on the given clocks, checked as a series' slots are."""
    return _slots(
        first=day,
        at=at,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        count=1,
        frequency=recurrence.Frequency.WEEKLY,
        second_weekday=None,
    )


def _open_course(course: Course | None, patient: Patient) -> Course | None:
    if course is None:
        return None
    if course.patient_id != patient.pk:
        raise Refused("That course is not this patient's.")
    if course.phase == Phase.ENDED:
        raise Refused("The course has ended: book no more sessions on it.")
    return course


# --- Booking ------------------------------------------------------------------------
@transaction.atomic
def appointment_book(
    *,
    by: Staff,
    patient: Patient,
    clinician: Staff,
    day: date,
    at: time,
    duration_minutes: int,
    place: str = "",
    video_link: str = "",
    course: Course | None = None,
) -> Appointment:
    """Book one individual session for the patient with a clinician of their care
    team, on the clocks of the patient's site."""
    course = _open_course(course, patient)
    _require_clinician_for(clinician, patient)
    zone = site_time_zone(patient)
    slots = _one_slot(day, at, duration_minutes=duration_minutes, time_zone=zone)
    _require_future(slots)
    _refuse_clashes(staff_ids=[clinician.pk], slots=slots, patient=patient)
    appointment = Appointment(
        kind=AppointmentKind.INDIVIDUAL,
        clinician=clinician,
        starts_at=slots[0].starts_at,
        ends_at=slots[0].ends_at,
        time_zone=zone,
        place=place.strip(),
        video_link=video_link.strip(),
        booked_by=by,
    )
    _full_clean(appointment)
    appointment.save()
    Attendee.objects.create(appointment=appointment, patient=patient, course=course)
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="appointment",
        patient=patient,
        object_id=str(appointment.public_id),
        detail=_fields("starts_at", "duration", "place", "video_link", "clinician"),
    )
    return appointment


def sessions_left_to_book(course: Course) -> int:
    """The plan's sessions not yet held nor already booked ahead."""
    booked = Attendee.objects.filter(
        course=course,
        attendance="",
        appointment__status=AppointmentStatus.SCHEDULED,
        appointment__starts_at__gt=timezone.now(),
    ).count()
    return max(0, course.sessions_planned - course.sessions_attended - booked)


@dataclass(frozen=True)
class ContractDefaults:
    """What booking a course's contract starts from."""

    first_date: date
    sessions: int
    frequency: str


def contract_defaults(course: Course) -> ContractDefaults:
    """The contract's start, frequency and the sessions left (the program's defaults
    before a contract is written); a start in the past moves to a week from today."""
    contract = getattr(course, "contract", None)
    today = timezone.localdate()
    first = contract.starts_on if contract else today + timedelta(days=7)
    if first <= today:
        first = today + timedelta(days=7)
    frequency = contract.frequency if contract else course.program.frequency
    return ContractDefaults(
        first_date=first,
        sessions=sessions_left_to_book(course),
        frequency=str(frequency),
    )


@transaction.atomic
def series_book(
    *,
    by: Staff,
    course: Course,
    first_date: date,
    at: time,
    duration_minutes: int,
    sessions: int,
    frequency: str,
    second_weekday: int | None = None,
    place: str = "",
    video_link: str = "",
) -> AppointmentSeries:
    """Book a course's contract: its regular series with the course's clinician, in the
    site's time zone. Refused whole if any session clashes or the plan has fewer
    sessions left than asked."""
    course = Course.objects.select_related("patient__team__site", "clinician").get(
        pk=course.pk
    )
    patient = course.patient
    _open_course(course, patient)
    clinician = course.clinician
    _require_clinician_for(clinician, patient)
    left = sessions_left_to_book(course)
    if sessions > left:
        raise Refused(
            f"The course has {left} session{'s' if left != 1 else ''} left to book "
            f"({course.sessions_planned} planned, {course.sessions_attended} held, the "
            "rest already booked)."
        )
    series, appointments = _series_save(
        by=by,
        kind=AppointmentKind.INDIVIDUAL,
        clinician=clinician,
        course=course,
        patient=patient,
        staff_ids=[clinician.pk],
        time_zone=site_time_zone(patient),
        first_date=first_date,
        at=at,
        duration_minutes=duration_minutes,
        sessions=sessions,
        frequency=frequency,
        second_weekday=second_weekday,
        place=place,
        video_link=video_link,
    )
    Attendee.objects.bulk_create(
        Attendee(appointment=appointment, patient=patient, course=course)
        for appointment in appointments
    )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="appointment_series",
        patient=patient,
        object_id=str(series.public_id),
        detail=f"sessions={sessions}; frequency={frequency}; "
        + _fields("first_date", "local_time", "duration", "place", "video_link"),
    )
    return series


def _series_save(
    *,
    by: Staff,
    kind: AppointmentKind,
    clinician: Staff,
    staff_ids: Sequence[int],
    time_zone: str,
    first_date: date,
    at: time,
    duration_minutes: int,
    sessions: int,
    frequency: str,
    second_weekday: int | None,
    place: str,
    video_link: str,
    course: Course | None = None,
    group: Group | None = None,
    patient: Patient | None = None,
) -> tuple[AppointmentSeries, list[Appointment]]:
    """What booking a contract and booking a group's meetings share, once: expand the
    terms into sessions, refuse a time past or a clash (on ``staff_ids``' calendars,
    and the patient's when one is given), then save the series and its appointments.
    The caller has checked who may book and adds the attendees and the audit rows,
    which are what differ between an individual and a group series."""
    slots = _slots(
        first=first_date,
        at=at,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        count=sessions,
        frequency=frequency,
        second_weekday=second_weekday,
    )
    _require_future(slots)
    _refuse_clashes(staff_ids=staff_ids, slots=slots, patient=patient)
    series = AppointmentSeries(
        kind=kind,
        course=course,
        group=group,
        clinician=clinician,
        frequency=frequency,
        first_date=first_date,
        local_time=at,
        second_weekday=second_weekday,
        duration_minutes=duration_minutes,
        sessions=sessions,
        time_zone=time_zone,
        place=place.strip(),
        video_link=video_link.strip(),
        booked_by=by,
    )
    _full_clean(series)
    series.save()
    return series, _bulk_appointments(series, slots)


def _bulk_appointments(
    series: AppointmentSeries, slots: Sequence[recurrence.Slot]
) -> list[Appointment]:
    """One appointment per slot, inserted at once, carrying the series' terms."""
    appointments = [
        Appointment(
            kind=series.kind,
            clinician=series.clinician,
            group=series.group,
            series=series,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            time_zone=series.time_zone,
            place=series.place,
            video_link=series.video_link,
            booked_by=series.booked_by,
        )
        for slot in slots
    ]
    Appointment.objects.bulk_create(appointments)
    if any(appointment.pk is None for appointment in appointments):  # pragma: no cover
        # Databases that do not return keys from a bulk insert: read them back.
        appointments = list(series.appointments.order_by("starts_at"))
    return appointments


@transaction.atomic
def group_series_book(
    *,
    by: Staff,
    group: Group,
    clinician: Staff,
    first_date: date,
    at: time,
    duration_minutes: int,
    sessions: int,
    frequency: str,
    second_weekday: int | None = None,
    place: str = "",
    video_link: str = "",
) -> AppointmentSeries:
    """Book a group's meetings: one appointment per meeting with every member whose
    course is open, on the clocks of the group's site. Every facilitator's calendar
    must be free."""
    group = Group.objects.select_related("team__site").get(pk=group.pk)
    facilitators = _facilitator_ids(group)
    if clinician.pk not in facilitators:
        raise Refused("The clinician leading the sessions facilitates the group.")
    series, appointments = _series_save(
        by=by,
        kind=AppointmentKind.GROUP,
        clinician=clinician,
        group=group,
        staff_ids=facilitators,
        time_zone=str(group.team.site.time_zone),
        first_date=first_date,
        at=at,
        duration_minutes=duration_minutes,
        sessions=sessions,
        frequency=frequency,
        second_weekday=second_weekday,
        place=place,
        video_link=video_link,
    )
    members = list(
        group.members.exclude(course__phase=Phase.ENDED).select_related("course")
    )
    _members_attend(appointments, members)
    audit.record_many(
        actor=by,
        entries=[
            audit.Entry(
                Action.CREATE,
                "appointment_series",
                member.course.patient,
                str(series.public_id),
                f"group; sessions={sessions}; frequency={frequency}",
            )
            for member in members
        ]
        or [
            audit.Entry(
                Action.CREATE,
                "appointment_series",
                None,
                str(series.public_id),
                f"group; sessions={sessions}; members=0",
            )
        ],
    )
    return series


# --- Moving and cancelling ----------------------------------------------------------
def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 3:
        raise Refused("Give the reason.")
    return reason


def _locked_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinician", "group")
        .get(pk=appointment.pk)
    )


def _attendee_patients(appointment: Appointment) -> list[Patient]:
    return [
        attendee.patient
        for attendee in appointment.attendees.select_related("patient__team__site")
    ]


def _audit_each_patient(
    *, by: Staff, appointment: Appointment, patients: list[Patient], detail: str
) -> None:
    audit.record_many(
        actor=by,
        entries=[
            audit.Entry(
                Action.UPDATE,
                "appointment",
                patient,
                str(appointment.public_id),
                detail,
            )
            for patient in patients
        ],
    )


@transaction.atomic
def appointment_move(
    *,
    by: Staff,
    appointment: Appointment,
    day: date,
    at: time,
    requested_by: Party,
    reason: str,
) -> Appointment:
    """Move one appointment to another day or time (its length kept), at the
    patient's or the clinic's request, with the reason."""
    appointment = _locked_appointment(appointment)
    reason = _reason(reason)
    if appointment.is_cancelled:
        raise Refused("The appointment is cancelled: book a new one instead.")
    if appointment.attendees.exclude(attendance="").exists():
        raise Refused("Attendance is recorded: the appointment can no longer move.")
    if appointment.is_group and requested_by == Party.PATIENT:
        raise Refused("A group session moves at the clinic's request only.")
    slots = _one_slot(
        day,
        at,
        duration_minutes=appointment.duration_minutes,
        time_zone=appointment.time_zone,
    )
    _require_future(slots)
    patients = _attendee_patients(appointment)
    staff_ids = (
        _facilitator_ids(appointment.group)
        if appointment.group
        else [appointment.clinician_id]
    )
    _refuse_clashes(
        staff_ids=staff_ids,
        slots=slots,
        patient=None if appointment.is_group else patients[0],
        exclude=appointment.pk,
    )
    AppointmentChange.objects.create(
        appointment=appointment,
        kind=ChangeKind.MOVED,
        requested_by=requested_by,
        reason=reason,
        previous_starts_at=appointment.starts_at,
        new_starts_at=slots[0].starts_at,
        recorded_by=by,
    )
    appointment.starts_at, appointment.ends_at = slots[0].starts_at, slots[0].ends_at
    appointment.save(update_fields=["starts_at", "ends_at", "updated_at"])
    _audit_each_patient(
        by=by,
        appointment=appointment,
        patients=patients,
        detail=f"moved; requested_by={requested_by}; " + _fields("starts_at", "reason"),
    )
    return appointment


@transaction.atomic
def appointment_cancel(
    *, by: Staff, appointment: Appointment, requested_by: Party, reason: str
) -> Appointment:
    """Cancel one appointment ahead of time, at the patient's or the clinic's request,
    with the reason. (A cancellation at the last minute is recorded as attendance:
    late cancellation.)"""
    appointment = _locked_appointment(appointment)
    reason = _reason(reason)
    if appointment.is_cancelled:
        raise Refused("The appointment is already cancelled.")
    if appointment.attendees.exclude(attendance="").exists():
        raise Refused("Attendance is recorded: the appointment can no longer change.")
    if appointment.is_group and requested_by == Party.PATIENT:
        raise Refused(
            "A group session is cancelled by the clinic; a member who cannot come is "
            "recorded at the session."
        )
    AppointmentChange.objects.create(
        appointment=appointment,
        kind=ChangeKind.CANCELLED,
        requested_by=requested_by,
        reason=reason,
        previous_starts_at=appointment.starts_at,
        recorded_by=by,
    )
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    _audit_each_patient(
        by=by,
        appointment=appointment,
        patients=_attendee_patients(appointment),
        detail=f"cancelled; requested_by={requested_by}; "
        + _fields("status", "reason"),
    )
    return appointment


# --- Ending a course ends its calendar ---------------------------------------------
COURSE_ENDED_REASON = "The course ended."


def future_appointments_of(course: Course) -> list[Attendee]:
    """The course's appointments still to come (booked, nothing recorded), earliest
    first: what ending the course asks about."""
    return list(
        Attendee.objects.filter(
            course=course,
            attendance="",
            appointment__status=AppointmentStatus.SCHEDULED,
            appointment__starts_at__gt=timezone.now(),
        )
        .select_related("appointment", "appointment__group")
        .order_by("appointment__starts_at", "pk")
    )


@dataclass(frozen=True)
class CalendarEnded:
    cancelled: int
    kept: int


@transaction.atomic
def course_calendar_end(
    *, by: Staff, course: Course, keep: Iterable[object] = ()
) -> CalendarEnded:
    """Called by ``ipt.services.course_end`` in its transaction: cancel the ended
    course's future appointments, at the clinic's request, except those the clinician
    chose to keep (``keep``: appointments' public ids, e.g. a review). A group session
    goes on for the others: the patient is taken off it instead. Reminders and
    invitations stop with the booking (they are sent only for booked appointments of
    open courses); calendar feeds are built from the bookings, so they follow."""
    kept_ids = {str(value) for value in keep}
    cancelled = kept = 0
    for attendee in future_appointments_of(course):
        appointment = attendee.appointment
        if str(appointment.public_id) in kept_ids:
            kept += 1
            continue
        if appointment.is_group:
            attendee.delete()
            audit.record(
                actor=by,
                action=Action.DELETE,
                category="appointment",
                patient=course.patient,
                object_id=str(appointment.public_id),
                detail="left the group session: the course ended",
            )
        else:
            appointment_cancel(
                by=by,
                appointment=appointment,
                requested_by=Party.CLINIC,
                reason=COURSE_ENDED_REASON,
            )
        cancelled += 1
    return CalendarEnded(cancelled=cancelled, kept=kept)


# --- Attendance ---------------------------------------------------------------------
# How each outcome is counted on the IPT course (``ipt.choices.Attendance``).
COURSE_ATTENDANCE = {
    AttendanceOutcome.ATTENDED: CourseAttendance.ATTENDED,
    AttendanceOutcome.LATE_CANCELLATION: CourseAttendance.CANCELLED,
    AttendanceOutcome.DID_NOT_ATTEND: CourseAttendance.MISSED,
}


def count_on_course(
    *, attendee: Attendee, by: Staff, held_on: date
) -> CourseSession | None:
    """THE link from attendance to the IPT course: record the session on the course
    through ``ipt.services.session_record``, which numbers an attended session, counts
    it against the contract and moves the phase (initial → middle is the clinician's
    step; into termination happens by itself). Missed and late-cancelled sessions are
    recorded unnumbered. An individual appointment without a course counts nowhere."""
    if attendee.course is None:
        return None
    try:
        return ipt_services.session_record(
            course=attendee.course,
            by=by,
            held_on=held_on,
            attendance=COURSE_ATTENDANCE[AttendanceOutcome(attendee.attendance)],
        )
    except ipt_services.Refused as refusal:
        raise Refused(refusal.reasons) from refusal


def _require_attendance_due(appointment: Appointment) -> None:
    if appointment.is_cancelled:
        raise Refused("The appointment was cancelled.")
    if not appointment.has_started:
        raise Refused("Attendance is recorded once the session has begun.")


def _mark(attendee: Attendee, outcome: AttendanceOutcome, by: Staff) -> None:
    attendee.attendance = outcome
    attendee.attendance_recorded_at = timezone.now()
    attendee.attendance_recorded_by = by


def _missed_run(attendee: Attendee) -> int:
    """How many did-not-attends in a row end with this one (0 if it is not one): the
    earlier recorded sessions of the same course (or, without a course, of the patient's
    appointments without one), newest first, until one was not missed."""
    if attendee.attendance != AttendanceOutcome.DID_NOT_ATTEND:
        return 0
    earlier = Attendee.objects.filter(
        appointment__status=AppointmentStatus.SCHEDULED,
        appointment__starts_at__lt=attendee.appointment.starts_at,
    ).exclude(attendance="")
    if attendee.course_id:
        earlier = earlier.filter(course_id=attendee.course_id)
    else:
        earlier = earlier.filter(patient_id=attendee.patient_id, course__isnull=True)
    run = 1
    for outcome in earlier.order_by("-appointment__starts_at").values_list(
        "attendance", flat=True
    )[:50]:
        if outcome != AttendanceOutcome.DID_NOT_ATTEND:
            break
        run += 1
    return run


def _engagement_check(attendee: Attendee) -> EngagementEvent | None:
    """Two did-not-attends in a row (or more) raise an engagement event."""
    run = _missed_run(attendee)
    if run < 2:
        return None
    return EngagementEvent.objects.create(
        kind=EngagementKind.MISSED_IN_A_ROW,
        patient_id=attendee.patient_id,
        course_id=attendee.course_id,
        appointment=attendee.appointment,
        missed_in_a_row=run,
    )


@transaction.atomic
def attendance_record(
    *, by: Staff, attendee: Attendee, outcome: AttendanceOutcome
) -> Attendee:
    """Record what happened at an individual session. Counted on the course at once
    (``count_on_course``); recorded once: a correction is made on the course."""
    attendee = (
        Attendee.objects.select_for_update(of=("self",))
        .select_related("appointment", "course", "patient")
        .get(pk=attendee.pk)
    )
    appointment = attendee.appointment
    if appointment.is_group:
        raise Refused("Record a group session's attendance for every member at once.")
    _require_attendance_due(appointment)
    if attendee.is_recorded:
        raise Refused("Attendance is already recorded for this session.")
    outcome = AttendanceOutcome(outcome)
    _mark(attendee, outcome, by)
    attendee.course_session = count_on_course(
        attendee=attendee, by=by, held_on=appointment.local_starts_at.date()
    )
    attendee.save()
    event = _engagement_check(attendee)
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="attendance",
        patient=attendee.patient,
        object_id=str(appointment.public_id),
        detail=f"attendance={outcome}; engagement_event={'yes' if event else 'no'}",
    )
    return attendee


@transaction.atomic
def unplanned_session_record(
    *,
    by: Staff,
    course: Course,
    day: date,
    at: time,
    duration_minutes: int,
    outcome: AttendanceOutcome,
) -> Attendee:
    """Record a session that was never booked (a crisis call, a walk-in): book its
    appointment now, with the course's clinician on the clocks of the patient's site,
    and record its attendance, in one transaction. So every session of a course belongs
    to an appointment, whichever way it was recorded (docs/decisions/0043)."""
    course = Course.objects.select_related("patient__team__site", "clinician").get(
        pk=course.pk
    )
    patient = course.patient
    _open_course(course, patient)
    if outcome not in UNPLANNED_OUTCOMES:
        raise Refused("An unplanned session was attended or not attended.")
    clinician = course.clinician
    _require_clinician_for(clinician, patient)
    zone = site_time_zone(patient)
    slots = _one_slot(day, at, duration_minutes=duration_minutes, time_zone=zone)
    _require_begun(slots)
    # A booked session at that time is the one to record: the clash names it.
    _refuse_clashes(staff_ids=[clinician.pk], slots=slots, patient=patient)
    appointment = Appointment(
        kind=AppointmentKind.INDIVIDUAL,
        clinician=clinician,
        starts_at=slots[0].starts_at,
        ends_at=slots[0].ends_at,
        time_zone=zone,
        booked_by=by,
    )
    _full_clean(appointment)
    appointment.save()
    attendee = Attendee.objects.create(
        appointment=appointment, patient=patient, course=course
    )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category="appointment",
        patient=patient,
        object_id=str(appointment.public_id),
        detail="unplanned; " + _fields("starts_at", "duration", "clinician"),
    )
    return attendance_record(by=by, attendee=attendee, outcome=outcome)


def group_roll(appointment: Appointment) -> list[Attendee]:
    """The members to record at a group session: every member of the group whose course
    is open, with their attendee row (made now, unsaved, for members who joined after
    the session was booked)."""
    group = appointment.group
    if group is None:
        raise Refused("This is not a group session.")
    existing = {
        attendee.course_id: attendee
        for attendee in appointment.attendees.select_related("patient", "course")
    }
    roll = []
    for member in group.members.exclude(course__phase=Phase.ENDED).select_related(
        "course__patient"
    ):
        attendee = existing.get(member.course_id) or Attendee(
            appointment=appointment,
            patient=member.course.patient,
            course=member.course,
        )
        roll.append(attendee)
    return sorted(roll, key=lambda a: (a.patient.family_name, a.patient.given_name))


@transaction.atomic
def group_attendance_record(
    *,
    by: Staff,
    appointment: Appointment,
    outcomes: Mapping[str, AttendanceOutcome],
    theme: str = "",
) -> list[Attendee]:
    """Record a group session: each member's outcome (``outcomes`` maps each member's
    course ``public_id`` to it). The meeting is recorded on the group and one session
    on each member's course (``ipt.services.group_session_record``)."""
    appointment = _locked_appointment(appointment)
    if not appointment.is_group or appointment.group is None:
        raise Refused("This is not a group session.")
    _require_attendance_due(appointment)
    if appointment.attendees.exclude(attendance="").exists():
        raise Refused("Attendance is already recorded for this session.")
    roll = group_roll(appointment)
    missing = [a for a in roll if str(a.course.public_id) not in outcomes]  # type: ignore[union-attr]
    if missing or not roll:
        raise Refused("Record the attendance of every member.")
    by_member = {
        member.course_id: member.pk for member in appointment.group.members.all()
    }
    for attendee in roll:
        _mark(attendee, AttendanceOutcome(outcomes[str(attendee.course.public_id)]), by)  # type: ignore[union-attr]
    try:
        meeting = ipt_services.group_session_record(
            group=appointment.group,
            by=by,
            held_on=appointment.local_starts_at.date(),
            theme=theme,
            attendance={
                by_member[int(a.course_id)]: COURSE_ATTENDANCE[  # type: ignore[arg-type]
                    AttendanceOutcome(a.attendance)
                ]
                for a in roll
            },
        )
    except ipt_services.Refused as refusal:
        raise Refused(refusal.reasons) from refusal
    sessions = {s.course_id: s for s in meeting.course_sessions.all()}
    for attendee in roll:
        attendee.course_session = sessions.get(int(attendee.course_id))  # type: ignore[arg-type]
        attendee.save()
    events = [_engagement_check(attendee) for attendee in roll]
    audit.record_many(
        actor=by,
        entries=[
            audit.Entry(
                Action.CREATE,
                "attendance",
                attendee.patient,
                str(appointment.public_id),
                f"group; attendance={attendee.attendance}; "
                f"engagement_event={'yes' if event else 'no'}",
            )
            for attendee, event in zip(roll, events, strict=True)
        ],
    )
    return roll


@transaction.atomic
def unplanned_group_session_record(
    *,
    by: Staff,
    group: Group,
    day: date,
    at: time,
    duration_minutes: int,
    outcomes: Mapping[str, AttendanceOutcome],
    theme: str = "",
) -> Appointment:
    """Record a group meeting that was never booked, from the group's page: book its
    group appointment now (on the clocks of the group's site, led by the recording
    facilitator, or the group's first when a supervisor records it) with every member
    whose course is open, and record each member's attendance through
    ``group_attendance_record``, in one transaction. So group work belongs to
    appointments as individual sessions do (docs/decisions/0043): the calendar feed,
    the DNA rate and the course's ending see it."""
    group = Group.objects.select_related("team__site").get(pk=group.pk)
    facilitators = sorted(_facilitator_ids(group))
    if not facilitators:  # pragma: no cover - a group is created with one
        raise Refused("The group has no facilitator.")
    clinician = Staff.objects.get(
        pk=by.pk if by.pk in facilitators else facilitators[0]
    )
    if not clinician.is_active or clinician.role not in CLINICAL_ROLES:
        raise Refused("Sessions are held by an active clinician or supervisor.")
    if any(outcome not in UNPLANNED_OUTCOMES for outcome in outcomes.values()):
        raise Refused("An unplanned session was attended or not attended.")
    members = list(
        group.members.exclude(course__phase=Phase.ENDED).select_related(
            "course__patient"
        )
    )
    if not members:
        raise Refused("The group has no member with an open course.")
    slots = _one_slot(
        day,
        at,
        duration_minutes=duration_minutes,
        time_zone=str(group.team.site.time_zone),
    )
    _require_begun(slots)
    # A booked group session at that time is the one to record: the clash names it.
    _refuse_clashes(
        staff_ids=facilitators,
        slots=slots,
        members=[member.course.patient for member in members],
    )
    appointment = Appointment(
        kind=AppointmentKind.GROUP,
        clinician=clinician,
        group=group,
        starts_at=slots[0].starts_at,
        ends_at=slots[0].ends_at,
        time_zone=str(group.team.site.time_zone),
        booked_by=by,
    )
    _full_clean(appointment)
    appointment.save()
    _members_attend([appointment], members)
    audit.record_many(
        actor=by,
        entries=[
            audit.Entry(
                Action.CREATE,
                "appointment",
                member.course.patient,
                str(appointment.public_id),
                "unplanned; group; " + _fields("starts_at", "duration", "clinician"),
            )
            for member in members
        ],
    )
    group_attendance_record(
        by=by, appointment=appointment, outcomes=outcomes, theme=theme
    )
    return appointment


# --- Calendar feeds -----------------------------------------------------------------
@transaction.atomic
def feed_create(*, staff: Staff) -> str:
    """A new private feed for the clinician; any older one stops working. Returns the
    token, shown once: only its digest is kept."""
    feed_revoke(staff=staff, record=False)
    token = token_new()
    CalendarFeed.objects.create(staff=staff, token_hash=token_digest(token))
    audit.record(
        actor=staff, action=Action.CREATE, category="calendar_feed", detail="token made"
    )
    return token


@transaction.atomic
def feed_revoke(*, staff: Staff, record: bool = True) -> int:
    """Stop the clinician's feed: its address answers 404 from now on."""
    revoked = CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if record and revoked:
        audit.record(
            actor=staff,
            action=Action.DELETE,
            category="calendar_feed",
            detail="token revoked",
        )
    return revoked


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed this token opens, of an active clinician; None otherwise."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("staff")
        .filter(token_hash=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.staff.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed


# --- Reminders and questionnaire invitations (run by scheduling.tasks) ---------------
def channels_for(patient: Patient) -> list[Channel]:
    """E-mail when there is an address; a text only when the patient agreed to texts
    and there is a number."""
    channels = []
    if patient.email:
        channels.append(Channel.EMAIL)
    if patient.may_text and patient.phone:
        channels.append(Channel.SMS)
    return channels


def _pending_attendees() -> QuerySet[Attendee]:
    return Attendee.objects.filter(
        attendance="", appointment__status=AppointmentStatus.SCHEDULED
    )


def with_session_number(attendees: QuerySet[Attendee]) -> QuerySet[Attendee]:
    """Annotate ``session_number``: the number this appointment would have on the
    course if every booked session before it is held (for the measure schedule)."""
    earlier = (
        _pending_attendees()
        .filter(
            course=OuterRef("course"),
            appointment__starts_at__lt=OuterRef("appointment__starts_at"),
        )
        .order_by()
        .values("course")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return attendees.annotate(
        session_number=F("course__sessions_attended")
        + Coalesce(Subquery(earlier), Value(0))
        + 1
    )


def self_report_due(course: Course, session_number: int) -> list[str]:
    """The self-report instruments the program asks for before that session (those a
    clinician rates are for the clinician's preparation, not an invitation)."""
    return [
        instrument_id
        for instrument_id in course.program.instruments_before_session(session_number)
        if instrument_id in REGISTRY
        and REGISTRY[instrument_id].respondent == Respondent.SELF_REPORT
    ]


def _reminder_key(attendee: Attendee, channel: str) -> str:
    starts = attendee.appointment.starts_at.astimezone(UTC)
    return f"reminder:{attendee.public_id}:{starts:%Y%m%dT%H%M%SZ}:{channel}"


def _invitation_key(course: Course, session_number: int, channel: str) -> str:
    return f"invitation:{course.public_id}:{session_number}:{channel}"


@dataclass(frozen=True)
class Due:
    purpose: Purpose
    attendee_id: int
    channel: Channel


def messages_due(*, now: datetime | None = None) -> list[Due]:
    """What the dispatcher enqueues: reminders for sessions starting within the
    reminder lead time, and questionnaire invitations within the invitation lead time,
    not yet sent. A fixed number of queries."""
    now = now or timezone.now()
    horizon = now + timedelta(
        hours=max(
            settings.SCHEDULING_REMINDER_HOURS, settings.SCHEDULING_INVITATION_HOURS
        )
    )
    candidates = list(
        with_session_number(
            _pending_attendees().filter(
                appointment__starts_at__gt=now, appointment__starts_at__lte=horizon
            )
        )
        .select_related("appointment", "patient", "course__program")
        .prefetch_related("course__program__measures")
        .order_by("appointment__starts_at", "pk")
    )
    remind_until = now + timedelta(hours=settings.SCHEDULING_REMINDER_HOURS)
    invite_until = now + timedelta(hours=settings.SCHEDULING_INVITATION_HOURS)
    wanted: list[tuple[str, Due]] = []
    for attendee in candidates:
        starts_at = attendee.appointment.starts_at
        for channel in channels_for(attendee.patient):
            if starts_at <= remind_until:
                wanted.append(
                    (
                        _reminder_key(attendee, channel),
                        Due(Purpose.REMINDER, attendee.pk, channel),
                    )
                )
            course = attendee.course
            if (
                starts_at <= invite_until
                and course is not None
                and course.phase != Phase.ENDED
                and self_report_due(course, attendee.session_number)  # type: ignore[attr-defined]
            ):
                key = _invitation_key(course, attendee.session_number, channel)  # type: ignore[attr-defined]
                wanted.append((key, Due(Purpose.INVITATION, attendee.pk, channel)))
    sent = set(
        SentMessage.objects.filter(key__in=[key for key, _ in wanted]).values_list(
            "key", flat=True
        )
    )
    return [due for key, due in wanted if key not in sent]


def _deliver(channel: str, patient: Patient, message: messaging.Message) -> None:
    if channel == Channel.EMAIL:
        messaging.send_email(
            to=patient.email, subject=message.subject, body=message.body
        )
    else:
        messaging.send_sms(to=patient.phone, body=message.sms)


def _claim(message: SentMessage) -> bool:
    """Insert the row that says the message is sent; False if one is already there
    (another run sent it, or is sending it and holds the row until it commits)."""
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return False
    return True


def _sendable(attendee: Attendee | None, channel: str, now: datetime) -> bool:
    return (
        attendee is not None
        and attendee.appointment.status == AppointmentStatus.SCHEDULED
        and not attendee.attendance
        and attendee.appointment.starts_at > now
        and channel in channels_for(attendee.patient)
    )


def _audit_sent(attendee: Attendee, purpose: Purpose, channel: str) -> None:
    audit.record(
        actor=None,
        action=Action.EXPORT,
        category="message",
        patient=attendee.patient,
        object_id=str(attendee.appointment.public_id),
        detail=f"purpose={purpose}; channel={channel}",
    )


@transaction.atomic
def reminder_send(
    *, attendee_id: int, channel: str, now: datetime | None = None
) -> bool:
    """Send one appointment reminder, once. The ``SentMessage`` row is inserted before
    sending, in this transaction: a second run finds it and sends nothing; a failed
    send rolls it back, so a retry may send. Returns whether it sent."""
    now = now or timezone.now()
    attendee = (
        Attendee.objects.select_related("appointment", "patient")
        .filter(pk=attendee_id)
        .first()
    )
    if attendee is None or not _sendable(attendee, channel, now):
        return False
    appointment = attendee.appointment
    claimed = _claim(
        SentMessage(
            key=_reminder_key(attendee, channel),
            purpose=Purpose.REMINDER,
            channel=channel,
            patient=attendee.patient,
            attendee=attendee,
            appointment_starts_at=appointment.starts_at,
            sent_at=now,
        )
    )
    if not claimed:
        return False
    _deliver(
        channel,
        attendee.patient,
        messaging.compose_reminder(
            local_start=appointment.local_starts_at,
            place=appointment.place,
            video_link=appointment.video_link,
        ),
    )
    _audit_sent(attendee, Purpose.REMINDER, channel)
    return True


def portal_link(patient: Patient) -> str:
    """Where an invitation sends the patient: a fresh single-use sign-in link to the
    portal, which opens on the questionnaires due (docs/portal.md)."""
    from portal.choices import LinkChannel
    from portal.services.links import link_issue

    return link_issue(patient=patient, channel=LinkChannel.INVITATION, by=None).url


@transaction.atomic
def invitation_send(
    *, attendee_id: int, channel: str, now: datetime | None = None
) -> bool:
    """Invite the patient to answer the questionnaires the program schedules before
    this session, once per session of the course and channel (a moved or re-booked
    session is not invited twice). The message names no questionnaire."""
    now = now or timezone.now()
    attendee = (
        with_session_number(Attendee.objects.filter(pk=attendee_id))
        .select_related("appointment", "patient", "course__program")
        .first()
    )
    if (
        attendee is None
        or attendee.course is None
        or not _sendable(attendee, channel, now)
    ):
        return False
    course = attendee.course
    number: int = attendee.session_number  # type: ignore[attr-defined]
    instruments = self_report_due(course, number)
    if course.phase == Phase.ENDED or not instruments:
        return False
    claimed = _claim(
        SentMessage(
            key=_invitation_key(course, number, channel),
            purpose=Purpose.INVITATION,
            channel=channel,
            patient=attendee.patient,
            attendee=attendee,
            appointment_starts_at=attendee.appointment.starts_at,
            session_number=number,
            instruments=instruments,
            sent_at=now,
        )
    )
    if not claimed:
        return False
    _deliver(
        channel,
        attendee.patient,
        messaging.compose_invitation(
            local_start=attendee.appointment.local_starts_at,
            link=portal_link(attendee.patient),
        ),
    )
    _audit_sent(attendee, Purpose.INVITATION, channel)
    return True
