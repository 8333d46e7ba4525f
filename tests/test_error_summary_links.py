"""Every error summary links each message to its field's first input: radio groups and
checkbox sets included (a link to "#" leads nowhere for a keyboard user)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from iptcare.templatetags.form_links import first_input_id
from portal.tests.conftest import sign_in_patient
from referrals.tests.factories import ReferralFactory, in_contact

pytestmark = pytest.mark.django_db
SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.DOTALL)


def _summary_targets(html: str) -> list[str]:
    found = SUMMARY.search(html)
    assert found, "no error summary on the page"
    return re.findall(r'href="#([^"]*)"', found.group(0))


def _assert_each_link_reaches_an_input(html: str) -> list[str]:
    targets = _summary_targets(html)
    assert targets
    for target in targets:
        assert target, "a link to '#' leads nowhere"
        assert re.search(rf'<(input|select|textarea)[^>]*\bid="{target}"', html), target
    return targets


class _Choices(forms.Form):
    who = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    times = forms.MultipleChoiceField(
        choices=[("m", "Morning")], widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField()


def test_the_first_input_of_each_kind_of_field() -> None:
    form = _Choices({})
    assert first_input_id(form["who"]) == "id_who_0"
    assert first_input_id(form["times"]) == "id_times_0"
    assert first_input_id(form["name"]) == "id_name"


def test_the_public_form_links_who_the_request_is_for_to_its_first_choice(
    client: Client, clinic: Clinic
) -> None:
    page = client.post(reverse("referrals:callback"), {"name": "", "consent": ""})
    assert page.status_code == 200
    targets = _assert_each_link_reaches_an_input(page.content.decode())
    assert "id_request_for_0" in targets


def test_the_screening_form_links_each_unanswered_item(
    client: Client, clinic: Clinic
) -> None:
    referral = in_contact(ReferralFactory(site=clinic.site_a))
    client.force_login(clinic.coordinator)
    url = reverse("referrals:screening", args=[referral.public_id])
    answers = {f"item_{n}": "1" for n in range(1, 10)}
    answers["item_3"] = "7"  # not one of the choices
    page = client.post(f"{url}?instrument=phq9", answers)
    assert page.status_code == 200
    targets = _assert_each_link_reaches_an_input(page.content.decode())
    assert "id_item_3_0" in targets


def test_the_portal_people_form_links_its_choices(
    client: Client, clinic: Clinic
) -> None:
    from ipt.choices import Phase
    from ipt.tests.factories import course_in_phase

    course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    sign_in_patient(client, clinic.patient)
    page = client.post(reverse("portal:person-add"), {"name": ""})
    assert page.status_code == 400  # the portal answers bad input with 400
    _assert_each_link_reaches_an_input(page.content.decode())


def test_a_staff_form_lists_its_field_errors_with_links(
    client: Client, clinic: Clinic
) -> None:
    from ipt.choices import Phase
    from ipt.tests.factories import course_in_phase

    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    client.force_login(clinic.therapist_on_team)
    url = reverse("ipt:course-end", args=[clinic.patient.public_id, course.public_id])
    page = client.post(url, {"outcome": "", "reason": ""})
    assert page.status_code == 200
    targets = _assert_each_link_reaches_an_input(page.content.decode())
    assert {"id_outcome", "id_reason"} <= set(targets)


def test_a_message_longer_than_the_limit_is_refused_not_cut(
    client: Client, clinic: Clinic
) -> None:
    from referrals.models import Referral

    form = client.get(reverse("referrals:callback")).content.decode()
    assert not re.search(r"<textarea[^>]*maxlength", form)  # the browser cuts nothing
    data = {
        "request_for": "self",
        "name": "Robin Example",
        "phone": "07700 900 123",
        "message": "x" * 1001,
        "consent": "on",
    }
    page = client.post(reverse("referrals:callback"), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "too long" in html and "1000 characters or fewer" in html
    assert "it has 1001" in html
    assert "id_message" in _summary_targets(html)
    assert Referral.objects.count() == 0
