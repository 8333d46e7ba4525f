"""``iptcare fhir_client NAME --team "Team" [--site "Site"] | --site "Site" --scopes …``:
register another system as a FHIR API client and print its id and secret once (the
secret is stored hashed; it cannot be shown again).

Team names repeat across sites, so a team name that fits more than one team is refused
with the choices; ``--site`` or the team's Organization id (``--team team-<n>``) says
which."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop import services


class Command(BaseCommand):
    help = "Register a FHIR API client (OAuth2 client credentials) bound to a site or team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--site",
            help="the site's name: the client's site, or the site of the --team meant",
        )
        parser.add_argument(
            "--team", help="the team's name, or its Organization id (team-<n>)"
        )
        parser.add_argument(
            "--scopes",
            default="system/*.read",
            help="space-separated, e.g. 'system/Patient.read system/Observation.read'",
        )
        parser.add_argument(
            "--recipient",
            default="",
            help="the disclosure recipient's name or id, if any",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["site"] and not options["team"]:
            raise CommandError("Give --team, --site, or both.")
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
