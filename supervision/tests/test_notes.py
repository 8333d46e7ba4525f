"""Supervision notes: recorded by a supervisor for their teams only, the advice on the
patient's course page, the actions in both inboxes until done; every read audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import Clinic, signed_in
from ipt.tests.factories import CourseFactory, course_in_phase
from supervision.models import CaseDiscussion, SupervisionAction, SupervisionNote

pytestmark = pytest.mark.django_db

NEW = reverse("supervision:note-create")
ADVICE = "Bring the <b>dispute</b> back to the communication analysis."


def _form(clinic: Clinic, **overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "held_on": today.isoformat(),
        "clinician": clinic.therapist_on_team.pk,
        "patients": [clinic.patient.pk],
        "advice": ADVICE,
        "action_1": "Give the PHQ-9 before every session",
        "due_1": (today + timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_supervisor_records_a_case_discussion(client: Client, clinic: Clinic) -> None:
    course = CourseFactory(patient=clinic.patient, clinician=clinic.therapist_on_team)
    signed_in(client, clinic.supervisor)
    response = client.post(NEW, _form(clinic))
    assert response.status_code == 302
    case = CaseDiscussion.objects.get()
    assert case.course == course and case.advice == ADVICE
    assert SupervisionAction.objects.get().note == case.note
    event = AuditEvent.objects.get(category="supervision", patient=clinic.patient)
    assert ADVICE not in event.detail  # the advice stays out of the trail


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"advice": "  "}, "This field is required."),
        ({"held_on": "not a date"}, "Enter a valid date."),
        ({"due_1": ""}, "Give the date the action is due."),
        ({"action_1": ""}, "Say what the action is."),
        # Ids past any database's integers (an outside probe's 500 on SQLite).
        ({"patients": ["99999999999999999999999"]}, "not one of the available"),
        ({"patients": [str(2**63)]}, "not one of the available"),
        ({"clinician": "99999999999999999999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_records_nothing(
    client: Client, clinic: Clinic, change: dict[str, object], error: str
) -> None:
    signed_in(client, clinic.supervisor)
    response = client.post(NEW, _form(clinic, **change))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert SupervisionNote.objects.count() == 0


def test_a_supervisor_cannot_discuss_another_teams_patient_or_clinician(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    other_patient = client.post(
        NEW, _form(clinic, patients=[clinic.patient_other_site.pk])
    )
    other_clinician = client.post(
        NEW, _form(clinic, clinician=clinic.therapist_other_site.pk)
    )
    assert other_patient.status_code == other_clinician.status_code == 400
    assert SupervisionNote.objects.count() == 0


def test_the_clinician_sees_the_advice_on_the_course_page(
    client: Client, clinic: Clinic
) -> None:
    course = course_in_phase(
        "middle", patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    signed_in(client, clinic.supervisor)
    client.post(NEW, _form(clinic))
    signed_in(client, clinic.therapist_on_team)
    page = client.get(
        reverse(
            "ipt:course-detail",
            kwargs={
                "public_id": clinic.patient.public_id,
                "course_id": course.public_id,
            },
        )
    ).content.decode()
    assert "Advice from supervision" in page
    assert "Bring the &lt;b&gt;dispute&lt;/b&gt; back" in page  # text, never markup
    # The course's structure, element by element.
    assert (
        "IPT&#x27;s structure in this course" in page
        or "IPT's structure in this course" in page
    )
    assert "Formulation agreed with the patient" in page


def test_due_actions_appear_in_both_inboxes_until_done(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    client.post(NEW, _form(clinic))
    action = SupervisionAction.objects.get()
    for staff in (clinic.therapist_on_team, clinic.supervisor):
        signed_in(client, staff)
        inbox = client.get(reverse("alerts:inbox")).content.decode()
        assert "Give the PHQ-9 before every session" in inbox
    signed_in(client, clinic.therapist_off_team)
    assert "Give the PHQ-9" not in client.get(reverse("alerts:inbox")).content.decode()
    signed_in(client, clinic.therapist_on_team)
    done = client.post(
        reverse("supervision:action-done", kwargs={"action_id": action.public_id}),
        {"next": reverse("alerts:inbox")},
    )
    assert done.status_code == 302 and done.url == reverse("alerts:inbox")  # type: ignore[attr-defined]
    action.refresh_from_db()
    assert action.done_by == clinic.therapist_on_team
    assert "Give the PHQ-9" not in client.get(reverse("alerts:inbox")).content.decode()


def test_an_action_due_next_month_is_not_yet_in_the_inbox(
    client: Client, clinic: Clinic
) -> None:
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    signed_in(client, clinic.supervisor)
    client.post(NEW, _form(clinic, due_1=later))
    signed_in(client, clinic.therapist_on_team)
    assert "Give the PHQ-9" not in client.get(reverse("alerts:inbox")).content.decode()


def test_someone_else_cannot_close_an_action(client: Client, clinic: Clinic) -> None:
    signed_in(client, clinic.supervisor)
    client.post(NEW, _form(clinic))
    action = SupervisionAction.objects.get()
    signed_in(client, clinic.therapist_off_team)
    url = reverse("supervision:action-done", kwargs={"action_id": action.public_id})
    assert client.post(url).status_code == 404
    action.refresh_from_db()
    assert action.done_at is None


def test_the_notes_page_audits_each_patient_named(
    client: Client, clinic: Clinic
) -> None:
    signed_in(client, clinic.supervisor)
    client.post(NEW, _form(clinic))
    signed_in(client, clinic.therapist_on_team)
    page = client.get(reverse("supervision:notes")).content.decode()
    assert clinic.patient.family_name in page
    assert (
        AuditEvent.objects.filter(
            actor=clinic.therapist_on_team,
            patient=clinic.patient,
            category="supervision",
        ).count()
        == 1
    )
    signed_in(client, clinic.therapist_other_site)
    other = client.get(reverse("supervision:notes")).content.decode()
    assert clinic.patient.family_name not in other


def test_the_actions_due_are_read_as_the_orm_reads_them(
    client: Client, clinic: Clinic, django_assert_num_queries: Any
) -> None:
    """The inbox's actions due come from a statement built once (decisions/0072): the
    same actions, with the note's clinician and supervisor read in the same query."""
    from supervision import selectors

    signed_in(client, clinic.supervisor)
    client.post(NEW, _form(clinic))
    horizon = timezone.localdate() + timedelta(days=selectors.ACTIONS_AHEAD_DAYS)
    for staff in (
        clinic.therapist_on_team,
        clinic.supervisor,
        clinic.therapist_off_team,
    ):
        read = selectors.actions_due(staff=staff)
        expected = list(selectors._actions_due(staff.pk, horizon))
        assert [a.pk for a in read] == [a.pk for a in expected]
        for action, same in zip(read, expected, strict=True):
            for field in SupervisionAction._meta.concrete_fields:
                assert getattr(action, field.attname) == getattr(same, field.attname)
            with django_assert_num_queries(0):
                assert action.note.clinician == same.note.clinician
                assert action.note.supervisor == same.note.supervisor
    assert selectors.actions_due(staff=clinic.therapist_on_team)
    assert not selectors.actions_due(staff=clinic.therapist_off_team)
