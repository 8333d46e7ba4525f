"""``iptcare demo``: load the demo clinic (idempotent; refuses production settings)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptcare.demo import DEMO_PASSWORD, DEMO_SIGN_INS, demo_loaded, load_demo_clinic


class Command(BaseCommand):
    help = "Load the demo clinic: two sites, staff in every role, synthetic patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (default 2026)"
        )
        parser.add_argument(
            "--patients", type=int, default=60, help="how many patients (default 60)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="say nothing if already loaded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing: the demo clinic is never loaded in production."
            )
        if options["patients"] < 0:
            raise CommandError("--patients must be 0 or more.")
        if demo_loaded():
            if not options["if_empty"]:
                self.stdout.write("The demo clinic is already loaded; nothing changed.")
        else:
            started = time.monotonic()
            created = load_demo_clinic(
                seed=options["seed"], patient_count=options["patients"]
            )
            self.stdout.write(
                f"Loaded the demo clinic: {created} patients in "
                f"{time.monotonic() - started:.1f} s."
            )
        self.stdout.write(
            "Demo sign-ins (password "
            + DEMO_PASSWORD
            + "): "
            + ", ".join(DEMO_SIGN_INS)
        )
