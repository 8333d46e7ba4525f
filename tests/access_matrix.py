"""The access matrix: every route, every persona, the status each must get.

One declaration per URL name. ``test_every_route_is_declared`` fails when a route is
added without a line here, so no page ships without its access rules being tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = [
    "anonymous",
    "coordinator",
    "therapist_on_team",
    "therapist_off_team",
    "therapist_other_site",
    "supervisor",
    "supervisor_other_team",
    "administrator",
    "break_glass",
]

LOGIN = 302  # anonymous users are sent to sign in


@dataclass(frozen=True)
class Route:
    """How to call a route and what each persona gets."""

    expect: dict[str, int]
    method: str = "get"
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda clinic: {})
    patient_data: bool = False  # a 200 must write exactly one audit row for the patient
    data: dict[str, Any] = field(default_factory=dict)


def patient_route(**overrides: int) -> dict[str, int]:
    """The default for a patient's page: the care team, the team's supervisor and
    break-the-glass see it; the site's intake coordinator sees registration pages;
    everyone else gets 404, as if the patient did not exist."""
    expect = {
        "anonymous": LOGIN,
        "coordinator": 200,
        "therapist_on_team": 200,
        "therapist_off_team": 404,
        "therapist_other_site": 404,
        "supervisor": 200,
        "supervisor_other_team": 404,
        "administrator": 404,
        "break_glass": 200,
    }
    expect.update(overrides)
    return expect


def everyone(status: int, **overrides: int) -> dict[str, int]:
    expect = dict.fromkeys(PERSONAS, status)
    expect["anonymous"] = LOGIN
    expect.update(overrides)
    return expect


def patient_kwargs(clinic: Any) -> dict[str, Any]:
    return {"public_id": clinic.patient.public_id}


def care_team_member_kwargs(clinic: Any) -> dict[str, Any]:
    member = clinic.patient.care_team.get(staff=clinic.therapist_on_team)
    return {"public_id": clinic.patient.public_id, "member_id": member.pk}


def administration_kwargs(clinic: Any) -> dict[str, Any]:
    from measures.tests.factories import AdministrationFactory

    administration = AdministrationFactory(
        patient=clinic.patient, entered_by=clinic.therapist_on_team
    )
    return {
        "public_id": clinic.patient.public_id,
        "administration_id": administration.public_id,
    }


CLINICAL = {"coordinator": 404}

ROUTES: dict[str, Route] = {
    "health": Route(expect=dict.fromkeys(PERSONAS, 200)),
    "accounts:sign-in": Route(expect=everyone(302, anonymous=200)),
    "accounts:sign-out": Route(method="post", expect=dict.fromkeys(PERSONAS, 302)),
    "accounts:verify": Route(expect=everyone(302)),  # no device yet: off to set-up
    "accounts:setup-2fa": Route(expect=everyone(200)),
    "accounts:break-glass": Route(
        expect=everyone(200, coordinator=403, administrator=403)
    ),
    "accounts:break-glass-review": Route(
        expect=everyone(403, supervisor=200, supervisor_other_team=200)
    ),
    "patients:caseload": Route(expect=everyone(200)),
    "patients:create": Route(expect=everyone(200, administrator=404)),
    "patients:detail": Route(
        expect=patient_route(), kwargs=patient_kwargs, patient_data=True
    ),
    "patients:edit": Route(
        expect=patient_route(), kwargs=patient_kwargs, patient_data=True
    ),
    "patients:diagnosis-add": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "patients:treatment-add": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "patients:care-team": Route(
        expect=patient_route(**CLINICAL, break_glass=404),
        kwargs=patient_kwargs,
        patient_data=True,
    ),
    "patients:care-team-remove": Route(
        method="post",
        expect=patient_route(
            **CLINICAL, break_glass=404, therapist_on_team=302, supervisor=302
        ),
        kwargs=care_team_member_kwargs,
    ),
    "patients:audit": Route(
        expect=patient_route(coordinator=404, therapist_on_team=404, break_glass=404),
        kwargs=patient_kwargs,
        patient_data=True,
    ),
    "measures:record": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "measures:detail": Route(
        expect=patient_route(**CLINICAL),
        kwargs=administration_kwargs,
        patient_data=True,
    ),
    "measures:correct": Route(
        expect=patient_route(**CLINICAL),
        kwargs=administration_kwargs,
        patient_data=True,
    ),
}

# Django's admin is its own site with its own checks; its index stands for all of it.
ADMIN_INDEX = Route(
    expect={p: (200 if p == "administrator" else 302) for p in PERSONAS}
)
