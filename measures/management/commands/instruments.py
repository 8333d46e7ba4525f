"""``iptcare instruments``: the rating-scale ids, one per line, name after a tab."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from measures.instruments import REGISTRY


class Command(BaseCommand):
    help = "List the rating-scale ids (one per line; the name follows a tab)."
    # Reads only the pure instrument definitions: no models, so no system checks.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        for instrument in REGISTRY.values():
            self.stdout.write(f"{instrument.id}\t{instrument.name}")
