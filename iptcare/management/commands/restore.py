"""``iptcare restore DIRECTORY``: load a backup into the configured (empty) database
and check every table against the backup's manifest; exit 1 on any difference. Run
``iptcare migrate`` and ``iptcare audit_verify`` next (docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptcare import backup


class Command(BaseCommand):
    help = "Restore a backup made by `iptcare backup` into an empty database and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="a directory written by `iptcare backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup.restore(Path(options["directory"]))
        except backup.BackupError as problem:
            raise CommandError(str(problem), returncode=1) from problem
        self.stdout.write(
            json.dumps(
                {
                    "restored": options["directory"],
                    "seconds": round(restored.seconds, 2),
                    "verified": True,
                    **backup.summary(restored.manifest),
                }
            )
        )
