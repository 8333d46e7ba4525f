"""Row locks taken before an audit write lock only their own row. Locking a joined
patient row too (``select_for_update()`` with ``select_related``) deadlocks with any
audit write for that patient: its foreign-key check waits for the patient row while
it holds the audit chain's lock, which the first transaction is waiting for. The load
run on the rig found it (portal sign-in against clinicians reading records)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import services as alert_services
from alerts.choices import AlertKind, SourceType, Urgency
from alerts.models import Alert
from conftest import Clinic
from portal.choices import LinkChannel
from portal.services import links


def _locking(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]


@pytest.mark.django_db
def test_a_portal_sign_in_locks_the_link_row_only(clinic: Clinic) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite locks the whole database")
    issued = links.link_issue(
        patient=clinic.patient, channel=LinkChannel.EMAIL, by=None
    )
    with CaptureQueriesContext(connection) as captured:
        result = links.link_redeem(
            digest=links.token_digest(issued.url.rstrip("/").rsplit("/", 1)[1]),
            date_of_birth=clinic.patient.date_of_birth,
        )
    assert result.outcome == links.Redeemed.SIGNED_IN
    locks = _locking(captured)
    assert locks and all(
        sql.rstrip().endswith('FOR UPDATE OF "portal_portallink"') for sql in locks
    ), locks


@pytest.mark.django_db
def test_an_escalation_locks_the_alert_row_only(clinic: Clinic) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite locks the whole database")
    alert = Alert.objects.create(
        patient=clinic.patient,
        kind=AlertKind.RISK,
        rule="test",
        urgency=Urgency.URGENT,
        reason="test",
        source_type=SourceType.COURSE,
        source_key="lock-order",
    )
    with CaptureQueriesContext(connection) as captured:
        assert alert_services.alert_escalate(alert_id=alert.pk, now=timezone.now())
    locks = _locking(captured)
    assert locks and all(
        sql.rstrip().endswith('FOR UPDATE OF "alerts_alert"') for sql in locks
    ), locks
