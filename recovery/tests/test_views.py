"""The recovery pages: they render for the care team, bad input re-renders with a
clear error and changes nothing, reads are audited, foreign ids are 404s, and the
recovery page costs the same number of queries with 1 row as with 50.

Who may and may not see each page is declared in tests/access_matrix.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from ipt.choices import Phase
from ipt.tests.factories import course_in_phase
from recovery.models import (
    CareLevelChange,
    DrugTest,
    Medication,
    MedicationKind,
    SobrietyDate,
    Supporter,
    SupporterContact,
    UseReport,
    UseReview,
)
from recovery.tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def url(name: str, clinic: Any, **kwargs: Any) -> str:
    return reverse(
        f"recovery:{name}", kwargs={"public_id": clinic.patient.public_id, **kwargs}
    )


@pytest.fixture
def course(clinic: Any) -> Any:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def test_the_recovery_page_shows_the_record_and_audits_the_read(
    as_therapist: Client, clinic: Any, course: Any
) -> None:
    factories.sobriety(clinic.patient, "alcohol")
    factories.medication(clinic.patient, "Buprenorphine")
    factories.supporter(clinic.patient, name="Aunt Rose")
    factories.care_level(clinic.patient, "Intensive outpatient")
    factories.test_result(
        clinic.patient, results={"thc": "positive"}, unexpected=["thc"]
    )
    before = AuditEvent.objects.count()
    response = as_therapist.get(url("overview", clinic))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Alcohol",
        "Buprenorphine 16 mg daily",
        "Aunt Rose",
        "Intensive outpatient",
        "Cannabis (THC) (unexpected)",
        "<svg",
    ):
        assert text in page
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.patient, event.category) == (clinic.patient, "recovery")


def test_typed_text_is_escaped(as_therapist: Client, clinic: Any, course: Any) -> None:
    factories.supporter(clinic.patient, name="<script>x</script>$\\alpha$")
    page = as_therapist.get(url("overview", clinic)).content.decode()
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_recovery_page_costs_the_same_with_1_and_50_rows(
    client: Client, clinic: Any, course: Any, django_assert_num_queries: Any
) -> None:
    def fill(count: int) -> None:
        for n in range(count):
            factories.test_result(
                clinic.patient, collected_on=TODAY() - timedelta(days=n)
            )
            supporter = factories.supporter(clinic.patient, name=f"Supporter {n}")
            SupporterContact.objects.create(
                supporter=supporter,
                contacted_on=TODAY(),
                mode="phone",
                shared="Attendance",
                by=clinic.therapist_on_team,
            )
            factories.medication(clinic.patient, "Naltrexone")
            factories.care_level(clinic.patient, changed_on=TODAY() - timedelta(days=n))

    client.force_login(clinic.therapist_on_team)
    fill(1)
    client.get(url("overview", clinic))  # warm the caches (session, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url("overview", clinic)).status_code == 200
    fill(49)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url("overview", clinic)).status_code == 200


# --- Bad input on every form: re-rendered with an error, nothing changed -------------


def test_a_drug_test_on_the_wrong_specimen_is_refused(
    as_therapist: Client, clinic: Any
) -> None:
    panel = factories.panel("urine")
    response = as_therapist.post(
        url("test-add", clinic) + f"?panel={panel.pk}",
        {
            "collected_on": TODAY().isoformat(),
            "specimen": "breath",
            "panel": panel.pk,
            "collected_by": "Nurse",
            "result_thc": "negative",
        },
    )
    assert response.status_code == 200
    assert "not run on that specimen" in response.content.decode()
    assert not DrugTest.objects.exists()


def test_a_drug_test_in_the_future_is_refused(
    as_therapist: Client, clinic: Any
) -> None:
    panel = factories.panel("urine")
    response = as_therapist.post(
        url("test-add", clinic),
        {
            "collected_on": (TODAY() + timedelta(days=2)).isoformat(),
            "specimen": "urine",
            "panel": panel.pk,
            "collected_by": "Nurse",
            "result_thc": "negative",
        },
    )
    assert "The test date is in the future." in response.content.decode()
    assert not DrugTest.objects.exists()


def test_a_drug_test_is_recorded(as_therapist: Client, clinic: Any) -> None:
    panel = factories.panel("breath")
    response = as_therapist.post(
        url("test-add", clinic),
        {
            "collected_on": TODAY().isoformat(),
            "specimen": "breath",
            "panel": panel.pk,
            "collected_by": "Nurse",
            "result_alcohol": "negative",
        },
    )
    assert response.status_code == 302
    assert DrugTest.objects.get().results == {"alcohol": "negative"}


def test_the_session_use_form_refuses_impossible_days(
    as_therapist: Client, clinic: Any, course: Any
) -> None:
    session = course.sessions.order_by("number")[1]
    page = url("session-use", clinic, session_id=session.public_id)
    assert as_therapist.get(page).status_code == 200
    response = as_therapist.post(page, {"days_alcohol": "9", "heavy_alcohol": "1"})
    assert response.status_code == 200
    assert "less than or equal to 7" in response.content.decode()
    response = as_therapist.post(page, {"days_alcohol": "1", "heavy_alcohol": "3"})
    assert "cannot be more than the days of drinking" in response.content.decode()
    response = as_therapist.post(page, {"heavy_alcohol": "2"})
    assert "Give the days of use as well." in response.content.decode()
    assert not UseReport.objects.exists()
    response = as_therapist.post(
        page, {"days_alcohol": "2", "heavy_alcohol": "1", "days_cannabis": "0"}
    )
    assert response.status_code == 302
    assert UseReport.objects.count() == 2


def test_a_session_of_another_patient_is_a_404(
    as_therapist: Client, clinic: Any, course: Any
) -> None:
    other = course_in_phase(Phase.MIDDLE, patient=clinic.patient_other_site)
    session = other.sessions.first()
    response = as_therapist.get(
        url("session-use", clinic, session_id=session.public_id)
    )
    assert response.status_code == 404


def test_the_calendar_refuses_a_negative_amount(
    as_therapist: Client, clinic: Any, course: Any
) -> None:
    response = as_therapist.get(url("tlfb", clinic) + "?days=90")
    assert response.status_code == 200
    first = course.opened_on - timedelta(days=28)
    field = f"d{first:%Y%m%d}"
    response = as_therapist.post(url("tlfb", clinic), {field: "-2"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not UseReport.objects.exists()
    response = as_therapist.post(url("tlfb", clinic), {field: "6"})
    assert response.status_code == 302
    assert UseReport.objects.get().heavy_days == 1


def test_a_sobriety_date_in_the_future_is_refused(
    as_therapist: Client, clinic: Any
) -> None:
    alcohol = factories.substance("alcohol")
    response = as_therapist.post(
        url("sobriety", clinic),
        {"substance": alcohol.pk, "since": (TODAY() + timedelta(days=3)).isoformat()},
    )
    assert "The sobriety date is in the future." in response.content.decode()
    assert not SobrietyDate.objects.exists()
    response = as_therapist.post(url("sobriety", clinic), {"substance": alcohol.pk})
    assert "This field is required." in response.content.decode()


def test_a_review_is_confirmed_from_the_recovery_page(
    as_therapist: Client, clinic: Any
) -> None:
    factories.sobriety(clinic.patient, "alcohol", since=TODAY() - timedelta(days=100))
    review = factories.review(
        clinic.patient, "alcohol", day=TODAY() - timedelta(days=5)
    )
    page = url("review", clinic, review_id=review.public_id)
    response = as_therapist.post(page, {"decision": "maybe"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "pending"
    as_therapist.post(
        page,
        {"decision": "confirm", "last_use": (TODAY() - timedelta(days=6)).isoformat()},
    )
    assert SobrietyDate.objects.get().since == TODAY() - timedelta(days=5)
    assert UseReview.objects.get().status == "confirmed"


def test_a_medication_form_refuses_bad_dates(as_therapist: Client, clinic: Any) -> None:
    kind = MedicationKind.objects.get(name="Methadone")
    data = {
        "kind": kind.pk,
        "dose": "60 mg",
        "prescriber": "Clinic doctor",
        "prescriber_in_program": "on",
        "started_on": (TODAY() + timedelta(days=1)).isoformat(),
    }
    response = as_therapist.post(url("medication-add", clinic), data)
    assert "The start date is in the future." in response.content.decode()
    response = as_therapist.post(url("medication-add", clinic), {**data, "dose": ""})
    assert "This field is required." in response.content.decode()
    assert not Medication.objects.exists()
    data["started_on"] = TODAY().isoformat()
    assert as_therapist.post(url("medication-add", clinic), data).status_code == 302
    medication = Medication.objects.get()
    edit = url("medication-edit", clinic, medication_id=medication.public_id)
    response = as_therapist.post(
        edit, {**data, "stopped_on": (TODAY() - timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 200
    medication.refresh_from_db()
    assert medication.stopped_on is None


def test_a_supporter_and_a_contact_refuse_bad_input(
    as_therapist: Client, clinic: Any
) -> None:
    response = as_therapist.post(
        url("supporter-add", clinic),
        {
            "name": "Brother",
            "relationship": "sibling",
            "permission_withdrawn_on": TODAY().isoformat(),
        },
    )
    assert "withdrawn only once it was given" in response.content.decode()
    assert not Supporter.objects.exists()
    supporter = factories.supporter(clinic.patient, permission_on=None)
    page = url("contact-add", clinic, supporter_id=supporter.public_id)
    response = as_therapist.post(
        page,
        {"contacted_on": TODAY().isoformat(), "mode": "phone", "shared": "Progress"},
    )
    assert response.status_code == 200
    assert "had not allowed contact" in response.content.decode()
    response = as_therapist.post(
        page, {"contacted_on": TODAY().isoformat(), "mode": "fax"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not SupporterContact.objects.exists()
    assert (
        as_therapist.get(
            url("supporter", clinic, supporter_id=supporter.public_id)
        ).status_code
        == 200
    )


def test_a_contact_is_logged_with_permission(as_therapist: Client, clinic: Any) -> None:
    supporter = factories.supporter(clinic.patient)
    response = as_therapist.post(
        url("contact-add", clinic, supporter_id=supporter.public_id),
        {
            "contacted_on": TODAY().isoformat(),
            "mode": "in_person",
            "family_session": "on",
            "shared": "The relapse-prevention plan",
        },
    )
    assert response.status_code == 302
    contact = SupporterContact.objects.get()
    assert contact.family_session and contact.by == clinic.therapist_on_team


def test_a_level_of_care_without_a_reason_is_refused(
    as_therapist: Client, clinic: Any
) -> None:
    from recovery.models import CareLevel

    level = CareLevel.objects.get(name="Residential")
    response = as_therapist.post(
        url("care-level", clinic),
        {"level": level.pk, "changed_on": TODAY().isoformat()},
    )
    assert "This field is required." in response.content.decode()
    assert not CareLevelChange.objects.exists()
    response = as_therapist.post(
        url("care-level", clinic),
        {"level": level.pk, "changed_on": TODAY().isoformat(), "reason": "Relapse"},
    )
    assert response.status_code == 302
    assert CareLevelChange.objects.get().level == level


def test_a_foreign_supporter_or_medication_is_a_404(
    as_therapist: Client, clinic: Any
) -> None:
    supporter = factories.supporter(clinic.patient_other_site)
    medication = factories.medication(clinic.patient_other_site)
    assert (
        as_therapist.get(
            url("supporter", clinic, supporter_id=supporter.public_id)
        ).status_code
        == 404
    )
    assert (
        as_therapist.get(
            url("medication-edit", clinic, medication_id=medication.public_id)
        ).status_code
        == 404
    )


def test_the_supporter_page_costs_the_same_with_1_and_50_contacts(
    client: Client, clinic: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supporter = factories.supporter(clinic.patient)

    def contacts(count: int) -> None:
        SupporterContact.objects.bulk_create(
            SupporterContact(
                supporter=supporter,
                contacted_on=TODAY(),
                mode="phone",
                shared="Attendance",
                by=clinic.therapist_on_team,
            )
            for _ in range(count)
        )

    client.force_login(clinic.therapist_on_team)
    page = url("supporter", clinic, supporter_id=supporter.public_id)
    contacts(1)
    client.get(page)
    with CaptureQueriesContext(connection) as one:
        assert client.get(page).status_code == 200
    contacts(49)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(page)
    assert response.content.decode().count("Attendance") == 50


def test_the_relapse_alert_from_a_test_opens_like_any_alert(
    as_therapist: Client, clinic: Any
) -> None:
    from alerts.models import Alert

    factories.sobriety(clinic.patient, "cannabis", since=TODAY() - timedelta(days=60))
    panel = factories.panel("urine")
    as_therapist.post(
        url("test-add", clinic),
        {
            "collected_on": TODAY().isoformat(),
            "specimen": "urine",
            "panel": panel.pk,
            "collected_by": "Nurse",
            "result_thc": "positive",
        },
    )
    alert = Alert.objects.get()
    response = as_therapist.get(
        reverse(
            "alerts:detail",
            kwargs={"public_id": clinic.patient.public_id, "alert_id": alert.public_id},
        )
    )
    assert response.status_code == 200
    assert "Unexpected positive test" in response.content.decode()
