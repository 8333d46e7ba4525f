"""The screening call: the scales go through the measures library, before a patient
record exists; a risk answer makes the request urgent and the safety steps come first."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from conftest import Clinic
from measures.choices import Source
from measures.models import Administration, RiskEvent
from referrals import services
from referrals.models import Referral, ScreeningAdministration
from referrals.tests.factories import ReferralFactory, in_contact

pytestmark = pytest.mark.django_db


def _phq9(item9: int = 0) -> dict[str, Any]:
    data = {f"item_{n}": 1 for n in range(1, 9)}
    data["item_9"] = item9
    return data


@pytest.fixture
def referral(clinic: Clinic) -> Referral:
    return in_contact(ReferralFactory(site=clinic.site_a))


def _screen(
    client: Client, referral: Referral, instrument: str, data: dict[str, Any]
) -> Any:
    url = reverse("referrals:screening", args=[referral.public_id])
    return client.post(f"{url}?instrument={instrument}", data)


def test_the_screening_page_offers_the_four_scales(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    page = client.get(reverse("referrals:screening", args=[referral.public_id]))
    text = page.content.decode()
    for name in ["PHQ-9", "GAD-7", "AUDIT-C", "TAPS-1"]:
        assert name in text


def test_each_scale_renders_the_measures_items(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    url = reverse("referrals:screening", args=[referral.public_id])
    for instrument, items in [("phq9", 9), ("gad7", 7), ("auditc", 3), ("taps1", 5)]:
        page = client.get(url, {"instrument": instrument}).content.decode()
        assert page.count('<fieldset class="item') >= items, instrument
        assert 'name="item_1"' in page


def test_a_scale_is_recorded_as_an_intake_screening_without_a_patient(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    response = _screen(client, referral, "phq9", _phq9())
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert administration.source == Source.INTAKE_SCREENING
    assert administration.patient is None
    assert administration.total == 8
    assert administration.entered_by == clinic.coordinator
    assert ScreeningAdministration.objects.get().referral == referral
    referral.refresh_from_db()
    assert referral.urgent_since is None
    assert RiskEvent.objects.count() == 0


def test_all_four_scales_are_recorded(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    _screen(client, referral, "phq9", _phq9())
    _screen(client, referral, "gad7", {f"item_{n}": 2 for n in range(1, 8)})
    _screen(client, referral, "auditc", {"item_1": 2, "item_2": 1, "item_3": 0})
    _screen(
        client, referral, "taps1", {"item_1": 0, "item_2": 1, "item_4": 0, "item_5": 0}
    )
    assert sorted(
        referral.screenings.values_list("administration__instrument_id", flat=True)
    ) == [
        "auditc",
        "gad7",
        "phq9",
        "taps1",
    ]
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert "positive screen" in page.content.decode()


def test_a_risk_answer_makes_the_request_urgent_and_shows_the_safety_steps_first(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    # when
    response = _screen(client, referral, "phq9", _phq9(item9=2))
    # then: straight to the result, which opens with the safety steps
    administration = Administration.objects.get()
    assert response["Location"] == reverse(
        "referrals:screening-result",
        args=[referral.public_id, administration.public_id],
    )
    event = RiskEvent.objects.get()
    assert (event.administration, event.patient, event.item_number) == (
        administration,
        None,
        9,
    )
    referral.refresh_from_db()
    assert referral.urgent_since is not None
    page = client.get(response["Location"]).content.decode()
    main = page[page.index('<main id="main">') :]
    assert main.index('class="safety-steps"') < main.index("<h1")
    assert "Do not end the conversation yet" in page
    assert "If you are in danger now" in page
    # and the request tops the queue
    ReferralFactory(site=clinic.site_a)
    rows = client.get(reverse("referrals:queue")).context["queue"].page.object_list
    assert rows[0] == referral


def test_bad_answers_re_render_and_store_nothing(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    before = (Administration.objects.count(), AuditEvent.objects.count())
    data = _phq9()
    data["item_3"] = 7
    response = _screen(client, referral, "phq9", data)
    assert response.status_code == 200
    assert response.context["form"].errors["item_3"]
    response = _screen(client, referral, "gad7", {"item_1": 1})
    assert response.status_code == 200
    assert "cannot be scored" in str(response.context["form"].non_field_errors())
    after = (Administration.objects.count(), AuditEvent.objects.count())
    assert after[0] == before[0]
    # only the reads of the page were audited
    assert after[1] - before[1] == 2


def test_an_instrument_outside_the_screening_is_not_offered(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    client.force_login(clinic.coordinator)
    response = _screen(client, referral, "hrsd17", {"item_1": 0})
    assert response.status_code == 200
    assert "form" not in response.context or response.context.get("form") is None
    assert Administration.objects.count() == 0
    with pytest.raises(ValidationError):
        services.screening_record(
            by=clinic.coordinator,
            referral=referral,
            instrument_id="hrsd17",
            answers=[0],
        )


def test_screening_waits_until_someone_has_spoken_to_them(
    client: Client, clinic: Clinic
) -> None:
    referral = ReferralFactory(site=clinic.site_a)
    client.force_login(clinic.coordinator)
    response = _screen(client, referral, "phq9", _phq9())
    assert response.status_code == 200
    assert "not possible" in str(response.context["form"].non_field_errors())
    assert Administration.objects.count() == 0


def test_a_measures_refusal_rolls_the_link_back_too(
    clinic: Clinic, referral: Referral
) -> None:
    with pytest.raises(ValidationError):
        services.screening_record(
            by=clinic.coordinator,
            referral=referral,
            instrument_id="phq9",
            answers=[9, 9, 9, 9, 9, 9, 9, 9, 9],
        )
    assert ScreeningAdministration.objects.count() == 0
    assert Administration.objects.count() == 0


def test_a_screening_result_of_another_request_is_404(
    client: Client, clinic: Clinic, referral: Referral
) -> None:
    other = in_contact(ReferralFactory(site=clinic.site_a))
    administration = services.screening_record(
        by=clinic.coordinator, referral=other, instrument_id="phq9", answers=[0] * 9
    )
    client.force_login(clinic.coordinator)
    url = reverse(
        "referrals:screening-result",
        args=[referral.public_id, administration.public_id],
    )
    assert client.get(url).status_code == 404
