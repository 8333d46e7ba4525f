"""``iptcare audit_verify``: recompute the audit trail's keyed chain and compare its head
with the last signed checkpoint; exit 1 if anything was altered or removed. When all
is well it writes a new checkpoint (decision 0015)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import checkpoint_check, checkpoint_write, verify_chain


class Command(BaseCommand):
    help = "Check that no audit event has been altered or removed, then checkpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        chain = verify_chain()
        point = checkpoint_check()
        self.stdout.write(f"Rows checked: {chain.events_checked}")
        if chain.legacy_events:
            self.stdout.write(
                f"Of which written before the audit key (unkeyed): {chain.legacy_events}"
            )
        self.stdout.write(
            "First broken row: "
            + ("none" if chain.intact else str(chain.first_broken_id))
        )
        if point.head_matches is None:
            self.stdout.write("Head matches the last checkpoint: no checkpoint yet")
        else:
            self.stdout.write(
                "Head matches the last checkpoint "
                f"({point.checkpoint.at if point.checkpoint else ''}): "
                + ("yes" if point.head_matches else f"NO — {point.reason}")
            )
        if point.forged_lines:
            self.stdout.write(
                f"Checkpoint lines with a bad signature: {point.forged_lines}"
            )
        if not chain.intact or point.head_matches is False or point.forged_lines:
            raise CommandError(
                f"The audit trail is broken at event {chain.first_broken_id} "
                f"(after {chain.events_checked} intact events)."
                if not chain.intact
                else "The audit trail's newest rows do not match its checkpoints: "
                "rows were removed or a checkpoint forged.",
                returncode=1,
            )
        checkpoint_write(head=(chain.head_id, chain.head_hash, chain.events_checked))
        self.stdout.write(
            f"The audit trail is intact: {chain.events_checked} events; "
            "checkpoint written."
        )
