#!/usr/bin/env python
"""Django's manage.py; ``iptcare`` (the installed command) does the same."""

from iptcare.cli import main

if __name__ == "__main__":
    main()
