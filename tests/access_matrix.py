"""The access matrix: every route, every persona, the status each must get.

One declaration per URL name. ``test_every_route_is_declared`` fails when a route is
added without a line here, so no page ships without its access rules being tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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
    "clinical_lead",
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
        "clinical_lead": 404,
        "break_glass": 200,
    }
    expect.update(overrides)
    return expect


def everyone(status: int, **overrides: int) -> dict[str, int]:
    expect = dict.fromkeys(PERSONAS, status)
    expect["anonymous"] = LOGIN
    expect.update(overrides)
    return expect


def supervision_action_kwargs(clinic: Any) -> dict[str, Any]:
    from supervision.models import SupervisionAction, SupervisionNote

    note = SupervisionNote.objects.create(
        supervisor=clinic.supervisor,
        clinician=clinic.therapist_on_team,
        held_on=date(2026, 1, 5),
    )
    action = SupervisionAction.objects.create(
        note=note, description="Review the formulation", due_on=date(2026, 1, 12)
    )
    return {"action_id": action.public_id}


def patient_kwargs(clinic: Any) -> dict[str, Any]:
    return {"public_id": clinic.patient.public_id}


def care_team_member_kwargs(clinic: Any) -> dict[str, Any]:
    member = clinic.patient.care_team.get(staff=clinic.therapist_on_team)
    return {"public_id": clinic.patient.public_id, "member_id": member.pk}


def access_change_kwargs(clinic: Any) -> dict[str, Any]:
    """A pending change asked by a second administrator: a new clinician on team A."""
    from accounts.choices import Role
    from accounts.models import AccessChange
    from accounts.tests.factories import StaffFactory

    other_admin = StaffFactory(role=Role.ADMINISTRATOR, site=None)
    newcomer = StaffFactory(role=Role.INTAKE, site=clinic.site_a)
    change = AccessChange.objects.create(
        staff=newcomer,
        role=Role.CLINICIAN,
        site=clinic.site_a,
        requested_by=other_admin,
    )
    change.teams.set([clinic.team_a])
    return {"change_id": change.public_id}


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


def disclosures_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for a disclosures route (disclosures/tests/matrix.py)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from disclosures.tests import matrix

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
CALENDARS = everyone(200, coordinator=403, administrator=403, clinical_lead=403)
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


# --- The FHIR API (interop): anonymous gets 401 (an API does not redirect to sign in);
# staff read with their session under the same care-team rules as the pages; API
# clients (bearer tokens) are tested in interop/tests/test_api_access.py.
FHIR_ANONYMOUS = 401


def fhir_patient_route(**overrides: int) -> dict[str, int]:
    return patient_route(anonymous=FHIR_ANONYMOUS, **overrides)


def fhir_everyone(status: int, **overrides: int) -> dict[str, int]:
    return everyone(status, anonymous=FHIR_ANONYMOUS, **overrides)


def fhir_kwargs(name: str) -> Callable[[Any], dict[str, Any]]:
    """URL arguments for a FHIR route (interop/tests/matrix.py)."""

    def kwargs(clinic: Any) -> dict[str, Any]:
        from interop.tests import matrix

        return dict(getattr(matrix, name)(clinic))

    return kwargs


SAME_SITE = fhir_everyone(200, therapist_other_site=404, supervisor_other_team=404)


INTAKE_LISTS = everyone(403, coordinator=200, supervisor=200, supervisor_other_team=200)
REQUEST = referral_kwargs("request")
CLINICAL = {"coordinator": 404}
SERVICE_VIEW = everyone(
    403,
    supervisor=200,
    supervisor_other_team=200,
    administrator=200,
    clinical_lead=200,
)
# The roles that see no patient: an empty list or 404 wherever patients are.
NO_PATIENTS = {"administrator": 404, "clinical_lead": 404}
IPT_WRITERS = ["therapist_on_team", "supervisor", "break_glass"]

ROUTES: dict[str, Route] = {
    "health": Route(expect=dict.fromkeys(PERSONAS, 200)),
    "accounts:sign-in": Route(expect=everyone(302, anonymous=200)),
    "accounts:sign-out": Route(method="post", expect=dict.fromkeys(PERSONAS, 302)),
    "accounts:verify": Route(expect=everyone(302)),  # no device yet: off to set-up
    "accounts:setup-2fa": Route(expect=everyone(200)),
    "accounts:break-glass": Route(
        expect=everyone(200, coordinator=403, administrator=403, clinical_lead=403)
    ),
    "accounts:break-glass-review": Route(
        expect=everyone(403, supervisor=200, supervisor_other_team=200)
    ),
    # Approving a change of clinical access: a supervisor of its team or another
    # administrator; for anyone else the change does not exist.
    "accounts:access-changes": Route(
        expect=everyone(
            404, supervisor=200, supervisor_other_team=200, administrator=200
        )
    ),
    "accounts:access-change-decide": Route(
        method="post",
        kwargs=access_change_kwargs,
        data={"decision": "approve"},
        expect=everyone(404, supervisor=302, administrator=302),
    ),
    # The clinical lead has no caseload: sent to the service's figures.
    "patients:caseload": Route(expect=everyone(200, clinical_lead=302)),
    "patients:create": Route(expect=everyone(200, **NO_PATIENTS)),
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
    "ipt:group-list": Route(expect=everyone(200, coordinator=404, **NO_PATIENTS)),
    "ipt:group-create": Route(expect=everyone(200, coordinator=404, **NO_PATIENTS)),
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
    # The service's aggregates: supervisors (their teams), the clinical lead and the
    # administrator (the whole service); 403 for everyone else. No patient data.
    "outcomes:service": Route(expect=SERVICE_VIEW),
    "outcomes:service-csv": Route(expect=SERVICE_VIEW),
    "outcomes:service-pdf": Route(expect=SERVICE_VIEW),
    # The caseload review lists the supervisor's own teams' patients (each opens
    # through the record's own access check).
    "supervision:review": Route(
        expect=everyone(403, supervisor=200, supervisor_other_team=200)
    ),
    "supervision:session-fidelity": Route(
        expect=patient_route(**CLINICAL),
        kwargs=ipt_kwargs("session_kwargs"),
        patient_data=True,
    ),
    "supervision:notes": Route(
        expect=everyone(
            403,
            supervisor=200,
            supervisor_other_team=200,
            therapist_on_team=200,
            therapist_off_team=200,
            therapist_other_site=200,
            break_glass=200,
        )
    ),
    "supervision:note-create": Route(
        expect=everyone(403, supervisor=200, supervisor_other_team=200)
    ),
    # Only the note's supervisor and clinician may close an action: 404 for others.
    "supervision:action-done": Route(
        method="post",
        expect=everyone(404, supervisor=302, therapist_on_team=302),
        kwargs=supervision_action_kwargs,
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
    "alerts:inbox": Route(expect=everyone(200, coordinator=404, **NO_PATIENTS)),
    "alerts:count": Route(expect=everyone(200, coordinator=404, **NO_PATIENTS)),
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
    # --- FHIR API (interop) ---------------------------------------------------------
    "fhir:metadata": Route(expect=public_page()),
    "fhir:openapi": Route(expect=public_page()),
    "fhir:token": Route(
        method="post", expect=public_page(400)
    ),  # no client credentials
    "fhir:export": Route(expect=fhir_everyone(403)),  # bulk export is for API clients
    "fhir:export-status": Route(
        expect=fhir_everyone(404), kwargs=fhir_kwargs("export_kwargs")
    ),
    "fhir:export-file": Route(
        expect=fhir_everyone(404), kwargs=fhir_kwargs("export_file_kwargs")
    ),
    **{
        f"fhir:{name}-type": Route(expect=fhir_everyone(200))
        for name in [
            "Patient",
            "Practitioner",
            "Organization",
            "Condition",
            "Questionnaire",
            "QuestionnaireResponse",
            "Observation",
            "PractitionerRole",
            "Appointment",
            "Encounter",
            "EpisodeOfCare",
            "CarePlan",
            "Goal",
            "Consent",
        ]
    },
    "fhir:Patient-read": Route(
        expect=fhir_patient_route(),
        kwargs=fhir_kwargs("patient_kwargs"),
        patient_data=True,
    ),
    **{
        f"fhir:{name}-read": Route(
            expect=fhir_patient_route(**CLINICAL),
            kwargs=fhir_kwargs(helper),
            patient_data=True,
        )
        for name, helper in [
            ("Condition", "condition_kwargs"),
            ("QuestionnaireResponse", "response_kwargs"),
            ("Observation", "observation_kwargs"),
            ("Appointment", "appointment_kwargs"),
            ("Encounter", "encounter_kwargs"),
            ("EpisodeOfCare", "course_kwargs"),
            ("CarePlan", "course_kwargs"),
            ("Goal", "goal_kwargs"),
            ("Consent", "consent_kwargs"),
        ]
    },
    "fhir:PractitionerRole-read": Route(
        expect=SAME_SITE, kwargs=fhir_kwargs("practitioner_role_kwargs")
    ),
    "fhir:Practitioner-read": Route(
        expect=SAME_SITE, kwargs=fhir_kwargs("practitioner_kwargs")
    ),
    "fhir:Organization-read": Route(
        expect=SAME_SITE, kwargs=fhir_kwargs("organization_kwargs")
    ),
    "fhir:Questionnaire-read": Route(
        expect=fhir_everyone(200), kwargs=fhir_kwargs("questionnaire_kwargs")
    ),
    # Consent and disclosure (docs/decisions/0022): clinical, as every record page.
    "disclosures:consents": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "disclosures:consent-new": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "disclosures:consent-detail": Route(
        expect=patient_route(**CLINICAL),
        kwargs=disclosures_kwargs("consent_kwargs"),
        patient_data=True,
    ),
    "disclosures:consent-revoke": Route(
        expect=patient_route(**CLINICAL),
        kwargs=disclosures_kwargs("consent_kwargs"),
        patient_data=True,
    ),
    "disclosures:consent-expiry-event": Route(
        expect=patient_route(**CLINICAL),
        kwargs=disclosures_kwargs("consent_kwargs"),
        patient_data=True,
    ),
    "disclosures:disclosure-new": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "disclosures:disclosure-detail": Route(
        expect=patient_route(**CLINICAL),
        kwargs=disclosures_kwargs("disclosure_kwargs"),
        patient_data=True,
    ),
    "disclosures:disclosure-document": Route(
        expect=patient_route(**CLINICAL),
        kwargs=disclosures_kwargs("disclosure_kwargs"),
        patient_data=True,
    ),
    "disclosures:accounting": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "disclosures:accounting-pdf": Route(
        expect=patient_route(**CLINICAL), kwargs=patient_kwargs, patient_data=True
    ),
    "disclosures:portal-accounting": Route(expect=portal_page(), patient_data=True),
    "disclosures:pack-request": Route(
        method="post",
        expect=patient_route(**CLINICAL, **dict.fromkeys(IPT_WRITERS, 302)),
        kwargs=patient_kwargs,
    ),
    "disclosures:portal-packs": Route(expect=portal_page(), patient_data=True),
    "disclosures:portal-pack-download": Route(
        expect=portal_page(patient_other=404),
        kwargs=disclosures_kwargs("pack_kwargs"),
        patient_data=True,
    ),
    # The retention review is the supervisors' (their own site's items).
    "disclosures:retention": Route(
        expect=everyone(404, supervisor=200, supervisor_other_team=200)
    ),
    "disclosures:retention-erase": Route(
        method="post",
        expect=everyone(404, supervisor=302),
        kwargs=disclosures_kwargs("retention_due_kwargs"),
    ),
    # A private note's page shows each user only their own and those shared with them.
    "disclosures:private-note": Route(
        expect=patient_route(**CLINICAL),
        kwargs=ipt_kwargs("session_kwargs"),
        patient_data=True,
    ),
    "disclosures:private-note-share": Route(
        method="post",
        # Only a note's author shares it; the personas here have written none.
        expect=patient_route(**CLINICAL, **dict.fromkeys(IPT_WRITERS, 404)),
        kwargs=ipt_kwargs("session_kwargs"),
    ),
}

# Django's admin is its own site with its own checks; its index stands for all of it.
ADMIN_INDEX = Route(
    expect={p: (200 if p == "administrator" else 302) for p in PERSONAS}
)
