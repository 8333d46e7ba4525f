"""The disclosure rule against a table of consent cases (docs/decisions/0022)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from disclosures import rules
from disclosures.choices import ConsentKind, ContentKind, RecipientKind
from disclosures.models import LegalText
from disclosures.rules import PATIENT_SELF, Reason, check_disclosure
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from ipt.tests.factories import CourseFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)
ATTENDANCE = [ContentKind.ATTENDANCE]
SCORES = ContentKind.SCORES


@pytest.fixture
def part2_patient(clinic):
    clinic.team_a.part2_program = True
    clinic.team_a.save()
    return clinic.patient


@pytest.fixture
def gp():
    return RecipientFactory(kind=RecipientKind.TREATING_PROVIDER)


@pytest.fixture
def court():
    return RecipientFactory(name="County drug court", kind=RecipientKind.COURT)


def decide(patient, recipient, kinds=ATTENDANCE, at=NOW, emergency_reason=None):
    return check_disclosure(
        patient=patient,
        recipient=recipient,
        content_kinds=kinds,
        at=at,
        emergency_reason=emergency_reason,
    )


class TestWhichRecordsArePart2:
    def test_a_part2_programs_patient_is_part2(self, part2_patient, clinic):
        assert rules.is_part2(part2_patient)
        assert not rules.is_part2(clinic.patient_other_site)

    def test_a_course_flagged_in_a_mixed_service_makes_the_patient_part2(self, clinic):
        assert not rules.is_part2(clinic.patient)
        CourseFactory(patient=clinic.patient, part2=True)
        assert rules.is_part2(clinic.patient)

    def test_a_part2_program_stamps_the_courses_it_opens(self, part2_patient, clinic):
        from ipt.services.courses import course_open
        from ipt.tests.factories import program

        course = course_open(
            patient=part2_patient,
            program=program("ipt12"),
            clinician=clinic.therapist_on_team,
            by=clinic.therapist_on_team,
        )
        assert course.part2
        # The stamp stays with the record when the patient moves to another team.
        part2_patient.team = clinic.team_b
        part2_patient.save()
        assert rules.is_part2(part2_patient)

    def test_part2_q_filters_any_queryset_through_its_patient(self, part2_patient):
        from patients.models import Diagnosis
        from patients.tests.factories import DiagnosisFactory

        DiagnosisFactory(patient=part2_patient)
        other = DiagnosisFactory(patient=PatientFactory())
        assert list(Diagnosis.objects.exclude(rules.part2_q("patient__"))) == [other]


class TestTheConsentTable:
    """Each row: the consent history, the request, and the answer."""

    def test_no_consent_refuses_a_part2_record(self, part2_patient, gp):
        decision = decide(part2_patient, gp)
        assert not decision.allowed
        assert decision.reason is Reason.NO_CONSENT

    def test_an_active_specific_consent_allows_what_it_covers(self, part2_patient, gp):
        consent = ConsentFactory(
            patient=part2_patient, recipients=[gp], scopes=[ContentKind.ATTENDANCE]
        )
        decision = decide(part2_patient, gp)
        assert decision.allowed
        assert decision.reason is Reason.CONSENT
        assert decision.consent == consent
        assert decision.notice_required

    def test_an_expired_consent_authorises_nothing(self, part2_patient, gp):
        ConsentFactory(
            patient=part2_patient,
            recipients=[gp],
            scopes=ATTENDANCE,
            expires_at=NOW - DAY,
        )
        assert decide(part2_patient, gp).reason is Reason.NO_CONSENT
        assert decide(part2_patient, gp, at=NOW - 2 * DAY).allowed

    def test_a_consent_revoked_mid_way_allows_before_and_refuses_from_then(
        self, part2_patient, gp
    ):
        revoked_at = NOW - 5 * DAY
        ConsentFactory(
            patient=part2_patient,
            recipients=[gp],
            scopes=ATTENDANCE,
            revoked_at=revoked_at,
            revocation_received_on=revoked_at.date(),
        )
        assert decide(
            part2_patient, gp, at=revoked_at - datetime.timedelta(seconds=1)
        ).allowed
        assert not decide(part2_patient, gp, at=revoked_at).allowed
        assert not decide(part2_patient, gp, at=NOW).allowed

    def test_a_consent_authorises_nothing_before_it_is_signed(self, part2_patient, gp):
        ConsentFactory(patient=part2_patient, recipients=[gp], scopes=ATTENDANCE)
        assert not decide(part2_patient, gp, at=NOW - 60 * DAY).allowed

    def test_content_outside_the_scope_is_refused(self, part2_patient, gp):
        ConsentFactory(patient=part2_patient, recipients=[gp], scopes=ATTENDANCE)
        decision = decide(part2_patient, gp, kinds=[ContentKind.ATTENDANCE, SCORES])
        assert not decision.allowed
        assert decision.reason is Reason.NOT_COVERED

    def test_a_recipient_the_consent_does_not_name_is_refused(
        self, part2_patient, gp, court
    ):
        ConsentFactory(patient=part2_patient, recipients=[gp], scopes=ATTENDANCE)
        decision = decide(part2_patient, court)
        assert not decision.allowed
        assert decision.reason is Reason.WRONG_RECIPIENT

    def test_another_patients_consent_does_not_count(self, part2_patient, gp):
        ConsentFactory(recipients=[gp], scopes=ATTENDANCE)
        assert decide(part2_patient, gp).reason is Reason.NO_CONSENT

    def test_a_tpo_consent_covers_its_class_of_recipients_only(
        self, part2_patient, gp, court
    ):
        ConsentFactory(patient=part2_patient, kind=ConsentKind.TPO, scopes=ATTENDANCE)
        assert decide(part2_patient, gp).allowed
        assert decide(part2_patient, RecipientFactory(kind=RecipientKind.PAYER)).allowed
        assert decide(part2_patient, court).reason is Reason.WRONG_RECIPIENT

    def test_the_emergency_exception_allows_medical_personnel_with_a_reason(
        self, part2_patient, gp, court
    ):
        reason = "Overdose, unconscious in A&E; treating team needs history."
        decision = decide(part2_patient, gp, emergency_reason=reason)
        assert decision.allowed
        assert decision.emergency
        assert decide(part2_patient, court, emergency_reason=reason).reason is (
            Reason.EMERGENCY_NOT_MEDICAL
        )
        assert not decide(part2_patient, gp, emergency_reason="urgent").allowed

    def test_counseling_notes_need_their_own_consent(self, part2_patient, gp):
        ConsentFactory(
            patient=part2_patient,
            recipients=[gp],
            scopes=[ContentKind.ATTENDANCE, ContentKind.COUNSELING_NOTES],
        )
        notes = [ContentKind.COUNSELING_NOTES]
        assert decide(part2_patient, gp, kinds=notes).reason is Reason.NO_CONSENT
        own = ConsentFactory(
            patient=part2_patient,
            kind=ConsentKind.COUNSELING_NOTES,
            recipients=[gp],
            scopes=notes,
        )
        assert decide(part2_patient, gp, kinds=notes).consent == own
        mixed = decide(part2_patient, gp, kinds=[*notes, ContentKind.ATTENDANCE])
        assert mixed.reason is Reason.COUNSELING_NOTES_APART
        emergency = decide(PatientFactory(), gp, kinds=notes, emergency_reason="x" * 20)
        assert not emergency.allowed

    def test_records_that_are_not_part2_need_no_part2_consent(self, clinic, gp):
        decision = decide(clinic.patient, gp)
        assert decision.allowed
        assert decision.reason is Reason.NOT_PART2
        assert not decision.notice_required

    def test_the_patients_own_copy_is_allowed_without_private_notes(
        self, part2_patient
    ):
        assert decide(part2_patient, PATIENT_SELF).reason is Reason.OWN_RECORD
        assert not decide(
            part2_patient, PATIENT_SELF, kinds=[ContentKind.COUNSELING_NOTES]
        ).allowed

    def test_naming_no_content_is_refused(self, part2_patient, gp):
        assert decide(part2_patient, gp, kinds=[]).reason is Reason.NO_CONTENT


class TestWhatAnApiClientMayReceive:
    def test_the_patients_a_recipient_may_receive_follow_the_consents(
        self, part2_patient, clinic, gp
    ):
        consented = PatientFactory(team=clinic.team_a)
        ConsentFactory(patient=consented, recipients=[gp], scopes=[SCORES])
        revoked = PatientFactory(team=clinic.team_a)
        ConsentFactory(
            patient=revoked,
            recipients=[gp],
            scopes=[SCORES],
            revoked_at=NOW - DAY,
            revocation_received_on=(NOW - DAY).date(),
        )
        part2_only = rules.part2_patients_disclosable_to(
            recipient=gp, content_kind=SCORES, at=NOW
        )
        assert list(part2_only) == [consented]
        everyone = set(
            rules.patients_disclosable_to(recipient=gp, content_kind=SCORES, at=NOW)
        )
        assert everyone == {consented, clinic.patient_other_site}
        assert not set(
            rules.patients_disclosable_to(
                recipient=gp, content_kind=ContentKind.ATTENDANCE, at=NOW
            )
        ) & {consented, part2_patient, revoked}

    def test_fhir_resource_types_map_onto_the_closed_vocabulary(self):
        assert rules.content_kind_for_fhir("Observation") is SCORES
        with pytest.raises(rules.UnknownContent):
            rules.content_kind_for_fhir("Binary")


class TestTheNoticeInForce:
    def test_the_2024_notice_is_in_force_and_marked_incomplete(self):
        notice = rules.notice_in_force(NOW)
        assert notice.version.startswith("2024")
        assert notice.status == "incomplete"
        assert "42 CFR part 2" in notice.text

    def test_the_2020_text_was_in_force_before_the_2024_rule(self):
        before = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
        assert rules.notice_in_force(before).version.startswith("2020")

    def test_without_a_stored_notice_nothing_can_leave(self):
        LegalText.objects.all().delete()
        with pytest.raises(LegalText.DoesNotExist):
            rules.notice_in_force(NOW)
