"""Reads of the recovery record: the patient through ``accounts.access`` (audited, 404
without clinical access), everything else fetched through that patient, in a fixed
number of queries whatever the number of reports, tests or contacts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from accounts import access
from audit.choices import Action
from ipt.choices import TimelineCategory
from ipt.models import Course, CourseSession, SessionNote, TimelineEntry
from ipt.pictures import CareChange
from iptcare.lib.dates import shifted
from measures.models import Administration
from outcomes.charts import Marker
from outcomes.selectors import phase_spans
from patients.models import ConcurrentTreatment
from portal.models import DiaryEntry
from recovery import calculations, charts
from recovery.choices import ReviewStatus
from recovery.models import (
    CareLevelChange,
    DrugTest,
    Medication,
    SobrietyDate,
    Substance,
    Supporter,
    SupporterContact,
    UseReport,
    UseReview,
)
from recovery.services import current_course
from recovery.wording import substance_words

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

TESTS_SHOWN = 20
CONTACTS_SHOWN = 5


def patient_for(
    *,
    staff: Staff,
    public_id: uuid.UUID,
    action: Action = Action.VIEW,
    detail: str = "",
) -> access.PatientAccess:
    """The patient, with clinical access (404 otherwise); the read audited once."""
    patient_access = access.patient_get_for_user(
        staff=staff,
        public_id=public_id,
        action=action,
        category="recovery",
        detail=detail,
    )
    access.require_clinical(patient_access)
    return patient_access


def supporter_of(patient: Patient, public_id: uuid.UUID) -> Supporter:
    supporter = (
        Supporter.objects.filter(patient=patient, public_id=public_id)
        .select_related("person")
        .first()
    )
    if supporter is None:
        raise Http404("No such supporter.")
    return supporter


def medication_of(patient: Patient, public_id: uuid.UUID) -> Medication:
    medication = (
        Medication.objects.filter(patient=patient, public_id=public_id)
        .select_related("kind")
        .first()
    )
    if medication is None:
        raise Http404("No such medication.")
    return medication


def review_of(patient: Patient, public_id: uuid.UUID) -> UseReview:
    review = (
        UseReview.objects.filter(patient=patient, public_id=public_id)
        .select_related("substance")
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def session_of(patient: Patient, public_id: uuid.UUID) -> CourseSession:
    session = (
        CourseSession.objects.filter(course__patient=patient, public_id=public_id)
        .select_related("course")
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    session.course.patient = patient
    return session


def care_level_marks(patient: Patient) -> list[CareChange]:
    """The patient's changes of level of care as the IPT timeline draws them. One
    query."""
    return [
        CareChange(level=name, on=day)
        for name, day in CareLevelChange.objects.filter(patient=patient)
        .order_by("changed_on", "id")
        .values_list("level__name", "changed_on")
    ]


# --- Use histories ------------------------------------------------------------------


def histories(
    patient: Patient, *, start: date | None = None, end: date | None = None
) -> dict[str, list[calculations.UseReport]]:
    """Each substance the patient has reports for, with its reports; a diary day
    without use counts as a day without any of them. Two queries."""
    rows = UseReport.objects.filter(patient=patient).select_related("substance")
    diary = DiaryEntry.objects.filter(patient=patient, used=False)
    if start is not None:
        rows = rows.filter(last_day__gte=start)
        diary = diary.filter(day__gte=start)
    if end is not None:
        rows = rows.filter(first_day__lte=end)
        diary = diary.filter(day__lte=end)
    result: dict[str, list[calculations.UseReport]] = defaultdict(list)
    for row in rows:
        result[row.substance.code].append(
            calculations.UseReport(
                row.first_day, row.last_day, row.days_used, row.heavy_days
            )
        )
    clean_days = list(diary.values_list("day", flat=True))
    for reports in result.values():
        reports += [calculations.UseReport(day, day, 0) for day in clean_days]
    return dict(result)


def chunk_histories(
    courses: Sequence[Course],
) -> dict[int, dict[str, list[calculations.UseReport]]]:
    """``histories`` for the patients of many ended courses at once, keyed by patient
    id, from 28 days before the earliest start to the latest end (the service refresh
    job). Two queries whatever the number of courses; ``use_outcome`` only counts
    the days inside each course's own windows."""
    if not courses:
        return {}
    patients = {c.patient_id for c in courses}
    start = min(c.opened_on for c in courses) - timedelta(
        days=calculations.OUTCOME_WINDOW_DAYS
    )
    end = max(c.ended_on or c.opened_on for c in courses)
    rows = UseReport.objects.filter(
        patient_id__in=patients, last_day__gte=start, first_day__lte=end
    ).values_list(
        "patient_id",
        "substance__code",
        "first_day",
        "last_day",
        "days_used",
        "heavy_days",
    )
    result: dict[int, dict[str, list[calculations.UseReport]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for patient_id, code, first, last, used, heavy in rows:
        result[patient_id][code].append(
            calculations.UseReport(first, last, used, heavy)
        )
    clean: dict[int, list[date]] = defaultdict(list)
    for patient_id, day in DiaryEntry.objects.filter(
        patient_id__in=list(result), used=False, day__gte=start, day__lte=end
    ).values_list("patient_id", "day"):
        clean[patient_id].append(day)
    return {
        patient_id: {
            code: reports + [calculations.UseReport(d, d, 0) for d in clean[patient_id]]
            for code, reports in by_code.items()
        }
        for patient_id, by_code in result.items()
    }


def course_use_outcome(course: Course) -> calculations.UseOutcome:
    """The course's use outcome (``recovery.calculations.use_outcome`` over its
    patient's reports): what the progress page shows and the service dashboard
    counts. Two queries."""
    end = course.ended_on or timezone.localdate()
    return calculations.use_outcome(
        histories(
            course.patient,
            start=shifted(
                course.opened_on,
                -timedelta(days=calculations.OUTCOME_WINDOW_DAYS),
            ),
            end=end,
        ),
        treatment_start=course.opened_on,
        treatment_end=end,
    )


# --- The chart ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecoveryChart:
    data: charts.RecoveryChartData
    event_labels: tuple[tuple[date, str], ...]
    care_labels: tuple[tuple[date, str], ...]

    @property
    def svg(self) -> SafeString:
        """Safe as markup: matplotlib escapes its text, and no typed text is drawn."""
        return mark_safe(charts.render_svg(self.data))  # noqa: S308


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def recovery_chart(patient: Patient, course: Course | None) -> RecoveryChart:
    """Weeks from 28 days before the course (the calendar) to its end or today.
    Seven queries whatever the number of weeks."""
    today = timezone.localdate()
    if course is None:
        start, end = today - timedelta(days=83), today
    else:
        start = shifted(
            course.opened_on, -timedelta(days=calculations.OUTCOME_WINDOW_DAYS)
        )
        end = course.ended_on or today
    use = calculations.weekly_use(histories(patient, start=start, end=end), start, end)
    cravings: dict[date, list[float]] = defaultdict(list)
    week_of = {w.starts_on: w for w in use}

    def week(day: date) -> date:
        return start + timedelta(days=7 * ((day - start).days // 7))

    for day, craving in DiaryEntry.objects.filter(
        patient=patient, day__gte=start, day__lte=end
    ).values_list("day", "craving"):
        cravings[week(day)].append(float(craving))
    notes = SessionNote.objects.filter(
        session__course__patient=patient,
        session__held_on__gte=start,
        session__held_on__lte=end,
        cravings__isnull=False,
    ).values_list("session__held_on", "cravings")
    for day, note_craving in notes:
        cravings[week(day)].append(float(note_craving or 0))
    phq9: dict[date, float] = {}
    for when, total in (
        Administration.objects.filter(
            patient=patient,
            instrument_id="phq9",
            superseded_at__isnull=True,
            total__isnull=False,
            administered_at__date__gte=start,
            administered_at__date__lte=end,
        )
        .order_by("administered_at")
        .values_list("administered_at", "total")
    ):
        phq9[week(timezone.localtime(when).date())] = float(total or 0)
    has_any = any(w.days_used is not None for w in use) or cravings or phq9
    weeks = (
        tuple(
            charts.Week(
                starts_on=day,
                days_used=week_of[day].days_used if day in week_of else None,
                craving=_mean(cravings.get(day, [])),
                phq9=phq9.get(day),
            )
            for day in charts.weeks_between(start, end)
        )
        if has_any
        else ()
    )
    events: list[tuple[date, str]] = []
    if course is not None:
        events = list(
            TimelineEntry.objects.filter(
                course=course,
                category=TimelineCategory.LIFE_EVENT,
                started_on__gte=start,
                started_on__lte=end,
            )
            .order_by("started_on", "id")
            .values_list("started_on", "title")
        )
    care = [
        (change.changed_on, change.level.name)
        for change in CareLevelChange.objects.filter(
            patient=patient, changed_on__gte=start, changed_on__lte=end
        ).select_related("level")
    ]
    key = f"recovery-{course.public_id.hex[:8] if course else 'none'}"
    data = charts.RecoveryChartData(
        key=key,
        weeks=weeks,
        phases=phase_spans(course, end) if course else (),
        events=tuple(Marker(day, str(n)) for n, (day, _) in enumerate(events, 1)),
        care_changes=tuple(Marker(day, "") for day, _ in care),
    )
    return RecoveryChart(data, tuple(events), tuple(care))


# --- The overview page --------------------------------------------------------------


@dataclass(frozen=True)
class SobrietyRow:
    sobriety: SobrietyDate
    days: int | None
    pending: list[UseReview] = field(default_factory=list)


@dataclass(frozen=True)
class RecoveryOverview:
    patient: Patient
    course: Course | None
    sobriety: list[SobrietyRow]
    pending_without_date: list[UseReview]
    tests: list[DrugTest]
    tests_total: int
    medications: list[Medication]
    treatments: list[ConcurrentTreatment]
    supporters: list[Supporter]
    care_levels: list[CareLevelChange]
    session_reports: list[UseReport]
    outcome: calculations.UseOutcome | None
    substances: dict[str, str]
    chart: RecoveryChart

    @property
    def current_level(self) -> CareLevelChange | None:
        return self.care_levels[-1] if self.care_levels else None


def overview(patient: Patient) -> RecoveryOverview:
    """Everything the recovery page shows, in a fixed number of queries."""
    today = timezone.localdate()
    course = current_course(patient)
    pending = list(
        UseReview.objects.filter(patient=patient, status=ReviewStatus.PENDING)
        .select_related("substance")
        .order_by("day", "id")
    )
    dates = list(
        SobrietyDate.objects.filter(patient=patient).select_related("substance")
    )
    rows = [
        SobrietyRow(
            sobriety=s,
            days=calculations.days_sober(s.since, today),
            pending=[r for r in pending if r.substance_id == s.substance_id],
        )
        for s in dates
    ]
    dated = {s.substance_id for s in dates}
    tests = DrugTest.objects.filter(patient=patient).select_related("panel")
    supporters = list(
        Supporter.objects.filter(patient=patient)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=SupporterContact.objects.select_related("by"),
            )
        )
    )
    return RecoveryOverview(
        patient=patient,
        course=course,
        sobriety=rows,
        pending_without_date=[r for r in pending if r.substance_id not in dated],
        tests=list(tests[:TESTS_SHOWN]),
        tests_total=tests.count(),
        medications=medications_of(patient),
        treatments=list(
            ConcurrentTreatment.objects.filter(patient=patient).exclude(
                kind="medication"
            )
        ),
        supporters=supporters,
        care_levels=list(
            CareLevelChange.objects.filter(patient=patient).select_related(
                "level", "recorded_by"
            )
        ),
        session_reports=list(
            UseReport.objects.filter(patient=patient, source="session")
            .select_related("substance", "session")
            .order_by("-last_day", "substance__position")[:30]
        ),
        outcome=course_use_outcome(course) if course else None,
        substances=dict(Substance.objects.values_list("code", "name")),
        chart=recovery_chart(patient, course),
    )


def medications_of(patient: Patient) -> list[Medication]:
    """Current medications first, then stopped ones, with their adherence notes."""
    return list(
        Medication.objects.filter(patient=patient)
        .select_related("kind")
        .prefetch_related("adherence__session")
    )


# --- The session's use form ---------------------------------------------------------


@dataclass(frozen=True)
class SessionUseView:
    session: CourseSession
    first_day: date
    last_day: date
    substances: list[Substance]
    reports: dict[int, UseReport]
    medications: list[Medication]
    adherence: dict[int, str]

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def session_use(session: CourseSession) -> SessionUseView:
    from recovery.services import session_period

    first, last = session_period(session)
    medications = [
        m
        for m in Medication.objects.filter(patient=session.course.patient)
        .select_related("kind")
        .order_by("started_on", "id")
        if m.started_on <= last and m.is_current_on(first)
    ]
    return SessionUseView(
        session=session,
        first_day=first,
        last_day=last,
        substances=list(Substance.objects.filter(is_active=True)),
        reports={r.substance_id: r for r in UseReport.objects.filter(session=session)},
        medications=medications,
        adherence={
            note.medication_id: note.adherence for note in session.adherence_notes.all()
        },
    )


def session_use_summary(session: CourseSession) -> list[UseReport]:
    """What the note page shows of the session's use (one query)."""
    return list(
        UseReport.objects.filter(session=session)
        .select_related("substance")
        .order_by("substance__position")
    )


# --- The portal ---------------------------------------------------------------------


def portal_sobriety(patient: Patient) -> list[tuple[str | Promise, date, int]]:
    """The days of sobriety the clinician chose to show the patient: (substance,
    since, days). One query; the portal view audits its own page read."""
    today = timezone.localdate()
    shown = []
    for sobriety in SobrietyDate.objects.filter(
        patient=patient, show_in_portal=True
    ).select_related("substance"):
        days = calculations.days_sober(sobriety.since, today)
        if days is not None:
            words = substance_words(sobriety.substance.code, sobriety.substance.name)
            shown.append((words, sobriety.since, days))
    return shown
