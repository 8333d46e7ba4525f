"""Every write of the intake app: keyword-only, typed, atomic, audited.

Audit rows (category ``referral``) name the request by ``public_id`` and carry field
names, statuses and codes, never what the person typed. A change a rule refuses raises
``Refused`` with a sentence for the coordinator, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from ipt import services as ipt_services
from iptcare.lib.phone import phone_digits
from measures import services as measures_services
from measures.choices import Source
from patients import services as patient_services
from referrals import waiting
from referrals.choices import (
    QUEUE_STATUSES,
    AttemptOutcome,
    Closure,
    RequestFor,
    Status,
)
from referrals.models import (
    ContactAttempt,
    PriorityChange,
    Referral,
    ScreeningAdministration,
)
from scheduling import services as scheduling

if TYPE_CHECKING:
    from accounts.models import Site, Staff, Team
    from ipt.models import Program
    from measures.models import Administration
    from patients.models import Patient

CATEGORY = "referral"


class Refused(Exception):
    """A rule of intake refused the change; the message says why. Nothing changed."""


def _record(
    *,
    by: Staff | None,
    action: Action,
    referral: Referral,
    detail: str = "",
) -> None:
    audit.record(
        actor=by,
        action=action,
        category=CATEGORY,
        patient=referral.patient,
        object_id=str(referral.public_id),
        detail=detail,
    )


def _locked(referral: Referral) -> Referral:
    """The row again, locked to the end of the transaction: two coordinators acting on
    one request at once queue instead of both succeeding."""
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("site", "patient", "program")
        .get(pk=referral.pk)
    )


def _require(referral: Referral, *allowed: Status, doing: str) -> None:
    if referral.status not in allowed:
        raise Refused(
            f"{doing} is not possible: the request is "
            f"{referral.get_status_display().lower()}."
        )


def closed_days() -> list[date]:
    return [date.fromisoformat(day) for day in settings.IPTCARE_INTAKE_CLOSED_DAYS]


def contact_due_for(site: Site, received_at: datetime) -> date:
    received_on = timezone.localtime(received_at, ZoneInfo(site.time_zone)).date()
    return waiting.contact_due_on(
        received_on, settings.IPTCARE_INTAKE_CONTACT_WORKING_DAYS, closed_days()
    )


# --- The public form ------------------------------------------------------------------


def _recent_same_request(
    *, name: str, phone: str, email: str, message: str, since: datetime
) -> Referral | None:
    """The same request sent again (a double tap, a reload): same name, contact and
    message, recently, still in the queue."""
    candidates = Referral.objects.filter(
        created_at__gte=since,
        status__in=QUEUE_STATUSES,
        name__iexact=name,
        phone_digits=phone_digits(phone),
        email=email,
        message=message,
    )
    return candidates.order_by("-created_at").first()


@transaction.atomic
def callback_request_create(
    *,
    site: Site,
    request_for: RequestFor | str,
    name: str,
    phone: str,
    email: str,
    call_times: Sequence[str] = (),
    may_leave_voicemail: bool = False,
    may_text: bool = False,
    message: str = "",
    about_name: str = "",
) -> tuple[Referral, bool]:
    """Store a callback request from the public form; returns it and whether it is
    new. The same request sent again within ``IPTCARE_CALLBACK_RESUBMIT_MINUTES`` is
    not stored twice. A new request with an e-mail address gets an acknowledgement,
    sent by a background job once the request is safely stored."""
    now = timezone.now()
    name, message, email = name.strip(), message.strip(), email.strip().lower()
    since = now - timedelta(minutes=settings.IPTCARE_CALLBACK_RESUBMIT_MINUTES)
    same = _recent_same_request(
        name=name, phone=phone, email=email, message=message, since=since
    )
    if same is not None:
        return same, False
    referral = Referral(
        site=site,
        request_for=request_for,
        name=name,
        about_name=about_name.strip() if request_for != RequestFor.SELF else "",
        phone=phone,
        phone_digits=phone_digits(phone),
        email=email,
        call_times=list(call_times),
        may_leave_voicemail=may_leave_voicemail and bool(phone),
        may_text=may_text and bool(phone),
        consented_at=now,
        message=message,
        contact_due_on=contact_due_for(site, now),
        created_at=now,
    )
    if request_for == RequestFor.SELF:
        referral.patient_phone, referral.patient_email = phone, email
    referral.full_clean()
    referral.save()
    _record(
        by=None,
        action=Action.CREATE,
        referral=referral,
        detail=f"source=public form; for={referral.request_for}",
    )
    if referral.email:
        from referrals.tasks import acknowledgement_send_task

        referral_id = referral.pk
        transaction.on_commit(lambda: acknowledgement_send_task(referral_id))
    return referral, True


def acknowledgement_send(*, referral_id: int) -> bool:
    """E-mail the acknowledgement once (a retried job sends nothing twice). The message
    says only that the request arrived and when to expect contact: no name, no clinical
    word, since a phone may be shared."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("site", "patient")
            .filter(pk=referral_id, acknowledged_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if referral is None:
            return False
        context = {
            "received_on": timezone.localtime(
                referral.created_at, referral.site_zone
            ).date(),
            "due_on": referral.contact_due_on,
            "signature": settings.IPTCARE_CALLBACK_SIGNATURE,
        }
        subject = render_to_string(
            "referrals/email/acknowledgement_subject.txt", context
        ).strip()
        body = render_to_string("referrals/email/acknowledgement.txt", context)
        referral.acknowledged_at = timezone.now()
        referral.save(update_fields=["acknowledged_at", "updated_at"])
        _record(
            by=None,
            action=Action.UPDATE,
            referral=referral,
            detail="acknowledgement e-mailed; fields: acknowledged_at",
        )
        # Sent last: if sending fails the transaction rolls back and a retry sends it.
        send_mail(
            subject,
            body,
            settings.IPTCARE_CALLBACK_FROM_EMAIL,
            [referral.email],
            fail_silently=False,
        )
    return True


# --- The intake queue -----------------------------------------------------------------


def _consecutive_failures(referral: Referral) -> int:
    outcomes = referral.attempts.order_by("-attempted_at", "-id").values_list(
        "outcome", flat=True
    )
    count = 0
    for outcome in outcomes:
        if outcome == AttemptOutcome.SPOKE:
            break
        count += 1
    return count


@transaction.atomic
def attempt_record(
    *,
    by: Staff,
    referral: Referral,
    outcome: AttemptOutcome | str,
    attempted_at: datetime | None = None,
    note: str = "",
) -> ContactAttempt:
    """Log a call. Speaking to the person puts the request in contact; after
    ``IPTCARE_INTAKE_FAILED_ATTEMPTS`` calls in a row that reach no one (or a wrong
    number) it is unreachable, and a letter or e-mail is suggested."""
    referral = _locked(referral)
    _require(referral, *QUEUE_STATUSES, doing="Logging a call")
    if outcome == AttemptOutcome.VOICEMAIL and not referral.may_leave_voicemail:
        raise Refused(
            "A voicemail may not be left for this person: they did not agree to one."
        )
    if outcome not in AttemptOutcome.values:
        raise Refused("Choose what happened.")
    if not referral.phone and not referral.patient_phone:
        raise Refused("There is no telephone number to call: write instead.")
    when = attempted_at or timezone.now()
    attempt = ContactAttempt(
        referral=referral, attempted_at=when, outcome=outcome, note=note.strip(), by=by
    )
    attempt.full_clean()
    attempt.save()
    changed = []
    if referral.first_attempt_at is None or when < referral.first_attempt_at:
        referral.first_attempt_at = when
        changed.append("first_attempt_at")
    if outcome == AttemptOutcome.SPOKE:
        if referral.first_contact_at is None:
            referral.first_contact_at = when
            changed.append("first_contact_at")
        if referral.status != Status.IN_CONTACT:
            referral.status = Status.IN_CONTACT
            referral.unreachable_since = None
            changed += ["status", "unreachable_since"]
    elif referral.status != Status.UNREACHABLE and (
        outcome == AttemptOutcome.WRONG_NUMBER
        or waiting.unreachable_after(
            _consecutive_failures(referral), settings.IPTCARE_INTAKE_FAILED_ATTEMPTS
        )
    ):
        referral.status = Status.UNREACHABLE
        referral.unreachable_since = timezone.now()
        changed += ["status", "unreachable_since"]
    if changed:
        referral.save(update_fields=[*changed, "updated_at"])
    _record(
        by=by,
        action=Action.CREATE,
        referral=referral,
        detail=f"call attempt; outcome={outcome}; status={referral.status}",
    )
    return attempt


@transaction.atomic
def letter_sent_record(*, by: Staff, referral: Referral) -> Referral:
    """The suggested letter or e-mail to an unreachable person has been sent."""
    referral = _locked(referral)
    _require(referral, Status.UNREACHABLE, doing="Recording a letter")
    referral.letter_sent_at = timezone.now()
    referral.save(update_fields=["letter_sent_at", "updated_at"])
    _record(
        by=by, action=Action.UPDATE, referral=referral, detail="fields: letter_sent_at"
    )
    return referral


@transaction.atomic
def person_details_save(
    *, by: Staff, referral: Referral, changed: list[str]
) -> Referral:
    """Save the person's details already set on ``referral`` by a validated form."""
    _require(referral, *QUEUE_STATUSES, doing="Changing the details")
    if not changed:
        return referral
    referral.full_clean()
    referral.save(update_fields=[*changed, "updated_at"])
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail="fields: " + ", ".join(sorted(changed)),
    )
    return referral


# --- Screening ------------------------------------------------------------------------


@transaction.atomic
def screening_record(
    *,
    by: Staff,
    referral: Referral,
    instrument_id: str,
    answers: Sequence[int | None],
    extra_answers: Sequence[int | None] = (),
) -> Administration:
    """Record a screening scale through the measures library. A critical answer has
    its risk event recorded by the library, and makes the request urgent so that it
    leads the queue. Raises ``ValidationError`` for answers the instrument refuses."""
    referral = _locked(referral)
    _require(referral, Status.IN_CONTACT, doing="Screening")
    if instrument_id not in settings.IPTCARE_INTAKE_SCREENING:
        raise ValidationError(
            {"instrument_id": "That questionnaire is not part of the screening."}
        )
    administration = measures_services.administration_record(
        by=by,
        instrument_id=instrument_id,
        answers=answers,
        extra_answers=extra_answers,
        source=Source.INTAKE_SCREENING,
        patient=referral.patient,
    )
    ScreeningAdministration.objects.create(
        referral=referral, administration=administration
    )
    detail = f"screening; instrument={instrument_id}"
    if administration.is_critical and referral.urgent_since is None:
        referral.urgent_since = timezone.now()
        referral.save(update_fields=["urgent_since", "updated_at"])
        detail += "; urgent"
    if administration.is_critical and referral.patient is None:
        # With a record the alert goes through the alert rules; without one the
        # site's duty clinician is told at once (docs/alerts.md).
        from alerts.tasks import intake_risk_notify

        referral_id = referral.pk
        transaction.on_commit(lambda: intake_risk_notify(referral_id))
    _record(by=by, action=Action.UPDATE, referral=referral, detail=detail)
    return administration


# --- Duplicates -----------------------------------------------------------------------


@transaction.atomic
def referral_link_patient(
    *, by: Staff, referral: Referral, patient: Patient
) -> Referral:
    """This request is from (or about) someone who already has a record: acceptance
    will use it instead of making a second one. ``patient`` must come from the
    access module (the caller's own view of the site's patients)."""
    referral = _locked(referral)
    _require(referral, *QUEUE_STATUSES, doing="Linking to a record")
    if patient.team.site_id != referral.site_id:
        raise Refused("That record belongs to another site.")
    referral.patient = patient
    referral.save(update_fields=["patient", "updated_at"])
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail="linked to an existing patient; fields: patient",
    )
    return referral


@transaction.atomic
def referral_merge(*, by: Staff, referral: Referral, into: Referral) -> Referral:
    """This request repeats another open one: close it as a duplicate of that one
    (keeping its calls and screening), carrying its urgency over."""
    referral, into = _locked(referral), _locked(into)
    _require(referral, *QUEUE_STATUSES, doing="Merging")
    if into.pk == referral.pk or into.site_id != referral.site_id:
        raise Refused("Choose another open request of the same site.")
    _require(into, *QUEUE_STATUSES, Status.WAITING, doing="Merging into that request")
    if referral.urgent_since and not into.urgent_since:
        into.urgent_since = referral.urgent_since
        into.save(update_fields=["urgent_since", "updated_at"])
    referral.status = Status.DUPLICATE
    referral.duplicate_of = into
    referral.closed_at, referral.closed_by = timezone.now(), by
    referral.save(
        update_fields=[
            "status",
            "duplicate_of",
            "closed_at",
            "closed_by",
            "updated_at",
        ]
    )
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail=f"merged into {into.public_id}; status=duplicate",
    )
    return referral


# --- Outcomes -------------------------------------------------------------------------


def _course_open(
    *, by: Staff, patient: Patient, program: Program, clinician: Staff
) -> Any:
    try:
        return ipt_services.course_open(
            patient=patient, program=program, clinician=clinician, by=by
        )
    except ipt_services.Refused as error:
        raise Refused(" ".join(error.reasons)) from error


def _patient_for(*, by: Staff, referral: Referral, team: Team | None) -> Patient:
    if referral.patient is not None:
        return referral.patient
    if team is None or team.site_id != referral.site_id:
        raise Refused("Choose a team of this site.")
    if not referral.has_person_details:
        raise Refused(
            "Record the person's name and date of birth first (their details)."
        )
    for_self = referral.request_for == RequestFor.SELF
    try:
        return patient_services.patient_create(
            by=by,
            team=team,
            given_name=referral.given_name,
            family_name=referral.family_name,
            date_of_birth=referral.date_of_birth,
            phone=referral.patient_phone,
            email=referral.patient_email,
            # Leaving messages was agreed by whoever filled in the form: for someone
            # else's request, ask the patient again before relying on it.
            may_leave_voicemail=referral.may_leave_voicemail and for_self,
            may_text=referral.may_text and for_self,
        )
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from error


def _require_future(when: datetime) -> None:
    if when < timezone.now():
        raise Refused("The first appointment's time has passed already.")


def _first_appointment_book(
    *,
    by: Staff,
    referral: Referral,
    patient: Patient,
    program: Program,
    clinician: Staff,
    when: datetime,
    now: datetime,
    place: str = "",
    video_link: str = "",
) -> list[str]:
    """Open the course with ``clinician`` and book its first session on their calendar
    through scheduling, so that intake's booking is an ordinary appointment: the
    clinician's and the patient's calendars are checked for clashes, scheduling audits
    it and the patient is reminded. Then mark the request booked; returns the fields
    set. A refusal from scheduling reaches the coordinator as it is worded there; the
    caller's transaction undoes the course (and the record) with it."""
    course = _course_open(by=by, patient=patient, program=program, clinician=clinician)
    # The form's instant, on the clocks of the patient's site, as scheduling books.
    local = timezone.localtime(when, ZoneInfo(scheduling.site_time_zone(patient)))
    try:
        appointment = scheduling.appointment_book(
            by=by,
            patient=patient,
            clinician=clinician,
            course=course,
            day=local.date(),
            at=local.time(),
            duration_minutes=settings.SCHEDULING_DEFAULT_DURATION_MINUTES,
            place=place,
            video_link=video_link,
        )
    except scheduling.Refused as error:
        raise Refused(" ".join(error.reasons)) from error
    referral.course, referral.clinician = course, clinician
    referral.first_appointment = appointment
    referral.first_appointment_at, referral.booked_at = appointment.starts_at, now
    referral.status = Status.BOOKED
    referral.closed_at, referral.closed_by = now, by
    return [
        "course",
        "clinician",
        "first_appointment",
        "first_appointment_at",
        "booked_at",
        "status",
        "closed_at",
        "closed_by",
    ]


@transaction.atomic
def referral_accept(
    *,
    by: Staff,
    referral: Referral,
    program: Program,
    team: Team | None = None,
    clinician: Staff | None = None,
    first_appointment_at: datetime | None = None,
    place: str = "",
    video_link: str = "",
) -> Referral:
    """Accept the person into ``program``, in one transaction: make the patient record
    (or use the linked one), give the screening scales their patient, and either open
    the course with ``clinician`` and book the first appointment (an appointment on
    their calendar), or — without a clinician — place the person on the waiting list.
    Any failure, a clash included, undoes all of it."""
    referral = _locked(referral)
    _require(referral, Status.IN_CONTACT, doing="Accepting")
    if program.code not in settings.IPTCARE_INTAKE_PROGRAMS or not program.is_active:
        raise Refused("Choose one of the programs intake accepts into.")
    if (clinician is None) != (first_appointment_at is None):
        raise Refused("Booking needs both a clinician and the first appointment.")
    if first_appointment_at is not None:
        _require_future(first_appointment_at)
    patient = _patient_for(by=by, referral=referral, team=team)
    administrations = [
        s.administration for s in referral.screenings.select_related("administration")
    ]
    measures_services.administrations_link_patient(
        by=by, administrations=administrations, patient=patient
    )
    now = timezone.now()
    referral.patient, referral.program = patient, program
    referral.team_id = patient.team_id
    referral.accepted_at = now
    fields = ["patient", "program", "team", "accepted_at"]
    if clinician is not None and first_appointment_at is not None:
        fields += _first_appointment_book(
            by=by,
            referral=referral,
            patient=patient,
            program=program,
            clinician=clinician,
            when=first_appointment_at,
            now=now,
            place=place,
            video_link=video_link,
        )
    else:
        referral.status = Status.WAITING
        fields.append("status")
    referral.full_clean()
    referral.save(update_fields=[*fields, "updated_at"])
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail=f"accepted; program={program.code}; status={referral.status}",
    )
    return referral


@transaction.atomic
def referral_book(
    *,
    by: Staff,
    referral: Referral,
    clinician: Staff,
    first_appointment_at: datetime,
    place: str = "",
    video_link: str = "",
) -> Referral:
    """From the waiting list to a clinician: open the course and book the first
    appointment on their calendar, in one transaction."""
    referral = _locked(referral)
    _require(referral, Status.WAITING, doing="Booking")
    _require_future(first_appointment_at)
    if referral.patient is None or referral.program is None:  # pragma: no cover
        raise Refused("The request was never accepted.")
    fields = _first_appointment_book(
        by=by,
        referral=referral,
        patient=referral.patient,
        program=referral.program,
        clinician=clinician,
        when=first_appointment_at,
        now=timezone.now(),
        place=place,
        video_link=video_link,
    )
    referral.save(update_fields=[*fields, "updated_at"])
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail="booked from the waiting list; status=booked",
    )
    return referral


@transaction.atomic
def referral_close(
    *,
    by: Staff,
    referral: Referral,
    closure: Closure | str,
    reason: str = "",
    referred_to: str = "",
) -> Referral:
    """Refer elsewhere (where, why), decline (why), or record that the person
    withdrew (from the queue or from the waiting list)."""
    referral = _locked(referral)
    reason, referred_to = reason.strip(), referred_to.strip()
    if closure == Closure.WITHDRAWN:
        _require(referral, *QUEUE_STATUSES, Status.WAITING, doing="Withdrawing")
    elif closure in {Closure.REFERRED_ELSEWHERE, Closure.DECLINED}:
        _require(
            referral, Status.IN_CONTACT, Status.UNREACHABLE, doing="Closing the request"
        )
        if not reason:
            raise Refused("Say why.")
        if closure == Closure.REFERRED_ELSEWHERE and not referred_to:
            raise Refused("Say where the person was referred.")
    else:
        raise Refused("Choose an outcome.")
    referral.status = Status(closure)
    referral.outcome_reason = reason
    referral.referred_to = referred_to if closure == Closure.REFERRED_ELSEWHERE else ""
    referral.closed_at, referral.closed_by = timezone.now(), by
    referral.save(
        update_fields=[
            "status",
            "outcome_reason",
            "referred_to",
            "closed_at",
            "closed_by",
            "updated_at",
        ]
    )
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail=f"closed; status={referral.status}; fields: outcome_reason, referred_to",
    )
    return referral


@transaction.atomic
def priority_set(
    *, by: Staff, referral: Referral, prioritised: bool, reason: str
) -> Referral:
    """Move a person ahead of the date order on the waiting list (or back), with the
    reason; both are kept and audited."""
    referral = _locked(referral)
    _require(referral, Status.WAITING, doing="Changing the priority")
    reason = reason.strip()
    if len(reason) < 10:
        raise Refused("Give the reason in a sentence.")
    PriorityChange.objects.create(
        referral=referral, prioritised=prioritised, reason=reason, by=by
    )
    referral.priority_reason = reason if prioritised else ""
    referral.priority_set_at, referral.priority_set_by = timezone.now(), by
    referral.save(
        update_fields=[
            "priority_reason",
            "priority_set_at",
            "priority_set_by",
            "updated_at",
        ]
    )
    _record(
        by=by,
        action=Action.UPDATE,
        referral=referral,
        detail=f"waiting-list priority={'yes' if prioritised else 'no'}; "
        "fields: priority_reason",
    )
    return referral
