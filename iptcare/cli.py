"""The ``iptcare`` command: Django's management commands under the product's name.

``iptcare demo``, ``iptcare migrate``, ``iptcare score phq9 0 1 …`` and so on.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["iptcare", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
