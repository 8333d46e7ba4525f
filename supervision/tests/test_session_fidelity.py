"""Session fidelity: the clinician's self-rating and the supervisor's rating of the
same session side by side, on a checklist kept as data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import access
from conftest import Clinic, signed_in
from ipt.choices import Phase
from ipt.models import CourseSession
from ipt.tests.factories import course_in_phase
from supervision import checklists
from supervision.models import Checklist, ChecklistItem, SessionRating
from supervision.services import checklist_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinic: Clinic) -> CourseSession:
    checklist_ensure()
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    found = course.sessions.filter(phase=Phase.MIDDLE).order_by("-number").first()
    assert found is not None
    return found


def _url(session: CourseSession) -> str:
    course = session.course
    return reverse(
        "supervision:session-fidelity",
        kwargs={
            "public_id": course.patient.public_id,
            "course_id": course.public_id,
            "session_id": session.public_id,
        },
    )


def _items(session: CourseSession) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(
            checklist__code=checklists.CODE, phase__in=["", session.phase]
        ).filter(problem_area__in=["", "disputes"])
    )


def _all(session: CourseSession, score: str) -> dict[str, str]:
    return {f"item_{item.pk}": score for item in _items(session)}


def test_the_shipped_checklist_is_data_and_not_the_licensed_scale() -> None:
    checklist = checklist_ensure()
    assert checklist.items.count() == len(checklists.ITEMS)
    assert "Quality and Adherence Scale" not in checklist.name
    assert "Not the IPT Quality and Adherence Scale" in checklist.source


def test_a_middle_session_shows_the_middle_items_of_its_problem_area(
    client: Client, clinic: Clinic, session: CourseSession
) -> None:
    signed_in(client, clinic.therapist_on_team)
    page = client.get(_url(session)).content.decode()
    assert "Used communication analysis of a recent exchange" in page
    assert "Named the dispute and its stage" in page  # the course works a dispute
    assert "Facilitated mourning" not in page  # grief: another area
    assert "Agreed the treatment contract" not in page  # initial phase


def test_self_and_supervisor_ratings_sit_side_by_side(
    client: Client, clinic: Clinic, session: CourseSession
) -> None:
    signed_in(client, clinic.therapist_on_team)
    assert client.post(_url(session), _all(session, "done")).status_code == 302
    signed_in(client, clinic.supervisor)
    scores = _all(session, "done")
    first = next(iter(scores))
    scores[first] = "partly"
    assert client.post(_url(session), scores).status_code == 302
    ratings = {r.role: r for r in SessionRating.objects.filter(session=session)}
    assert ratings["self"].rater == clinic.therapist_on_team
    assert ratings["supervisor"].rater == clinic.supervisor
    page = client.get(_url(session)).content.decode()
    assert "Partly" in page and "differs" in page


def test_an_incomplete_rating_saves_nothing(
    client: Client, clinic: Clinic, session: CourseSession
) -> None:
    scores = _all(session, "done")
    scores.pop(next(iter(scores)))
    scores[next(iter(scores))] = "brilliant"
    signed_in(client, clinic.therapist_on_team)
    response = client.post(_url(session), scores)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert SessionRating.objects.count() == 0


def test_someone_who_only_broke_the_glass_may_read_but_not_rate(
    client: Client, clinic: Clinic, session: CourseSession
) -> None:
    access.break_glass(
        staff=clinic.therapist_off_team,
        record_number=clinic.patient.record_number,
        reason="Patient called the duty line in crisis.",
    )
    signed_in(client, clinic.therapist_off_team)
    assert client.get(_url(session)).status_code == 200
    assert client.post(_url(session), _all(session, "done")).status_code == 403
    assert SessionRating.objects.count() == 0


@pytest.mark.parametrize(
    "persona",
    ["therapist_other_site", "supervisor_other_team", "coordinator", "administrator"],
)
def test_the_ratings_are_a_404_outside_the_record(
    client: Client, clinic: Clinic, session: CourseSession, persona: str
) -> None:
    signed_in(client, clinic.persona(persona))
    assert client.get(_url(session)).status_code == 404


def test_a_licensed_scale_loads_as_another_checklist(
    client: Client, clinic: Clinic, session: CourseSession
) -> None:
    licensed = Checklist.objects.create(
        code="licensed-scale", name="A licensed adherence scale", source="Licensed"
    )
    ChecklistItem.objects.create(
        checklist=licensed, position=1, text="Licensed item one"
    )
    signed_in(client, clinic.supervisor)
    page = client.get(_url(session), {"checklist": "licensed-scale"}).content.decode()
    assert "Licensed item one" in page
    assert client.get(_url(session), {"checklist": "nope"}).status_code == 404


def test_an_item_retired_by_the_administrator_is_no_longer_asked(
    client: Client, clinic: Clinic, session: CourseSession
) -> None:
    ChecklistItem.objects.filter(text__startswith="Used communication analysis").update(
        is_active=False
    )
    signed_in(client, clinic.therapist_on_team)
    assert (
        "Used communication analysis" not in client.get(_url(session)).content.decode()
    )
