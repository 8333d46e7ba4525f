"""``iptcare audit_verify``: recompute the audit trail's hash chain; exit 1 if broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "Check that no audit event has been altered or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        check = verify_chain()
        if not check.intact:
            raise CommandError(
                f"The audit trail is broken at event {check.first_broken_id} "
                f"(after {check.events_checked} intact events).",
                returncode=1,
            )
        self.stdout.write(f"The audit trail is intact: {check.events_checked} events.")
