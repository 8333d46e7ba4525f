"""``iptcare fhir_client NAME --team "Team" | --site "Site" --scopes …``: register another
system as a FHIR API client and print its id and secret once (the secret is stored
hashed; it cannot be shown again)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop import services


class Command(BaseCommand):
    help = "Register a FHIR API client (OAuth2 client credentials) bound to a site or team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--site", help="the site's name")
        where.add_argument("--team", help="the team's name")
        parser.add_argument(
            "--scopes",
            default="system/*.read",
            help="space-separated, e.g. 'system/Patient.read system/Observation.read'",
        )
        parser.add_argument(
            "--recipient", default="", help="the disclosure recipient's name, if any"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        secret = secrets.token_urlsafe(32)
        try:
            client = services.api_client_register(
                name=options["name"],
                site_name=options["site"],
                team_name=options["team"],
                scopes=options["scopes"],
                recipient_name=options["recipient"],
                secret=secret,
            )
        except services.SubmissionRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"client_id: {client.application.client_id}")
        self.stdout.write(f"client_secret: {secret}  (shown once)")
