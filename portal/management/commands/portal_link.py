"""``iptcare portal_link RECORD_NUMBER``: print a fresh single-use sign-in link for a
patient — for the demo, and for support staff helping a patient by phone (the link
is read out or typed on the clinic tablet). The issue is audited like any other."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipt.choices import Phase
from patients.models import Patient
from portal.choices import LinkChannel
from portal.services.links import link_issue


class Command(BaseCommand):
    help = "Print a single-use portal sign-in link for the patient with this record number."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record_number", nargs="?", default="")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="The demo clinic's first patient in the middle of a course.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo"]:
            if settings.PRODUCTION:
                raise CommandError("--demo is for the demo clinic only.")
            patient = (
                Patient.objects.filter(ipt_courses__phase=Phase.MIDDLE)
                .order_by("id")
                .first()
            )
        else:
            record_number = str(options["record_number"]).strip().upper()
            patient = Patient.objects.filter(record_number=record_number).first()
        if patient is None:
            raise CommandError("No patient has that record number.")
        issued = link_issue(patient=patient, channel=LinkChannel.EMAIL, by=None)
        self.stdout.write(issued.url)
        self.stdout.flush()
        if options["demo"]:  # on stderr: stdout stays the link alone, for scripts
            self.stderr.write(
                f"Date of birth to confirm: {patient.date_of_birth:%d %m %Y}"
            )
