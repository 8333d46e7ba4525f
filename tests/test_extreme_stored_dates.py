"""Pages render when a date already stored is at the very ends of the calendar
(0001-01-01, 9999-12-31): data from before typed dates were bounded, or from an
import. One such course once made the supervisor's review of the whole team fail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import course_in_phase
from recovery.tests import factories as recovery_factories

pytestmark = pytest.mark.django_db


def pages(clinic: Any, course: Course) -> list[tuple[str, str]]:
    patient = {"public_id": clinic.patient.public_id}
    return [
        (
            "therapist_on_team",
            reverse(
                "ipt:course-detail",
                kwargs={**patient, "course_id": course.public_id},
            ),
        ),
        ("therapist_on_team", reverse("outcomes:progress", kwargs=patient)),
        ("therapist_on_team", reverse("recovery:overview", kwargs=patient)),
        ("therapist_on_team", reverse("recovery:tlfb", kwargs=patient)),
        ("supervisor", reverse("supervision:review")),
    ]


@pytest.mark.parametrize("extreme", [date.min, date.max], ids=["0001", "9999"])
def test_the_pages_render_with_a_course_and_sobriety_at_the_ends_of_the_calendar(
    client: Client, clinic: Any, extreme: date
) -> None:
    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    recovery_factories.sobriety(clinic.patient, "alcohol", since=extreme)
    # Straight into the table, as an old row or an import would be.
    Course.objects.filter(pk=course.pk).update(opened_on=extreme)
    for persona, url in pages(clinic, course):
        client.logout()
        response = signed_in(client, clinic.persona(persona)).get(url)
        assert response.status_code == 200, url
