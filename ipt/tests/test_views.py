"""The IPT pages: they render, bad input re-renders with errors and changes nothing,
HTMX gets the partial, refusals are shown, and ids are only found through the
patient."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic
from ipt.choices import Phase
from ipt.models import (
    Contract,
    Course,
    CourseExtension,
    CourseSession,
    Goal,
    InventoryPerson,
    SessionNote,
    TimelineEntry,
)
from ipt.tests.factories import (
    CourseFactory,
    PersonFactory,
    course_in_phase,
    program,
    signed_note,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


@pytest.fixture
def initial(clinic: Clinic) -> Course:
    return CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)


def url(name: str, course: Course, **extra: Any) -> str:
    return reverse(
        name,
        kwargs={
            "public_id": course.patient.public_id,
            "course_id": course.public_id,
            **extra,
        },
    )


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Course,
            InventoryPerson,
            TimelineEntry,
            Contract,
            Goal,
            CourseSession,
            SessionNote,
            CourseExtension,
        )
    )


def test_the_course_page_says_where_the_course_is(
    as_therapist: Client, course: Course
) -> None:
    response = as_therapist.get(url("ipt:course-detail", course))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Session 8 of 12, middle phase, 4 left" in page
    assert "sessions 1–3 initial · 4–9 middle · 10–12 termination" in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert "The circle as a table" in page


def test_the_course_page_lists_what_the_middle_phase_still_needs(
    as_therapist: Client, initial: Course
) -> None:
    page = as_therapist.get(url("ipt:course-detail", initial)).content.decode()
    assert "Before the middle phase" in page
    assert "Choose the problem area (one, at most two)." in page


def test_opening_a_course_from_the_patients_page(
    as_therapist: Client, clinic: Clinic
) -> None:
    detail = as_therapist.get(
        reverse("patients:detail", args=[clinic.patient.public_id])
    )
    assert "Open a course" in detail.content.decode()
    response = as_therapist.post(
        reverse("ipt:course-open", args=[clinic.patient.public_id]),
        {
            "program": program("brief8").pk,
            "clinician": clinic.therapist_on_team.pk,
            "opened_on": TODAY.isoformat(),
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response.url == url("ipt:course-detail", course)  # type: ignore[attr-defined]
    assert course.program.code == "brief8"


def test_a_second_open_course_is_refused_on_the_form(
    as_therapist: Client, course: Course, clinic: Clinic
) -> None:
    before = counts()
    response = as_therapist.post(
        reverse("ipt:course-open", args=[clinic.patient.public_id]),
        {
            "program": course.program.pk,
            "clinician": clinic.therapist_on_team.pk,
            "opened_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "already has an open course" in response.content.decode()
    assert counts() == before


BAD_POSTS = [
    ("ipt:inventory", {"name": "", "closeness": "7"}, "This field is required."),
    (
        "ipt:timeline",
        {"form": "event", "event-title": "Mum died", "event-started_on": "2099-01-01"},
        "The date is in the future.",
    ),
    (
        "ipt:timeline",
        {
            "form": "substance_use",
            "substance_use-title": "Alcohol",
            "substance_use-started_on": "2025-05-01",
            "substance_use-ended_on": "2024-05-01",
            "substance_use-precision": "month",
        },
        "It ended before it started.",
    ),
    (
        "ipt:session-record",
        {"held_on": "not a date", "attendance": "attended"},
        "Enter a valid date",
    ),
    (
        "ipt:extension",
        {"sessions_added": "0", "reason": "x"},
        "greater than or equal to 1",
    ),
    (
        "ipt:course-end",
        {"outcome": "completed", "reason": "x"},
        "Select a valid choice",
    ),
    (
        "ipt:termination-decide",
        {"decision": "extend"},
        "Give the reason in a sentence.",
    ),
    ("ipt:relapse-plan", {"warning_signs": "x" * 10}, "termination phase"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_POSTS)
def test_bad_input_re_renders_with_an_error_and_changes_nothing(
    as_therapist: Client, course: Course, name: str, data: dict[str, str], message: str
) -> None:
    # given
    before = counts()
    # when
    response = as_therapist.post(url(name, course), data)
    # then
    if response.status_code == 302:  # a refusal shown after the redirect
        response = as_therapist.get(response.url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_relapse_plan_refusal_in_the_initial_phase_changes_nothing(
    as_therapist: Client, initial: Course
) -> None:
    before = counts()
    response = as_therapist.post(
        url("ipt:relapse-plan", initial), {"warning_signs": "Sleep"}
    )
    assert response.status_code == 200
    assert (
        "belongs to the middle phase or termination phase" in response.content.decode()
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "ipt:contract",
            {"sessions_agreed": "3", "frequency": "weekly"},
            "At least 6 sessions",
        ),
        (
            "ipt:goal-add",
            {"area": "grief", "description": "x"},
            "Select a valid choice",
        ),
        ("ipt:formulation", {"text": ""}, "This field is required."),
        ("ipt:problem-area", {"area_1": "disputes", "stage_1": ""}, "Record the stage"),
        (
            "ipt:problem-area",
            {"area_1": "grief", "area_2": "grief"},
            "Choose a different second area",
        ),
        (
            "ipt:formulation-agree",
            {"agreed_on": "2099-01-01"},
            "The date is in the future.",
        ),
        ("ipt:contract-agree", {"agreed_on": ""}, "This field is required."),
    ],
)
def test_bad_initial_phase_input_changes_nothing(
    as_therapist: Client, initial: Course, name: str, data: dict[str, str], message: str
) -> None:
    before = counts()
    formulation = initial.formulation
    response = as_therapist.post(url(name, initial), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before
    initial.refresh_from_db()
    assert initial.formulation == formulation


def test_a_bad_note_re_renders_and_changes_nothing(
    as_therapist: Client, course: Course
) -> None:
    session = course.sessions.order_by("-number").first()
    assert session is not None
    response = as_therapist.post(
        url("ipt:note", course, session_id=session.public_id),
        {"mood": "11", "risk_level": "high", "action": "save"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "less than or equal to 10" in page
    assert "Say what was done about the risk." in page
    assert not SessionNote.objects.exists()


def test_a_note_is_saved_then_signed_then_locked(
    as_therapist: Client, course: Course
) -> None:
    session = course.sessions.order_by("-number").first()
    assert session is not None
    note_url = url("ipt:note", course, session_id=session.public_id)
    form = as_therapist.get(note_url).content.decode()
    # the middle phase of a dispute: the dispute's strategies are offered, not grief's
    assert "Analysed the communication in an argument" in form
    assert "Facilitated mourning" not in form
    data = {
        "mood": "5",
        "cravings": "3",
        "week_events": "Talked with her partner about money.",
        "checklist_disputes": ["disputes:communication", "disputes:role_play"],
        "techniques": ["communication_analysis"],
        "plan": "",
        "action": "sign",
    }
    # signing without the risk review and plan saves a draft and says what is missing
    response = as_therapist.post(note_url, data)
    assert response.status_code == 200
    assert "Complete the risk review." in response.content.decode()
    note = SessionNote.objects.get()
    assert note.status == "draft"
    assert note.checklist == ["disputes:communication", "disputes:role_play"]
    # with them it signs
    response = as_therapist.post(
        note_url, {**data, "risk_level": "none", "plan": "Role play."}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_signed
    # and the signed note is shown, not a form; a POST to it changes nothing
    page = as_therapist.get(note_url).content.decode()
    assert "A signed note is locked" in page
    assert 'name="action"' not in page
    as_therapist.post(note_url, {**data, "plan": "Rewritten."})
    note.refresh_from_db()
    assert note.plan == "Role play."


def test_an_addendum_is_added_to_a_signed_note(
    as_therapist: Client, course: Course, clinic: Clinic
) -> None:
    session = course.sessions.order_by("-number").first()
    assert session is not None
    signed_note(session)
    response = as_therapist.post(
        url("ipt:note-addendum", course, session_id=session.public_id),
        {"text": "Cravings were 6, not 3."},
    )
    assert response.status_code == 302
    page = as_therapist.get(url("ipt:note", course, session_id=session.public_id))
    assert "Cravings were 6, not 3." in page.content.decode()


def test_htmx_adds_a_person_and_gets_the_inventory_section_back(
    as_therapist: Client, course: Course
) -> None:
    response = as_therapist.post(
        url("ipt:inventory", course),
        {
            "name": "Sponsor",
            "relationship": "recovery_peer",
            "contact_frequency": "weekly",
            "closeness": "4",
            "quality": "good",
            "expectations_met": "yes",
            "supports_recovery": "on",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="inventory-section">')
    assert "<html" not in page
    assert "Sponsor" in page
    assert InventoryPerson.objects.get().supports_recovery is True


def test_htmx_rates_a_goal_and_gets_its_row_back(
    as_therapist: Client, course: Course
) -> None:
    goal = course.goals.get()
    response = as_therapist.post(
        url("ipt:goal-rate", course, goal_id=goal.public_id),
        {"level": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="goal-{goal.public_id}">')
    assert "Talks it through most weeks" in page
    assert goal.ratings.get().level == 1


def test_the_timeline_page_shows_the_picture_and_the_table(
    as_therapist: Client, course: Course
) -> None:
    mum = PersonFactory(course=course, name="Mum", deceased=True)
    response = as_therapist.post(
        url("ipt:timeline", course),
        {
            "form": "event",
            "event-kind": "loss",
            "event-title": "Mother died",
            "event-started_on": "2025-03-12",
            "event-precision": "month",
            "event-someone_died": "on",
            "event-person": str(mum.public_id),
        },
    )
    assert response.status_code == 302
    assert TimelineEntry.objects.get().person == mum
    page = as_therapist.get(url("ipt:timeline", course)).content.decode()
    assert "The timeline as a table" in page
    assert "Mother died" in page and "March 2025" in page


def test_the_timeline_picture_draws_the_changes_of_level_of_care(
    as_therapist: Client, course: Course
) -> None:
    import base64
    import re

    from recovery.models import CareLevel, CareLevelChange

    CareLevelChange.objects.create(
        patient=course.patient,
        level=CareLevel.objects.get(name="Intensive outpatient"),
        changed_on=course.opened_on,
        reason="Drinking daily again",
        recorded_by=course.clinician,
    )
    page = as_therapist.get(url("ipt:timeline", course)).content.decode()
    encoded = re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)
    assert encoded is not None
    svg = base64.b64decode(encoded.group(1)).decode()
    assert "→ Intensive outpatient" in svg
    assert "Drinking daily again" not in svg  # the reason stays in the table


def test_the_problem_area_page_shows_the_suggestion_with_its_reason(
    as_therapist: Client, initial: Course
) -> None:
    TimelineEntry.objects.create(
        course=initial,
        category="symptoms",
        title="Depressive episode",
        started_on=TODAY.replace(day=1),
    )
    TimelineEntry.objects.create(
        course=initial,
        category="life_event",
        kind="loss",
        title="Mother died",
        someone_died=True,
        started_on=TODAY.replace(day=1) - timezone.timedelta(days=62),
    )
    page = as_therapist.get(url("ipt:problem-area", initial)).content.decode()
    assert "Mother died" in page
    assert "2 months before the episode began → grief" in page


def test_the_phase_refusal_is_shown_and_changes_nothing(
    as_therapist: Client, initial: Course
) -> None:
    response = as_therapist.post(url("ipt:phase-middle", initial), follow=True)
    assert "Write the interpersonal formulation." in response.content.decode()
    initial.refresh_from_db()
    assert initial.phase == Phase.INITIAL


def test_a_course_of_another_patient_is_404_through_this_patient(
    as_therapist: Client, clinic: Clinic, course: Course
) -> None:
    other = CourseFactory(clinician=clinic.therapist_on_team)
    foreign = reverse(
        "ipt:course-detail",
        kwargs={"public_id": clinic.patient.public_id, "course_id": other.public_id},
    )
    assert as_therapist.get(foreign).status_code == 404


def test_a_person_of_another_course_is_404(
    as_therapist: Client, clinic: Clinic, course: Course
) -> None:
    stranger = PersonFactory()
    assert (
        as_therapist.get(
            url("ipt:person-edit", course, person_id=stranger.public_id)
        ).status_code
        == 404
    )
    assert (
        as_therapist.post(
            url("ipt:person-remove", course, person_id=stranger.public_id)
        ).status_code
        == 404
    )
    assert InventoryPerson.objects.filter(pk=stranger.pk).exists()


def test_a_page_read_is_audited_once_naming_the_course(
    as_therapist: Client, clinic: Clinic, course: Course
) -> None:
    before = AuditEvent.objects.filter(patient=clinic.patient).count()
    as_therapist.get(url("ipt:inventory", course))
    events = AuditEvent.objects.filter(patient=clinic.patient).order_by("-id")
    assert events.count() == before + 1
    assert f"course={course.public_id}" in events[0].detail
    assert events[0].category == "ipt_course"


def test_administrators_see_programs_in_the_admin_but_no_clinical_model(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.administrator)
    assert client.get(reverse("admin:ipt_program_changelist")).status_code == 200
    ipt12 = program("ipt12")
    change = client.get(reverse("admin:ipt_program_change", args=[ipt12.pk]))
    assert change.status_code == 200
    assert "hrsd17" in change.content.decode()  # the measure schedule, editable inline
    page = client.get(reverse("admin:index")).content.decode()
    assert "Programs" in page
    for word in ("Courses", "Session notes", "inventory", "Timeline"):
        assert word not in page
