"""The progress page and the patient page's summary (access, content, constant
queries), the nightly refit of expected trajectories and the hourly not-on-track check
(an alert once per rule, never from a page view)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Attendance, Outcome, Phase
from ipt.models import Course, CourseSession
from ipt.tests.factories import CourseFactory, TimelineEntryFactory, attended_sessions
from measures.tests.factories import AdministrationFactory
from outcomes import selectors, services, tasks
from outcomes.models import ExpectedTrajectory
from patients.models import Patient
from patients.tests.factories import PatientFactory

PHQ9_ITEMS = 9
GAD7_ITEMS = 7


def answers_for(total: int, items: int) -> list[int]:
    """Item answers (0–3) adding up to ``total``."""
    base, extra = divmod(total, items)
    return [base + (1 if i < extra else 0) for i in range(items)]


def score(patient: Patient, instrument: str, total: int, day: date) -> None:
    items = PHQ9_ITEMS if instrument == "phq9" else GAD7_ITEMS
    answers = answers_for(total, items)
    if instrument == "phq9":
        answers = [*answers_for(total, 8), 0]  # keep item 9 at 0: no risk answer
    AdministrationFactory(
        patient=patient,
        instrument_id=instrument,
        answers=answers,
        administered_at=timezone.make_aware(datetime.combine(day, time(9, 0))),
    )


def course_with_scores(
    clinic: Clinic,
    phq9: list[int],
    gad7: list[int] | None = None,
    *,
    patient: Patient | None = None,
    ended: bool = False,
) -> Course:
    """A weekly course whose n-th PHQ-9 (and GAD-7) is given on the day of session n
    (the first before session 1, at intake)."""
    patient = patient or clinic.patient
    weeks = len(phq9)
    opened = timezone.localdate() - timedelta(days=7 * weeks + 7)
    course = CourseFactory(
        patient=patient,
        clinician=clinic.therapist_on_team,
        opened_on=opened,
        sessions_planned=max(12, weeks),
    )
    attended_sessions(course, weeks - 1)
    intake = opened - timedelta(days=3)
    days = [intake] + [opened + timedelta(days=7 * i) for i in range(weeks - 1)]
    for day, total in zip(days, phq9, strict=True):
        score(patient, "phq9", total, day)
    for day, total in zip(days, gad7 or [], strict=False):
        score(patient, "gad7", total, day)
    if ended:
        course.phase = Phase.ENDED
        course.outcome = Outcome.COMPLETED
        course.ended_on = days[-1]
        course.save()
    return course


PROGRESS = "outcomes:progress"


def url(name: str, patient: Patient, **params: str) -> str:
    base = reverse(name, args=[patient.public_id])
    return base + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


# --- The pages ---------------------------------------------------------------------


def test_the_progress_page_shows_the_chart_table_outcome_and_status(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given a course that has not improved reliably by session 6
    course = course_with_scores(
        clinic, [16, 15, 15, 14, 13, 12, 12], [12, 11, 11, 10, 10, 9, 9]
    )
    TimelineEntryFactory(
        course=course,
        started_on=course.opened_on + timedelta(days=10),
        title="Moved house",
    )
    CourseSession.objects.create(
        course=course,
        held_on=course.opened_on + timedelta(days=45),
        attendance=Attendance.MISSED,
        phase=course.phase,
        recorded_by=clinic.therapist_on_team,
    )
    # when the clinician opens the progress page
    response = as_therapist.get(url(PROGRESS, clinic.patient))
    body = response.content.decode()
    # then: the chart inline, the table beside it, the outcome, the status and its rule
    assert response.status_code == 200
    assert (
        '<svg role="img"' in body
        and "style=" not in body.split("<svg", 1)[1].split("</svg>")[0]
    )
    assert "<caption>PHQ-9 scores" in body
    assert "Life event 1," in body and "Moved house" in body
    assert "Missed session:" in body
    assert "No reliable improvement by session 6" in body
    assert "provisional" in body
    assert "NHS Talking Therapies outcome" in body
    progress = response.context["progress"]
    assert [i.rules.instrument_id for i in progress.instruments] == ["phq9", "gad7"]
    assert progress.instruments[0].status.not_on_track


def test_the_progress_page_of_a_patient_without_a_course_shows_their_scores(
    as_therapist: Client, clinic: Clinic
) -> None:
    score(clinic.patient, "phq9", 14, timezone.localdate() - timedelta(days=20))
    response = as_therapist.get(url(PROGRESS, clinic.patient))
    assert response.status_code == 200
    assert "No course recorded" in response.content.decode()
    assert response.context["progress"].instruments[0].outcome.scores == 1


def test_baseline_and_latest_say_prorated_beside_a_prorated_total_only(
    as_therapist: Client, clinic: Clinic
) -> None:
    # a complete first PHQ-9, then one with item 3 unanswered (prorated to 8)
    first = timezone.localdate() - timedelta(days=20)
    score(clinic.patient, "phq9", 14, first)
    AdministrationFactory(
        patient=clinic.patient,
        answers=[1, 1, None, 1, 1, 1, 1, 1, 0],
        administered_at=timezone.make_aware(
            datetime.combine(first + timedelta(days=14), time(9, 0))
        ),
    )
    body = as_therapist.get(url(PROGRESS, clinic.patient)).content.decode()
    status = body.split('<dl class="details outcome">', 1)[1].split("</dl>", 1)[0]
    baseline, latest = status.split("<dt>Latest</dt>", 1)
    assert "prorated" not in baseline
    assert '8 <span class="muted">(prorated from 8 of 9 items; ' in latest


def test_the_progress_page_with_no_score_draws_an_empty_chart(
    as_therapist: Client, clinic: Clinic
) -> None:
    body = as_therapist.get(url(PROGRESS, clinic.patient)).content.decode()
    assert "No scores yet" in body


def test_another_patients_course_is_404(as_therapist: Client, clinic: Clinic) -> None:
    other = CourseFactory(patient=clinic.patient_other_site)
    response = as_therapist.get(
        url(PROGRESS, clinic.patient, course=str(other.public_id))
    )
    assert response.status_code == 404
    missing = as_therapist.get(url(PROGRESS, clinic.patient, course=str(uuid.uuid4())))
    assert missing.status_code == 404


def test_all_scores_can_be_shown_without_the_course(
    as_therapist: Client, clinic: Clinic
) -> None:
    course_with_scores(clinic, [16, 12, 9])
    response = as_therapist.get(url(PROGRESS, clinic.patient, course="all"))
    assert response.status_code == 200
    assert response.context["progress"].course is None
    assert "All scores" in response.content.decode()
    assert (
        as_therapist.get(url(PROGRESS, clinic.patient, course="nonsense")).status_code
        == 404
    )


def test_a_deterioration_between_two_runs_of_the_job_still_raises_its_alert(
    clinic: Clinic,
) -> None:
    # given +6 at session 2 that is back to +1 by session 3 before the job ran
    course = course_with_scores(clinic, [12, 14, 18, 13])
    assert services.not_on_track_check() == 1
    alert = Alert.objects.get()
    assert alert.source_key == f"{course.pk}:phq9:reliable_deterioration"
    assert "at session 2" in alert.reason


def test_the_summary_for_the_patient_page_has_the_chart_and_the_open_alerts(
    as_therapist: Client, clinic: Clinic
) -> None:
    course_with_scores(clinic, [16, 12, 9])
    alert = AlertFactory(patient=clinic.patient)
    response = as_therapist.get(url("outcomes:summary", clinic.patient))
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="progress-summary"')
    assert '<svg role="img"' in body and "visually-hidden" in body  # table for readers
    assert str(alert.public_id) in body
    # the patient page loads it with htmx, and links to it without
    page = as_therapist.get(reverse("patients:detail", args=[clinic.patient.public_id]))
    assert url("outcomes:summary", clinic.patient) in page.content.decode()


def _queries(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


def test_the_progress_page_costs_the_same_for_3_and_30_scores(
    as_therapist: Client, clinic: Clinic
) -> None:
    small_patient = PatientFactory(team=clinic.team_a)
    large_patient = PatientFactory(team=clinic.team_a)
    for patient in (small_patient, large_patient):
        patient.care_team.create(staff=clinic.therapist_on_team, role="clinician")
    small = course_with_scores(clinic, [16, 14, 12], [10, 9, 8], patient=small_patient)
    large = course_with_scores(
        clinic,
        [16 - i // 3 for i in range(30)],
        [12 - i // 4 for i in range(30)],
        patient=large_patient,
    )
    for course in (small, large):
        TimelineEntryFactory(
            course=course, started_on=course.opened_on + timedelta(days=8)
        )
    AlertFactory(patient=large_patient)
    for _ in range(10):
        AlertFactory(patient=large_patient)
        TimelineEntryFactory(
            course=large, started_on=large.opened_on + timedelta(days=9)
        )
    for name in (PROGRESS, "outcomes:summary"):
        assert _queries(as_therapist, url(name, small_patient)) == _queries(
            as_therapist, url(name, large_patient)
        ), name


def test_each_page_view_is_one_audit_row(as_therapist: Client, clinic: Clinic) -> None:
    before = AuditEvent.objects.filter(patient=clinic.patient).count()
    as_therapist.get(url(PROGRESS, clinic.patient))
    assert AuditEvent.objects.filter(patient=clinic.patient).count() == before + 1


# --- Not on track: the hourly job ----------------------------------------------------


def test_the_job_raises_a_not_on_track_alert_once(clinic: Clinic) -> None:
    # given a course with no reliable improvement by session 6
    course = course_with_scores(clinic, [16, 15, 15, 14, 13, 12, 12])
    # when the job runs twice
    first = services.not_on_track_check()
    second = tasks.not_on_track_check.call_local()
    # then one routine alert, naming the rule and why
    assert (first, second) == (1, 0)
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule, alert.course) == (
        "not_on_track",
        "not_on_track_no_reliable_improvement",
        course,
    )
    assert alert.reason.startswith(
        "PHQ-9 not on track. No reliable improvement by session 6"
    )
    assert alert.source_key == f"{course.pk}:phq9:no_reliable_improvement"


def test_a_reliable_deterioration_raises_its_own_alert(clinic: Clinic) -> None:
    course = course_with_scores(clinic, [10, 12, 16], [6, 7, 10])
    services.not_on_track_check()
    assert sorted(Alert.objects.values_list("rule", "source_key")) == [
        (
            "not_on_track_reliable_deterioration",
            f"{course.pk}:gad7:reliable_deterioration",
        ),
        (
            "not_on_track_reliable_deterioration",
            f"{course.pk}:phq9:reliable_deterioration",
        ),
    ]


def test_a_course_on_track_raises_nothing(clinic: Clinic) -> None:
    course_with_scores(clinic, [16, 14, 12, 11, 10, 9, 8])
    assert services.not_on_track_check() == 0


def test_ended_courses_are_not_checked(clinic: Clinic) -> None:
    course_with_scores(clinic, [16, 15, 15, 14, 13, 12, 12], ended=True)
    assert services.not_on_track_check() == 0


# --- Expected trajectories: the nightly refit ----------------------------------------


def test_the_refit_stores_a_trajectory_per_instrument_and_starting_band(
    clinic: Clinic,
) -> None:
    # given three finished courses that started moderately severe (15–19) on the PHQ-9
    for start in (16, 17, 18):
        patient = PatientFactory(team=clinic.team_a)
        course_with_scores(
            clinic,
            [start, start - 2, start - 4, start - 5],
            patient=patient,
            ended=True,
        )
    # when the nightly job runs
    stored = tasks.trajectories_refit.call_local()
    # then one PHQ-9 trajectory for that band, from three courses
    assert stored == 1
    row = ExpectedTrajectory.objects.get()
    assert (row.instrument_id, row.band, row.courses) == (
        "phq9",
        "moderately severe",
        3,
    )
    assert row.slope < 0
    # and a course starting in that band is judged against it once the minimum is met
    course_with_scores(clinic, [17, 17, 17, 17])
    progress = selectors.patient_progress(patient=clinic.patient)
    assert progress.instruments[0].status.method == "stated_rule"
    with override_minimum(3):
        progress = selectors.patient_progress(patient=clinic.patient)
    status = progress.instruments[0].status
    assert status.method == "expected_trajectory"
    assert status.not_on_track and "3 finished courses" in status.reason


def test_the_refit_replaces_the_previous_fit(clinic: Clinic) -> None:
    ExpectedTrajectory.objects.create(
        instrument_id="phq9",
        band="severe",
        courses=99,
        slope=-1,
        lower=-1,
        upper=1,
        version="old",
        fitted_at=timezone.now(),
    )
    assert services.trajectories_refit() == 0
    assert not ExpectedTrajectory.objects.exists()


class override_minimum:  # noqa: N801 - reads as a context manager
    def __init__(self, minimum: int) -> None:
        from django.test import override_settings

        self._override = override_settings(
            IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES=minimum
        )

    def __enter__(self) -> None:
        self._override.enable()

    def __exit__(self, *args: object) -> None:
        self._override.disable()
