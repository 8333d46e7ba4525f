"""``iptcare portal_link``: a fresh link for support staff and the demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from conftest import Clinic
from iptcare.lib.tokens import token_digest
from portal.models import PortalLink

pytestmark = pytest.mark.django_db


def test_prints_a_working_link_for_the_record_number(clinic: Clinic) -> None:
    out = io.StringIO()
    call_command("portal_link", clinic.patient.record_number.lower(), stdout=out)
    url = out.getvalue().strip()
    assert "/portal/link/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert PortalLink.objects.get().token_digest == token_digest(token)


def test_an_unknown_record_number_is_an_error(clinic: Clinic) -> None:
    with pytest.raises(CommandError, match="No patient has that record number"):
        call_command("portal_link", "NOPE-1", stdout=io.StringIO())
    assert not PortalLink.objects.exists()
