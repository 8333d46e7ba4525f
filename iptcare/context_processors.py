"""Values every page shows: the clinic's name and its crisis resources."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, object]:
    # The crisis lines as one-tap ``tel:`` links on every public and portal page;
    # imported here because the portal owns the parsing (``portal.crisis``). Handed
    # over uncalled: the template calls it where a page shows the lines, so staff
    # pages, which never do, no longer parse them on every render (decisions/0071).
    from portal.crisis import crisis_lines

    return {
        "organisation_name": settings.IPTCARE_ORGANISATION,
        "crisis_text": settings.IPTCARE_CRISIS_TEXT,
        "crisis_lines": crisis_lines,
    }
