"""``iptcare score <id> <a1> <a2> …``: score one administration, print one JSON object.

Each answer is the position of the chosen option (0 = first, as ``docs/instruments.md``
lists them) or ``-`` for a missing answer. Bad input exits with status 2, a message on
stderr and nothing on stdout. The scoring itself is ``measures.instruments``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from measures.instruments import InvalidAnswers, UnknownInstrument, get

MISSING = "-"
USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Score a rating scale. Give the instrument id, then each answer as the "
        "position of the chosen option (0 = first) or '-' for missing."
    )
    # Pure arithmetic on in-memory definitions: no models, so no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="instrument id, e.g. phq9")
        parser.add_argument(
            "answers", nargs="*", help="option positions (0 = first), '-' for missing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = get(options["instrument"])
        except UnknownInstrument as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        answers = [
            _parse(position, n) for n, position in enumerate(options["answers"], 1)
        ]
        try:
            result = instrument.score(answers)
        except InvalidAnswers as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))


def _parse(text: str, number: int) -> int | None:
    if text == MISSING:
        return None
    try:
        return int(text)
    except ValueError:
        raise CommandError(
            f"Answer {number} is {text!r}: give an option position (0 = first) or "
            f"'{MISSING}' for missing.",
            returncode=USAGE_ERROR,
        ) from None
