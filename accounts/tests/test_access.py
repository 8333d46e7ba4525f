"""The access rules in accounts.access, beyond the route matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.access import Basis
from audit.choices import Action
from audit.models import AuditEvent
from conftest import Clinic

REASON = "Patient rang the duty line in crisis; primary clinician away."


def test_each_role_sees_its_patients_and_no_others(clinic: Clinic) -> None:
    def visible(persona: str) -> set[str]:
        staff = getattr(clinic, persona)
        return set(
            access.patients_visible_to(staff).values_list("record_number", flat=True)
        )

    own, other = clinic.patient.record_number, clinic.patient_other_site.record_number
    assert visible("therapist_on_team") == {own}
    assert visible("therapist_off_team") == set()
    assert visible("supervisor") == {own}
    assert visible("supervisor_other_team") == {other}
    assert visible("coordinator") == {own}
    assert visible("administrator") == set()


def test_the_coordinator_sees_registration_but_not_clinical_content(
    clinic: Clinic,
) -> None:
    found = access.patient_get_for_user(
        staff=clinic.coordinator, public_id=clinic.patient.public_id
    )
    assert found.basis is Basis.REGISTRATION
    assert found.clinical is False
    with pytest.raises(Http404):
        access.require_clinical(found)


def test_breaking_the_glass_grants_access_for_a_few_hours(clinic: Clinic) -> None:
    staff = clinic.therapist_off_team
    with time_machine.travel(timezone.now(), tick=False) as clock:
        access.break_glass(
            staff=staff, record_number=clinic.patient.record_number, reason=REASON
        )
        found = access.patient_get_for_user(
            staff=staff, public_id=clinic.patient.public_id
        )
        assert found.basis is Basis.BREAK_GLASS
        assert AuditEvent.objects.filter(
            actor=staff, action=Action.BREAK_GLASS, patient=clinic.patient
        ).exists()
        clock.shift(timedelta(hours=4, minutes=1))
        with pytest.raises(Http404):
            access.patient_get_for_user(staff=staff, public_id=clinic.patient.public_id)


def test_breaking_the_glass_needs_a_reason_and_a_clinical_role(clinic: Clinic) -> None:
    number = clinic.patient.record_number
    with pytest.raises(access.BreakGlassRefused):
        access.break_glass(
            staff=clinic.therapist_off_team, record_number=number, reason="x"
        )
    with pytest.raises(access.BreakGlassRefused):
        access.break_glass(
            staff=clinic.coordinator, record_number=number, reason=REASON
        )
    with pytest.raises(access.BreakGlassRefused):
        access.break_glass(
            staff=clinic.administrator, record_number=number, reason=REASON
        )
    assert not clinic.patient.break_glass_accesses.exists()


def test_the_break_glass_form_refuses_bad_input_and_grants_nothing(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_off_team)
    url = reverse("accounts:break-glass")
    short = client.post(
        url, {"record_number": clinic.patient.record_number, "reason": "hm"}
    )
    unknown = client.post(url, {"record_number": "NOPE-1", "reason": REASON})
    assert b"at least 10 characters" in short.content
    assert b"No patient has that record number" in unknown.content
    assert not clinic.patient.break_glass_accesses.exists()


def test_the_break_glass_form_opens_the_record_with_a_warning(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_off_team)
    response = client.post(
        reverse("accounts:break-glass"),
        {"record_number": clinic.patient.record_number.lower(), "reason": REASON},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Emergency access: you are not on this patient" in response.content


def test_the_supervisor_sees_break_glass_use_on_their_team_only(
    client: Client, clinic: Clinic
) -> None:
    access.break_glass(
        staff=clinic.therapist_off_team,
        record_number=clinic.patient.record_number,
        reason=REASON,
    )
    client.force_login(clinic.supervisor)
    assert REASON.encode() in client.get(reverse("accounts:break-glass-review")).content
    client.force_login(clinic.supervisor_other_team)
    assert (
        REASON.encode()
        not in client.get(reverse("accounts:break-glass-review")).content
    )
    # and on the patient's own audit page
    client.force_login(clinic.supervisor)
    page = client.get(reverse("patients:audit", args=[clinic.patient.public_id]))
    assert REASON.encode() in page.content
    assert b"Broke the glass" in page.content


def test_a_deactivated_account_sees_nothing(clinic: Clinic) -> None:
    clinic.therapist_on_team.is_active = False
    clinic.therapist_on_team.save()
    assert not access.patients_visible_to(clinic.therapist_on_team).exists()


def test_role_decides_who_may_use_the_admin_site(clinic: Clinic) -> None:
    assert clinic.administrator.is_staff is True
    assert clinic.supervisor.is_staff is False
    clinic.supervisor.role = "administrator"
    clinic.supervisor.save(update_fields=["role"])
    clinic.supervisor.refresh_from_db()
    assert clinic.supervisor.is_superuser is True


def test_a_refused_attempt_is_audited_but_answers_only_404(
    client: Client, clinic: Clinic
) -> None:
    client.force_login(clinic.therapist_off_team)
    response = client.get(reverse("patients:detail", args=[clinic.patient.public_id]))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert refusal.patient == clinic.patient
    assert refusal.actor == clinic.therapist_off_team


def test_a_patient_seen_on_several_grounds_is_listed_once(clinic: Clinic) -> None:
    """The lists are unions of id sets (decisions/0030): a supervisor on the care team
    of their own team's patient, who also broke the glass for a patient of another
    site, sees each patient once, and the caseload leaves the glass patient out."""
    from accounts.choices import CareTeamRole
    from patients.tests.factories import CareTeamMemberFactory, PatientFactory

    supervisor = clinic.supervisor
    CareTeamMemberFactory(
        patient=clinic.patient, staff=supervisor, role=CareTeamRole.CLINICIAN
    )
    access.break_glass(
        staff=supervisor,
        record_number=clinic.patient_other_site.record_number,
        reason=REASON,
    )
    access.break_glass(
        staff=supervisor, record_number=clinic.patient.record_number, reason=REASON
    )
    team_only = PatientFactory(team=clinic.team_a)
    visible = list(access.patients_visible_to(supervisor).values_list("pk", flat=True))
    assert sorted(visible) == sorted(
        [clinic.patient.pk, clinic.patient_other_site.pk, team_only.pk]
    )
    caseload = list(access.caseload_for(supervisor).values_list("pk", flat=True))
    assert sorted(caseload) == sorted([clinic.patient.pk, team_only.pk])
    # A clinician's list is their care teams' patients and nothing of the team's.
    assert list(
        access.caseload_for(clinic.therapist_on_team).values_list("pk", flat=True)
    ) == [clinic.patient.pk]


PERSONAS = [
    "therapist_on_team",
    "therapist_off_team",
    "therapist_other_site",
    "supervisor",
    "supervisor_other_team",
    "coordinator",
    "administrator",
    "clinical_lead",
]


def test_the_access_check_agrees_with_the_lists_in_one_query(
    clinic: Clinic,
) -> None:
    """``patient_get_for_user`` decides the basis from one query; whoever it opens a
    record for is exactly whom ``patients_visible_to`` lists, for every role, with
    the glass broken by a clinician and by a supervisor outside their team."""
    for persona in ("therapist_off_team", "supervisor_other_team"):
        access.break_glass(
            staff=getattr(clinic, persona),
            record_number=clinic.patient.record_number,
            reason=REASON,
        )
    expected = {
        ("therapist_on_team", "patient"): Basis.CARE_TEAM,
        ("therapist_off_team", "patient"): Basis.BREAK_GLASS,
        ("therapist_other_site", "patient_other_site"): Basis.CARE_TEAM,
        ("supervisor", "patient"): Basis.SUPERVISOR,
        ("supervisor_other_team", "patient"): Basis.BREAK_GLASS,
        ("supervisor_other_team", "patient_other_site"): Basis.SUPERVISOR,
        ("coordinator", "patient"): Basis.REGISTRATION,
    }
    for persona in PERSONAS:
        staff = getattr(clinic, persona)
        visible = set(access.patients_visible_to(staff).values_list("pk", flat=True))
        for name in ("patient", "patient_other_site"):
            patient = getattr(clinic, name)
            with CaptureQueriesContext(connection) as captured:
                try:
                    found = access.patient_get_for_user(
                        staff=staff, public_id=patient.public_id, audit_read=False
                    )
                except Http404:
                    found = None
            assert (found is not None) == (patient.pk in visible), (persona, name)
            basis = found.basis if found else None
            assert basis == expected.get((persona, name)), (persona, name)
            refused = AuditEvent.objects.filter(
                action=Action.ACCESS_DENIED, actor=staff, patient=patient
            ).exists()
            assert refused == (found is None), (persona, name)
            if found is not None:  # a refusal also writes its audit row
                assert len(captured) == 1, (persona, name)


def test_a_supervisor_on_the_care_team_reads_as_care_team(clinic: Clinic) -> None:
    from accounts.choices import CareTeamRole
    from patients.tests.factories import CareTeamMemberFactory

    CareTeamMemberFactory(
        patient=clinic.patient, staff=clinic.supervisor, role=CareTeamRole.CLINICIAN
    )
    found = access.patient_get_for_user(
        staff=clinic.supervisor, public_id=clinic.patient.public_id
    )
    assert found.basis is Basis.CARE_TEAM
    event = AuditEvent.objects.get(action=Action.VIEW, actor=clinic.supervisor)
    assert event.detail == "basis=care_team"


def test_a_deactivated_account_is_refused_a_record_and_the_refusal_audited(
    clinic: Clinic,
) -> None:
    staff = clinic.therapist_on_team
    staff.is_active = False
    staff.save()
    with pytest.raises(Http404):
        access.patient_get_for_user(staff=staff, public_id=clinic.patient.public_id)
    refusal = AuditEvent.objects.get(action=Action.ACCESS_DENIED, actor=staff)
    assert refusal.patient == clinic.patient
    assert not AuditEvent.objects.filter(action=Action.VIEW, actor=staff).exists()
