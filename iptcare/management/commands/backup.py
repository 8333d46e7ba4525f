"""``iptcare backup DIRECTORY``: the whole database and its manifest (row counts and
checksums per table) into a new directory (docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptcare import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's online backup) with a manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="a new or empty directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.backup(Path(options["directory"]))
        except backup.BackupError as problem:
            raise CommandError(str(problem), returncode=1) from problem
        self.stdout.write(
            json.dumps({"backup": options["directory"], **backup.summary(manifest)})
        )
