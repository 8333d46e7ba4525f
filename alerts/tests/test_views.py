"""The inbox (only patients the user may see, by urgency, audited, polled without
churn), an alert's page and its acknowledgement (refused without the action taken)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import CareTeamRole
from alerts import selectors
from alerts.choices import ActionTaken, AlertKind, Urgency
from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from audit.models import AuditEvent
from conftest import Clinic
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

INBOX = reverse("alerts:inbox")


def _listed(client: Client, **params: str) -> list[Alert]:
    response = client.get(INBOX, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_the_inbox_lists_only_alerts_of_patients_the_user_may_see(
    client: Client, clinic: Clinic
) -> None:
    # given an alert for a team A patient and one for a team B patient
    mine = AlertFactory(patient=clinic.patient)
    theirs = AlertFactory(patient=clinic.patient_other_site)
    # then each sees only their own patients' alerts
    cases = {
        clinic.therapist_on_team: [mine],
        clinic.therapist_off_team: [],
        clinic.therapist_other_site: [theirs],
        clinic.supervisor: [mine],
        clinic.supervisor_other_team: [theirs],
    }
    for staff, expected in cases.items():
        client.force_login(staff)
        assert _listed(client) == expected, staff.username


@pytest.mark.parametrize("persona", ["coordinator", "administrator"])
def test_the_inbox_is_not_for_non_clinical_roles(
    client: Client, clinic: Clinic, persona: str
) -> None:
    AlertFactory(patient=clinic.patient)
    client.force_login(getattr(clinic, persona))
    assert client.get(INBOX).status_code == 404


def test_the_inbox_is_sorted_by_urgency_then_escalated_then_oldest(
    as_therapist: Client, clinic: Clinic
) -> None:
    now = timezone.now()
    routine = AlertFactory(
        patient=clinic.patient, urgency=Urgency.ROUTINE, kind=AlertKind.NOT_ON_TRACK
    )
    urgent_new = AlertFactory(patient=clinic.patient)
    urgent_old = AlertFactory(patient=clinic.patient)
    escalated = AlertFactory(patient=clinic.patient, escalated_at=now)
    same_day = AlertFactory(patient=clinic.patient, urgency=Urgency.SAME_DAY)
    Alert.objects.filter(pk=urgent_old.pk).update(created_at=now - timedelta(hours=1))
    assert _listed(as_therapist) == [
        escalated,
        urgent_old,
        urgent_new,
        same_day,
        routine,
    ]


def test_acknowledged_alerts_have_their_own_tab(
    as_therapist: Client, clinic: Clinic
) -> None:
    closed = AlertFactory(
        patient=clinic.patient,
        acknowledged_at=timezone.now(),
        acknowledged_by=clinic.therapist_on_team,
        action_taken=ActionTaken.CALLED_PATIENT,
    )
    assert _listed(as_therapist) == []
    assert _listed(as_therapist, state="closed") == [closed]


def test_each_alert_shown_is_one_audit_row_naming_its_patient(
    as_therapist: Client, clinic: Clinic
) -> None:
    alerts = [AlertFactory(patient=clinic.patient) for _ in range(3)]
    _listed(as_therapist)
    rows = AuditEvent.objects.filter(category="alert", action="list")
    assert sorted(r.object_id for r in rows) == sorted(str(a.public_id) for a in alerts)
    assert {r.patient for r in rows} == {clinic.patient}


def test_the_inbox_poll_answers_no_change_until_something_changes(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given the page as loaded, with its fingerprint
    AlertFactory(patient=clinic.patient)
    page = as_therapist.get(INBOX)
    seen = page.context["fingerprint"]
    assert 'hx-trigger="every 60s"' in page.content.decode()
    audit_rows = AuditEvent.objects.count()
    # when htmx polls with nothing new: 204, nothing rendered, nothing audited
    poll = as_therapist.get(INBOX, {"seen": seen}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 204
    assert AuditEvent.objects.count() == audit_rows
    # when a new alert arrives: the list alone, re-rendered
    AlertFactory(patient=clinic.patient)
    poll = as_therapist.get(INBOX, {"seen": seen}, HTTP_HX_REQUEST="true")
    body = poll.content.decode()
    assert poll.status_code == 200 and body.lstrip().startswith('<div id="alert-list"')
    assert "<html" not in body


def _give_alerts(clinic: Clinic, count: int) -> None:
    for _ in range(count):
        patient = PatientFactory(team=clinic.team_a)
        CareTeamMemberFactory(
            patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
        )
        AlertFactory(patient=patient)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_for_5_and_50_alerts(
    as_therapist: Client, clinic: Clinic
) -> None:
    _give_alerts(clinic, 5)
    small = _queries(as_therapist, INBOX)
    _give_alerts(clinic, 45)
    assert _queries(as_therapist, INBOX) == small


def test_the_inbox_pages_follow_the_urgency_order_across_pages(
    as_therapist: Client, clinic: Clinic, settings: object
) -> None:
    """Each page's alerts are chosen among the alerts alone, then joined to their
    patients: the pages together are the whole list in order, each once, and the
    count shown is the fingerprint's."""
    settings.IPTCARE_PAGE_SIZE = 4
    _give_alerts(clinic, 5)
    for urgency, count in ((Urgency.URGENT, 2), (Urgency.ROUTINE, 3)):
        for _ in range(count):
            AlertFactory(patient=clinic.patient, urgency=urgency)
    Alert.objects.filter(pk=Alert.objects.order_by("id").first().pk).update(
        acknowledged_at=timezone.now(), action_taken=ActionTaken.SAFETY_PLAN_REVIEWED
    )
    expected = list(Alert.objects.open().by_urgency())
    pages = [_listed(as_therapist, page=str(n)) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [4, 4, 1]
    assert [alert for page in pages for alert in page] == expected
    response = as_therapist.get(INBOX, {"page": "3"})
    assert response.context["page"].paginator.count == len(expected) == 9
    assert "9 in all" in response.content.decode()


def test_the_navigation_loads_the_open_alert_count_after_the_page(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given two open alerts of the therapist's patient and one of another's
    AlertFactory(patient=clinic.patient)
    AlertFactory(patient=clinic.patient)
    AlertFactory(patient=clinic.patient_other_site)
    # then pages carry an empty count that htmx fills in, and refreshes every minute
    count_url = reverse("alerts:count")
    page = as_therapist.get(reverse("patients:caseload")).content.decode()
    assert f'hx-get="{count_url}" hx-trigger="load, every 60s"' in page
    count = as_therapist.get(count_url).content.decode()
    assert 'class="count has-alerts"' in count and ">2<" in count
    assert 'hx-trigger="every 60s"' in count
    assert selectors.open_count_for(clinic.coordinator) == 0


def test_the_alert_count_costs_no_audit_row(
    as_therapist: Client, clinic: Clinic
) -> None:
    AlertFactory(patient=clinic.patient)
    before = AuditEvent.objects.count()
    as_therapist.get(reverse("alerts:count"))
    assert AuditEvent.objects.count() == before


def _detail(alert: Alert) -> str:
    return reverse("alerts:detail", args=[alert.patient.public_id, alert.public_id])


def _acknowledge(alert: Alert) -> str:
    return reverse(
        "alerts:acknowledge", args=[alert.patient.public_id, alert.public_id]
    )


def test_an_alert_of_another_patient_is_404_through_this_patients_url(
    as_therapist: Client, clinic: Clinic
) -> None:
    foreign = AlertFactory(patient=clinic.patient_other_site)
    url = reverse("alerts:detail", args=[clinic.patient.public_id, foreign.public_id])
    assert as_therapist.get(url).status_code == 404


def test_the_alert_page_shows_the_reason_and_the_form(
    as_therapist: Client, clinic: Clinic
) -> None:
    alert = AlertFactory(patient=clinic.patient)
    body = as_therapist.get(_detail(alert)).content.decode()
    assert alert.reason.replace("'", "&#x27;") in body
    assert "Reviewed the safety plan with the patient" in body


def test_acknowledging_without_an_action_shows_an_error_and_changes_nothing(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given an open alert
    alert = AlertFactory(patient=clinic.patient)
    updates = AuditEvent.objects.filter(action="update").count()
    # when it is submitted with no action
    response = as_therapist.post(_acknowledge(alert), {"action_note": "spoke"})
    # then the page again with the error, the alert still open, nothing written
    assert response.status_code == 200
    assert "Say what was done before acknowledging." in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open and alert.action_taken == "" and alert.action_note == ""
    assert AuditEvent.objects.filter(action="update").count() == updates


def test_other_without_words_is_refused(as_therapist: Client, clinic: Clinic) -> None:
    alert = AlertFactory(patient=clinic.patient)
    response = as_therapist.post(_acknowledge(alert), {"action_taken": "other"})
    assert "Describe what was done." in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open


def test_acknowledging_with_the_action_taken_closes_the_alert(
    as_therapist: Client, clinic: Clinic
) -> None:
    alert = AlertFactory(patient=clinic.patient)
    response = as_therapist.post(
        _acknowledge(alert), {"action_taken": ActionTaken.SAFETY_PLAN_REVIEWED}
    )
    assert response.status_code == 302 and response["Location"] == INBOX
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinic.therapist_on_team
    assert alert.action_taken == ActionTaken.SAFETY_PLAN_REVIEWED
    # a second time: refused, shown, unchanged
    again = as_therapist.post(_acknowledge(alert), {"action_taken": "called_patient"})
    assert "acknowledged already" in again.content.decode()
    alert.refresh_from_db()
    assert alert.action_taken == ActionTaken.SAFETY_PLAN_REVIEWED


def test_viewing_pages_never_raises_an_alert(
    as_therapist: Client, clinic: Clinic
) -> None:
    # given a risk answer no job has turned into an alert yet
    from alerts.tests.test_services import phq9_with_item9

    phq9_with_item9(clinic)
    # when every page that shows alerts is viewed
    for url in (
        INBOX,
        reverse("patients:caseload"),
        reverse("patients:detail", args=[clinic.patient.public_id]),
        reverse("outcomes:progress", args=[clinic.patient.public_id]),
        reverse("outcomes:summary", args=[clinic.patient.public_id]),
    ):
        assert as_therapist.get(url).status_code == 200
    # then no alert exists: only the job raises them
    assert not Alert.objects.exists()


def test_a_risk_alert_links_to_its_questionnaire(
    as_therapist: Client, clinic: Clinic
) -> None:
    from alerts import services
    from alerts.tests.test_services import phq9_with_item9

    administration = phq9_with_item9(clinic)
    services.alerts_from_risk_events()
    alert = Alert.objects.get()
    body = as_therapist.get(_detail(alert)).content.decode()
    expected = reverse(
        "measures:detail", args=[clinic.patient.public_id, administration.public_id]
    )
    assert f'href="{expected}"' in body


@pytest.mark.parametrize(
    ("asked", "shown", "first"),
    [("2", 2, 4), ("3", 3, 8), ("4", 3, 8), ("999", 3, 8), ("abc", 1, 0), ("0", 3, 8)],
)
def test_a_page_that_is_not_a_page_is_chosen_as_the_paginator_chooses_it(
    as_therapist: Client,
    clinic: Clinic,
    settings: object,
    asked: str,
    shown: int,
    first: int,
) -> None:
    """Past the last page: the last; not a number: the first; below 1: the last (as
    ``Paginator.get_page``). The page carries the summary the poll compares, and a
    poll with it finds nothing new."""
    settings.IPTCARE_PAGE_SIZE = 4  # type: ignore[attr-defined]
    _give_alerts(clinic, 9)
    expected = list(Alert.objects.open().by_urgency())
    response = as_therapist.get(INBOX, {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    listed = list(response.context["page"].object_list)
    assert listed == expected[first : first + 4]
    assert response.context["page"].paginator.count == 9
    poll = as_therapist.get(
        INBOX, {"seen": response.context["fingerprint"]}, HTTP_HX_REQUEST="true"
    )
    assert poll.status_code == 204


def test_an_empty_inbox_says_so_and_its_poll_finds_nothing_new(
    as_therapist: Client,
) -> None:
    response = as_therapist.get(INBOX, {"page": "2"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert list(response.context["page"].object_list) == []
    poll = as_therapist.get(
        INBOX, {"seen": response.context["fingerprint"]}, HTTP_HX_REQUEST="true"
    )
    assert poll.status_code == 204


def test_the_inbox_finds_its_alerts_once_for_the_page_and_its_summary(
    as_therapist: Client, clinic: Clinic, settings: object
) -> None:
    """The page's alerts and the list's summary come from one statement: the list is
    not read twice (decisions/0075). Only the rows shown are read again, by id."""
    settings.IPTCARE_KEEP_PAGES = False  # type: ignore[attr-defined]
    _give_alerts(clinic, 3)
    with CaptureQueriesContext(connection) as queries:
        assert as_therapist.get(INBOX).status_code == 200
    reading_the_list = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "alerts_alert"' in q["sql"] and "INSERT" not in q["sql"]
    ]
    assert len(reading_the_list) == 2, reading_the_list
    assert "OVER" in reading_the_list[0]  # the summary beside the page's rows
    assert '"alerts_alert"."id" IN' in reading_the_list[1]  # the rows, by id
