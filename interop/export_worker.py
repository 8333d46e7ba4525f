"""The start of a bulk export's worker process (``interop.export.executor``).

Imported by a fresh interpreter before Django is set up, so it imports nothing of
the project at the top.
"""

from __future__ import annotations


def start(database: str) -> None:
    """Set Django up as the job's process has it, on the job's database (the same
    settings from the environment; the name as the job sees it, which differs
    under a test run)."""
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database  # before any connection opens
    django.setup()
