"""Contacts with supporters and 42 CFR Part 2: a Part 2 patient's contact that shares
information needs an active consent naming the supporter's recipient and covering what
is shared (the disclosure rule, disclosures.rules.check_disclosure); for anyone else the
patient's recorded permission suffices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from disclosures.choices import ContentKind, RecipientKind
from disclosures.tests.factories import ConsentFactory, RecipientFactory
from ipt.services import Refused
from recovery import services
from recovery.models import SupporterContact
from recovery.tests import factories

pytestmark = pytest.mark.django_db


def _log(clinic: Any, supporter: Any) -> SupporterContact:
    return services.contact_log(
        supporter=supporter,
        by=clinic.therapist_on_team,
        contacted_on=timezone.localdate(),
        mode="phone",
        family_session=False,
        shared="Came to every session this month.",
    )


def _part2(clinic: Any) -> None:
    team = clinic.patient.team
    team.part2_program = True
    team.save()


def _sister(clinic: Any) -> Any:
    return factories.supporter(
        clinic.patient,
        recipient=RecipientFactory(name="Sister", kind=RecipientKind.FAMILY),
        permission_on=timezone.localdate() - timedelta(days=10),
    )


def test_a_part2_patient_without_consent_is_refused_and_nothing_stored(
    clinic: Any,
) -> None:
    _part2(clinic)
    supporter = _sister(clinic)
    with pytest.raises(Refused, match=r"Part 2.*No active consent"):
        _log(clinic, supporter)
    unlinked = factories.supporter(clinic.patient, name="Friend")
    with pytest.raises(Refused, match=r"Part 2.*consent register"):
        _log(clinic, unlinked)
    assert not SupporterContact.objects.exists()


def test_a_consent_naming_someone_else_or_other_content_refuses(
    clinic: Any,
) -> None:
    _part2(clinic)
    supporter = _sister(clinic)
    ConsentFactory(
        patient=clinic.patient,
        recipients=[RecipientFactory(kind=RecipientKind.FAMILY)],
        scopes=[ContentKind.COURSE_SUMMARY],
    )
    with pytest.raises(Refused, match="No active consent names this recipient"):
        _log(clinic, supporter)
    ConsentFactory(
        patient=clinic.patient,
        recipients=[supporter.recipient],
        scopes=[ContentKind.ATTENDANCE],
    )
    with pytest.raises(Refused, match="does not cover"):
        _log(clinic, supporter)
    ConsentFactory(  # expired yesterday: authorises nothing today
        patient=clinic.patient,
        recipients=[supporter.recipient],
        scopes=[ContentKind.COURSE_SUMMARY],
        expires_at=timezone.now() - timedelta(days=1),
    )
    with pytest.raises(Refused, match="does not cover"):
        _log(clinic, supporter)
    assert not SupporterContact.objects.exists()


def test_a_part2_patient_with_a_covering_consent_may_share(clinic: Any) -> None:
    _part2(clinic)
    supporter = _sister(clinic)
    ConsentFactory(
        patient=clinic.patient,
        recipients=[supporter.recipient],
        scopes=[ContentKind.COURSE_SUMMARY, ContentKind.ATTENDANCE],
    )
    contact = _log(clinic, supporter)
    assert SupporterContact.objects.get() == contact


def test_the_consent_does_not_replace_the_patients_permission(clinic: Any) -> None:
    _part2(clinic)
    supporter = _sister(clinic)
    supporter.permission_on = None
    supporter.save()
    ConsentFactory(
        patient=clinic.patient,
        recipients=[supporter.recipient],
        scopes=[ContentKind.COURSE_SUMMARY],
    )
    with pytest.raises(Refused, match="had not allowed contact"):
        _log(clinic, supporter)


def test_a_patient_outside_part2_needs_only_their_permission(clinic: Any) -> None:
    supporter = factories.supporter(
        clinic.patient, permission_on=timezone.localdate() - timedelta(days=10)
    )
    assert supporter.recipient is None
    contact = _log(clinic, supporter)
    assert SupporterContact.objects.get() == contact


def test_a_part2_contact_under_consent_is_written_to_the_disclosure_log(
    clinic: Any,
) -> None:
    from disclosures.models import Disclosure

    _part2(clinic)
    supporter = _sister(clinic)
    consent = ConsentFactory(
        patient=clinic.patient,
        recipients=[supporter.recipient],
        scopes=[ContentKind.COURSE_SUMMARY],
    )
    before = timezone.now()
    contact = _log(clinic, supporter)
    disclosure = Disclosure.objects.get()
    assert disclosure.patient == clinic.patient  # whose records
    assert disclosure.disclosed_by == clinic.therapist_on_team  # who
    assert disclosure.recipient == supporter.recipient  # to whom
    assert disclosure.content_kinds == [ContentKind.COURSE_SUMMARY]  # what
    assert bytes(disclosure.document).decode() == contact.shared
    assert disclosure.consent == consent  # under which consent
    assert disclosure.disclosed_at >= before  # when
    assert disclosure.channel == "phone"  # how
    assert disclosure.part2
    assert disclosure.notice is None  # a phone call carries no written notice
    # The patient's accounting of disclosures lists it.
    from disclosures import selectors

    assert selectors.accounting(clinic.patient).disclosures == [disclosure]


def test_a_written_message_names_the_notice_it_carried(clinic: Any) -> None:
    from disclosures.models import Disclosure

    _part2(clinic)
    supporter = _sister(clinic)
    ConsentFactory(
        patient=clinic.patient,
        recipients=[supporter.recipient],
        scopes=[ContentKind.COURSE_SUMMARY],
    )
    services.contact_log(
        supporter=supporter,
        by=clinic.therapist_on_team,
        contacted_on=timezone.localdate() - timedelta(days=1),
        mode="message",
        family_session=False,
        shared="A letter about the next family session.",
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.channel == "message"
    assert disclosure.notice is not None
    assert timezone.localdate(disclosure.disclosed_at) == (
        timezone.localdate() - timedelta(days=1)
    )


def test_no_disclosure_is_logged_when_the_contact_is_refused_or_not_part2(
    clinic: Any,
) -> None:
    from disclosures.models import Disclosure

    outside = factories.supporter(
        clinic.patient, permission_on=timezone.localdate() - timedelta(days=10)
    )
    _log(clinic, outside)  # not Part 2: HIPAA and the patient's permission
    _part2(clinic)
    with pytest.raises(Refused):
        _log(clinic, _sister(clinic))  # Part 2 without consent
    assert not Disclosure.objects.exists()
