"""``iptcare second_factor_reset USERNAME``: remove a staff member's authenticator and
print a one-time enrolment code to hand over in person (the first administrator's
way in; after that, administrators use the staff pages' action)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import Staff


class Command(BaseCommand):
    help = "Reset a staff member's second factor and print a one-time enrolment code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        staff = Staff.objects.filter(username=options["username"]).first()
        if staff is None:
            raise CommandError("No staff member has that user name.")
        code = services.second_factor_reset(actor=None, staff=staff)
        self.stdout.write(
            f"Enrolment code for {staff.username}: {code}\n"
            "It works once. Hand it over in person, not by e-mail."
        )
