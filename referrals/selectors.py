"""Reads of callback requests, already scoped by ``referrals.access`` and audited.

List pages cost the same number of queries whatever their length, and write one audit
row per request (or patient) shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Q,
    Value,
    When,
)
from django.db.models.functions import Lower, Replace
from django.utils import timezone

from accounts import access as patient_access
from accounts.models import Site
from audit import services as audit
from audit.choices import Action
from iptcare.lib import kept_pages
from patients.record_version import list_versions
from referrals import waiting
from referrals.access import CATEGORY, intake_site_ids, referrals_visible_to
from referrals.choices import OPEN_STATUSES, Status
from referrals.models import Referral

if TYPE_CHECKING:
    from accounts.models import Staff
    from measures.models import Administration
    from patients.models import Patient


def _local_today(zone_name: str, now: datetime) -> date:
    return timezone.localtime(now, ZoneInfo(zone_name)).date()


def _until_the_sites_next_day(zone_name: str, now: datetime) -> None:
    """A kept list ends at the site's midnight: waits and contact targets count in the
    site's days."""
    zone = ZoneInfo(zone_name)
    tomorrow = _local_today(zone_name, now) + timedelta(days=1)
    kept_pages.valid_until(datetime.combine(tomorrow, time.min, tzinfo=zone))


def queue_versions() -> tuple[int, ...]:
    """What proves a kept intake queue unchanged (decisions/0068), in one statement:
    the intake version (every request and call, by any path) and the directory
    version (sites, and the staff whose sites decide what they see). The queue shows
    no patient's record."""
    return list_versions()


def waiting_list_versions(staff: Staff) -> tuple[int, ...]:
    """What proves a kept waiting list unchanged, in one statement: the intake and
    directory versions, and the sum of the record versions of everyone waiting at the
    user's sites (their names and record numbers are the patients'). The intake
    version fixes who is waiting, so the sum moves with any of their records."""
    waiting_patients = (
        referrals_visible_to(staff)
        .filter(status=Status.WAITING)
        .order_by()
        .values("patient_id")
    )
    return list_versions(waiting_patients)


def _audit_list(staff: Staff, referrals: list[Referral], where: str) -> None:
    audit.record_many(
        actor=staff,
        entries=[
            audit.Entry(
                Action.LIST, CATEGORY, referral.patient, str(referral.public_id), where
            )
            for referral in referrals
        ],
    )


class QueueTab:
    TO_CALL = "to-call"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Queue:
    page: Page[Referral]
    tab: str
    to_call: int
    unreachable: int


def queue(*, staff: Staff, tab: str, page_number: str | int, per_page: int) -> Queue:
    """The intake queue: urgent requests first, then the oldest. Each row carries its
    age, its number of calls and whether the contact target has passed."""
    visible = referrals_visible_to(staff)
    counts = visible.aggregate(
        to_call=Count("id", filter=Q(status__in=[Status.NEW, Status.IN_CONTACT])),
        unreachable=Count("id", filter=Q(status=Status.UNREACHABLE)),
    )
    statuses = (
        [Status.UNREACHABLE]
        if tab == QueueTab.UNREACHABLE
        else [Status.NEW, Status.IN_CONTACT]
    )
    rows = (
        visible.filter(status__in=statuses)
        .select_related("site", "patient")
        .annotate(
            attempt_count=Count("attempts"),
            urgent_rank=Case(
                When(urgent_since__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("urgent_rank", "created_at", "id")
    )
    page: Page[Referral] = Paginator(rows, per_page).get_page(page_number)  # type: ignore[assignment]
    now = timezone.now()
    for referral in page.object_list:
        today = _local_today(referral.site.time_zone, now)
        age = (now - referral.created_at).total_seconds()
        referral.age = waiting.age_text(age)
        referral.overdue = referral.is_overdue(today)
        kept_pages.valid_until(
            referral.created_at + timedelta(seconds=waiting.age_text_changes_at(age))
        )
        _until_the_sites_next_day(referral.site.time_zone, now)
    _audit_list(staff, list(page.object_list), "intake queue")
    return Queue(page, tab, counts["to_call"], counts["unreachable"])


def waiting_list(
    *, staff: Staff, page_number: str | int, per_page: int
) -> Page[Referral]:
    """Accepted people waiting for a clinician: priority overrides first, then by the
    date they were accepted. Each row carries how long they have waited."""
    rows = (
        referrals_visible_to(staff)
        .filter(status=Status.WAITING)
        .select_related("site", "patient", "program", "priority_set_by")
        .annotate(
            priority_rank=Case(
                When(priority_reason="", then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("priority_rank", "accepted_at", "id")
    )
    page: Page[Referral] = Paginator(rows, per_page).get_page(page_number)  # type: ignore[assignment]
    now = timezone.now()
    for position, referral in enumerate(page.object_list, start=page.start_index()):
        today = _local_today(referral.site.time_zone, now)
        referred_on = timezone.localtime(referral.created_at, referral.site_zone).date()
        days = (today - referred_on).days
        referral.position = position
        referral.waited_days = days
        referral.waited = waiting.weeks_text(days)
        referral.over_6_weeks = days > waiting.SIX_WEEKS_DAYS
        referral.over_18_weeks = days > waiting.EIGHTEEN_WEEKS_DAYS
        _until_the_sites_next_day(referral.site.time_zone, now)
    _audit_list(staff, list(page.object_list), "waiting list")
    return page


def screening_administrations(referral: Referral) -> list[Administration]:
    """The scales given at screening, newest first (the request's own data: the read
    is covered by the request's audit row)."""
    return [
        screening.administration
        for screening in referral.screenings.select_related("administration").order_by(
            "-administration__administered_at", "-id"
        )
    ]


def attempts(referral: Referral) -> list[object]:
    return list(referral.attempts.select_related("by"))


# --- Possible duplicates ----------------------------------------------------------------


def _digits(field: str) -> Replace:
    """The column with the separators people type removed (spaces, dashes, brackets,
    dots and the plus sign), for matching the same number typed two ways."""
    expression: F | Replace = F(field)
    for separator in (" ", "-", "(", ")", ".", "+"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression  # type: ignore[return-value]


@dataclass(frozen=True)
class Duplicates:
    patients: list[Patient]
    referrals: list[Referral]

    def __bool__(self) -> bool:
        return bool(self.patients or self.referrals)


def _contact_keys(referral: Referral) -> tuple[set[str], set[str]]:
    from iptcare.lib.phone import phone_digits

    phones = {
        phone_digits(number)
        for number in (referral.phone, referral.patient_phone)
        if number
    }
    emails = {
        address.lower()
        for address in (referral.email, referral.patient_email)
        if address
    }
    return phones, emails


def possible_duplicates(*, staff: Staff, referral: Referral) -> Duplicates:
    """Patients (those this user may see, through ``accounts.access``) and open
    requests with the same telephone number, e-mail address, or name and date of
    birth. The patients listed are audited as listed."""
    phones, emails = _contact_keys(referral)
    patient_match = Q(pk__in=[])
    referral_match = Q(pk__in=[])
    if phones:
        patient_phone = Q()
        for digits in phones:
            patient_phone |= Q(phone_clean__endswith=digits)
        patient_match |= patient_phone
        referral_match |= Q(phone_digits__in=phones)
        for digits in phones:
            referral_match |= Q(patient_phone_clean__endswith=digits)
    if emails:
        patient_match |= Q(email_lower__in=emails)
        referral_match |= Q(email_lower__in=emails) | Q(patient_email_lower__in=emails)
    if referral.has_person_details:
        patient_match |= Q(
            given_name__iexact=referral.given_name,
            family_name__iexact=referral.family_name,
            date_of_birth=referral.date_of_birth,
        )
        referral_match |= Q(
            given_name__iexact=referral.given_name,
            family_name__iexact=referral.family_name,
            date_of_birth=referral.date_of_birth,
        )
    patients: list[Patient] = []
    if referral.patient_id is None:
        patients = list(
            patient_access.patients_visible_to(staff)
            .annotate(phone_clean=_digits("phone"), email_lower=Lower("email"))
            .filter(patient_match)
            .select_related("team")
            .order_by("family_name", "given_name", "id")[:20]
        )
    referrals: list[Referral] = list(
        referrals_visible_to(staff)
        .filter(status__in=OPEN_STATUSES)
        .exclude(pk=referral.pk)
        .annotate(
            email_lower=Lower("email"),
            patient_email_lower=Lower("patient_email"),
            patient_phone_clean=_digits("patient_phone"),
        )
        .filter(referral_match)
        .select_related("site", "patient")
        .order_by("created_at", "id")[:20]
    )
    audit.record_many(
        actor=staff,
        entries=[
            audit.Entry(
                Action.LIST,
                "patient",
                patient,
                str(patient.public_id),
                f"possible duplicate of request {referral.public_id}",
            )
            for patient in patients
        ],
    )
    _audit_list(staff, referrals, f"possible duplicate of {referral.public_id}")
    return Duplicates(patients, referrals)


# --- Waiting times ---------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingTimeReport:
    figures: list[waiting.MonthFigures]
    snapshot: list[waiting.Snapshot]
    since: date
    sites: list[str]


def _months_back(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - (months - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def waiting_time_report(*, staff: Staff, months: int = 12) -> WaitingTimeReport:
    """The waiting-time standards for the user's sites over the last ``months``
    months (counts only: no patient is named, so nothing here is audited)."""
    today = timezone.localdate()
    since = _months_back(today, months)
    site_ids = intake_site_ids(staff)
    sites = list(
        Site.objects.filter(pk__in=site_ids)
        .order_by("name")
        .values_list("name", flat=True)
    )
    accepted = (
        Referral.objects.filter(
            site_id__in=site_ids,
            status__in=[Status.BOOKED, Status.WAITING],
            accepted_at__isnull=False,
        )
        .filter(
            Q(status=Status.WAITING)
            # Treatment starts after booking: half a year of bookings covers the window.
            | Q(
                booked_at__gte=timezone.make_aware(datetime.combine(since, time.min))
                - timedelta(weeks=26)
            )
        )
        .annotate(
            first_attended=Min(
                "course__sessions__held_on",
                filter=Q(course__sessions__attendance="attended"),
            ),
            sessions_recorded=Count("course__sessions"),
        )
        .values_list(
            "site__name",
            "site__time_zone",
            "created_at",
            "first_appointment_at",
            "first_attended",
            "sessions_recorded",
        )
    )
    now = timezone.now()
    starts: list[waiting.Start] = []
    still_waiting: list[tuple[str, date]] = []
    for site, zone_name, created_at, appointment_at, attended, recorded in accepted:
        zone = ZoneInfo(zone_name)
        referred_on = timezone.localtime(created_at, zone).date()
        started = waiting.started_on(
            first_attended=attended,
            sessions_recorded=bool(recorded),
            first_appointment=(
                timezone.localtime(appointment_at, zone).date()
                if appointment_at
                else None
            ),
            today=_local_today(zone_name, now),
        )
        if started is None:
            still_waiting.append((site, referred_on))
        elif started >= since:
            starts.append(waiting.Start(site, referred_on, started))
    return WaitingTimeReport(
        figures=waiting.waiting_time_figures(starts),
        snapshot=waiting.waiting_snapshot(still_waiting, today),
        since=since,
        sites=sites,
    )
