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

# A patient signed in to the portal (``patient_self`` is the clinic's ``patient``). On
# a staff page they are anonymous: where a route declares no patient persona, they get
# what ``anonymous`` gets.
PATIENT_PERSONAS = ["patient_self", "patient_other"]

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


def ipt_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for an IPT route (ipt/tests/matrix.py, imported when called)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from ipt.tests import matrix

        return dict(getattr(matrix, name)(clinic))

    return kwargs


def alert_kwargs(clinic: Any) -> dict[str, Any]:
    from alerts.tests.factories import AlertFactory

    alert = AlertFactory(patient=clinic.patient)
    return {"public_id": clinic.patient.public_id, "alert_id": alert.public_id}


def referral_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for an intake route (referrals/tests/matrix.py)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from referrals.tests import matrix

        return dict(getattr(matrix, name)(clinic))

    return kwargs


def recovery_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for a recovery route (recovery/tests/matrix.py)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from recovery.tests import matrix

        return dict(getattr(matrix, name)(clinic))

    return kwargs


def portal_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for a portal route (portal/tests/matrix.py)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from portal.tests import matrix

        return dict(getattr(matrix, name)(clinic))

    return kwargs


def portal_page(**overrides: int) -> dict[str, int]:
    """A patient's own portal page: the signed-in patient sees it; a staff sign-in is
    not a portal sign-in, so staff are sent to the portal's start like anyone else."""
    expect = dict.fromkeys(PERSONAS, LOGIN)
    expect.update(patient_self=200, patient_other=200)
    expect.update(overrides)
    return expect


def public_page(status: int = 200, **overrides: int) -> dict[str, int]:
    expect = dict.fromkeys(PERSONAS + PATIENT_PERSONAS, status)
    expect.update(overrides)
    return expect


def scheduling_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for a scheduling route (scheduling/tests/matrix.py)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from scheduling.tests import matrix

        return dict(getattr(matrix, name)(clinic))

    return kwargs


# Calendars are for clinicians and supervisors (403 for the other roles); a group's
# pages for its facilitators and the supervisors of its team.
CALENDARS = everyone(200, coordinator=403, administrator=403)
GROUP_PAGES = {
    **dict.fromkeys(PERSONAS, 404),
    "anonymous": LOGIN,
    "therapist_on_team": 200,
    "supervisor": 200,
}


def referral_route(**overrides: int) -> dict[str, int]:
    """A callback request of site A: its coordinator and the supervisor of a site-A
    team work on it; for everyone else it does not exist."""
    expect = dict.fromkeys(PERSONAS, 404)
    expect.update(anonymous=LOGIN, coordinator=200, supervisor=200)
    expect.update(overrides)
    return expect


INTAKE_LISTS = everyone(403, coordinator=200, supervisor=200, supervisor_other_team=200)
REQUEST = referral_kwargs("request")
CLINICAL = {"coordinator": 404}
IPT_WRITERS = ["therapist_on_team", "supervisor", "break_glass"]

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
    # --- IPT courses (ipt): pages 200 for clinical access; an empty POST re-renders its
    # form (200) or, for an action, redirects with the refusal or the result (302).
    **{
        f"ipt:{name}": Route(
            expect=patient_route(**CLINICAL),
            kwargs=ipt_kwargs(helper),
            patient_data=True,
        )
        for name, helper in [
            ("course-detail", "course_kwargs"),
            ("inventory", "course_kwargs"),
            ("person-edit", "person_kwargs"),
            ("timeline", "course_kwargs"),
            ("problem-area", "course_kwargs"),
            ("contract", "course_kwargs"),
            ("session-record", "course_kwargs"),
            ("note", "session_kwargs"),
            ("extension", "course_kwargs"),
            ("termination", "course_kwargs"),
            ("course-end", "course_kwargs"),
        ]
    },
    "ipt:course-open": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    **{
        f"ipt:{name}": Route(
            method="post",
            expect=patient_route(**CLINICAL, **dict.fromkeys(IPT_WRITERS, status)),
            kwargs=ipt_kwargs(helper),
        )
        for name, helper, status in [
            ("phase-middle", "course_kwargs", 302),
            ("goal-rate", "goal_kwargs", 302),
            ("person-remove", "person_kwargs", 302),
            ("timeline-remove", "entry_kwargs", 302),
            ("formulation", "course_kwargs", 200),
            ("formulation-agree", "course_kwargs", 200),
            ("goal-add", "course_kwargs", 200),
            ("goal-remove", "goal_kwargs", 302),
            ("contract-agree", "course_kwargs", 200),
            ("note-addendum", "session_kwargs", 302),
            ("relapse-plan", "course_kwargs", 302),
            ("termination-decide", "course_kwargs", 200),
        ]
    },
    # Groups: the facilitator (therapist_on_team) and the team's supervisor.
    "ipt:group-list": Route(expect=everyone(200, coordinator=404, administrator=404)),
    "ipt:group-create": Route(expect=everyone(200, coordinator=404, administrator=404)),
    "ipt:group-detail": Route(
        expect=everyone(404, therapist_on_team=200, supervisor=200),
        kwargs=ipt_kwargs("group_kwargs"),
        patient_data=True,
    ),
    "ipt:group-session-record": Route(
        expect=everyone(404, therapist_on_team=200, supervisor=200),
        kwargs=ipt_kwargs("group_kwargs"),
        patient_data=True,
    ),
    # --- Outcomes and alerts: clinical content; the inbox lists only visible patients.
    "outcomes:progress": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "outcomes:summary": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    # --- Reports: the course report PDF, clinical content like the progress page.
    "reports:course-report": Route(
        expect=patient_route(**CLINICAL),
        kwargs=ipt_kwargs("course_kwargs"),
        patient_data=True,
    ),
    # --- Recovery: clinical content. Pages 200; an empty POST re-renders its form
    # (200) or, for an action, redirects with the refusal (302).
    **{
        f"recovery:{name}": Route(
            expect=patient_route(**CLINICAL),
            kwargs=recovery_kwargs(helper) if helper else patient_kwargs,
            patient_data=True,
        )
        for name, helper in [
            ("overview", ""),
            ("session-use", "session_kwargs"),
            ("tlfb", ""),
            ("test-add", ""),
            ("sobriety", ""),
            ("medication-add", ""),
            ("medication-edit", "medication_kwargs"),
            ("supporter-add", ""),
            ("supporter", "supporter_kwargs"),
            ("care-level", ""),
        ]
    },
    "recovery:review": Route(
        method="post",
        expect=patient_route(**CLINICAL, **dict.fromkeys(IPT_WRITERS, 302)),
        kwargs=recovery_kwargs("review_kwargs"),
    ),
    "recovery:contact-add": Route(
        method="post",
        expect=patient_route(**CLINICAL),
        kwargs=recovery_kwargs("supporter_kwargs"),
    ),
    "alerts:inbox": Route(expect=everyone(200, coordinator=404, administrator=404)),
    "alerts:count": Route(expect=everyone(200, coordinator=404, administrator=404)),
    "alerts:detail": Route(
        expect=patient_route(**CLINICAL), kwargs=alert_kwargs, patient_data=True
    ),
    # An empty POST: no action taken, so the page again with the error (200).
    "alerts:acknowledge": Route(
        method="post",
        expect=patient_route(**CLINICAL),
        kwargs=alert_kwargs,
        patient_data=True,
    ),
    # Public: anyone, signed in or not (the callback form and its confirmation).
    "referrals:callback": Route(expect=dict.fromkeys(PERSONAS, 200)),
    "referrals:callback-thanks": Route(expect=dict.fromkeys(PERSONAS, 200)),
    "referrals:queue": Route(expect=INTAKE_LISTS),
    "referrals:waiting-list": Route(expect=INTAKE_LISTS),
    "referrals:waiting-times": Route(expect=INTAKE_LISTS),
    "referrals:detail": Route(expect=referral_route(), kwargs=REQUEST),
    "referrals:attempt": Route(expect=referral_route(), kwargs=REQUEST),
    "referrals:person": Route(expect=referral_route(), kwargs=REQUEST),
    "referrals:screening": Route(expect=referral_route(), kwargs=REQUEST),
    "referrals:screening-result": Route(
        expect=referral_route(), kwargs=referral_kwargs("screening")
    ),
    "referrals:accept": Route(expect=referral_route(), kwargs=REQUEST),
    "referrals:close": Route(expect=referral_route(), kwargs=REQUEST),
    "referrals:letter": Route(
        method="post",
        expect=referral_route(coordinator=302, supervisor=302),
        kwargs=REQUEST,
    ),
    "referrals:link": Route(
        method="post",
        expect=referral_route(coordinator=302, supervisor=302),
        kwargs=REQUEST,
    ),
    "referrals:book": Route(
        expect=referral_route(), kwargs=referral_kwargs("waiting_request")
    ),
    "referrals:priority": Route(
        expect=referral_route(), kwargs=referral_kwargs("waiting_request")
    ),
    "scheduling:today": Route(expect=CALENDARS),
    "scheduling:week": Route(expect=CALENDARS),
    "scheduling:feed-settings": Route(expect=CALENDARS),
    "scheduling:feed": Route(
        expect=dict.fromkeys(PERSONAS, 200), kwargs=scheduling_kwargs("feed_kwargs")
    ),
    "scheduling:patient-sessions": Route(
        expect=patient_route(), kwargs=patient_kwargs, patient_data=True
    ),
    "scheduling:book": Route(
        expect=patient_route(), kwargs=patient_kwargs, patient_data=True
    ),
    "scheduling:book-series": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "scheduling:patient-ics": Route(
        expect=patient_route(), kwargs=patient_kwargs, patient_data=True
    ),
    "scheduling:move": Route(
        expect=patient_route(),
        kwargs=scheduling_kwargs("appointment_kwargs"),
        patient_data=True,
    ),
    "scheduling:cancel": Route(
        expect=patient_route(),
        kwargs=scheduling_kwargs("appointment_kwargs"),
        patient_data=True,
    ),
    "scheduling:attendance": Route(
        expect=patient_route(**CLINICAL),
        kwargs=scheduling_kwargs("appointment_kwargs"),
        patient_data=True,
    ),
    "scheduling:group-book": Route(
        expect=GROUP_PAGES, kwargs=scheduling_kwargs("group_kwargs")
    ),
    "scheduling:group-attendance": Route(
        expect=GROUP_PAGES,
        kwargs=scheduling_kwargs("group_session_kwargs"),
        patient_data=True,
    ),
    "scheduling:group-move": Route(
        expect=GROUP_PAGES, kwargs=scheduling_kwargs("group_session_kwargs")
    ),
    "scheduling:group-cancel": Route(
        expect=GROUP_PAGES, kwargs=scheduling_kwargs("group_session_kwargs")
    ),
    # --- The patient portal (portal): pages of the signed-in patient; an object of
    # patient_self's is 404 for patient_other. Staff pages as for any patient page.
    "portal:start": Route(expect=public_page(patient_self=302, patient_other=302)),
    "portal:link": Route(expect=public_page(302), kwargs=portal_kwargs("token_kwargs")),
    "portal:sign-in": Route(expect=public_page()),  # no link opened: "no longer works"
    "portal:request-link": Route(expect=public_page()),
    "portal:sign-out": Route(method="post", expect=public_page(302)),
    "portal:language": Route(method="post", expect=public_page(302)),
    "portal:help": Route(expect=public_page()),
    **{
        f"portal:{name}": Route(expect=portal_page(), patient_data=True)
        for name in [
            "home",
            "diary",
            "homework-list",
            "progress",
            "sessions",
            "sessions-ics",
            "plan",
            "people",
        ]
    },
    "portal:person-add": Route(expect=portal_page()),
    "portal:questionnaire-start": Route(
        method="post",
        expect=portal_page(patient_self=302, patient_other=404),
        kwargs=portal_kwargs("instrument_kwargs"),
    ),
    **{
        f"portal:{name}": Route(
            expect=portal_page(patient_other=404),
            kwargs=portal_kwargs(helper),
            patient_data=True,
        )
        for name, helper in [
            ("question", "question_kwargs"),
            ("questionnaire-review", "review_kwargs"),
            ("questionnaire-done", "done_kwargs"),
            ("homework", "homework_kwargs"),
            ("person-edit", "person_kwargs"),
        ]
    },
    "portal:staff-access": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "portal:staff-homework": Route(
        expect=patient_route(**CLINICAL),
        kwargs=ipt_kwargs("course_kwargs"),
        patient_data=True,
    ),
    "portal:staff-session-prep": Route(
        expect=patient_route(**CLINICAL),
        kwargs=ipt_kwargs("course_kwargs"),
        patient_data=True,
    ),
    "portal:staff-homework-reviewed": Route(
        method="post",
        expect=patient_route(**CLINICAL, **dict.fromkeys(IPT_WRITERS, 302)),
        kwargs=portal_kwargs("staff_homework_kwargs"),
    ),
    "portal:staff-person-reviewed": Route(
        method="post",
        expect=patient_route(**CLINICAL, **dict.fromkeys(IPT_WRITERS, 302)),
        kwargs=portal_kwargs("staff_person_kwargs"),
    ),
}

# Django's admin is its own site with its own checks; its index stands for all of it.
ADMIN_INDEX = Route(
    expect={p: (200 if p == "administrator" else 302) for p in PERSONAS}
)
