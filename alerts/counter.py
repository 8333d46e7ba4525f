"""The open-alert count in the navigation, kept in the shared cache between changes.

Every staff page polls the count once a minute, so it is the most frequent request a
clinic makes. Counting means building the visible-patient rule and asking the database
each time; the answer changes only when an alert is raised, acknowledged or escalated,
or when who may see which patient changes. So the count is kept per person, as the
fragment the navigation swaps in (a number and the poll's own markup, no patient), under
the *inbox generation*, which every such change moves once committed (the signals in
``AlertsConfig.ready``); see ``iptcare.lib.shared_cache``.

Entries also expire after ``COUNT_SECONDS``: that bounds what a change outside the ORM
(a raw statement, a restore) or a break-the-glass grant running out could leave behind
(decisions/0062).
"""

from __future__ import annotations

from collections.abc import Callable

from iptcare.lib.shared_cache import Generation

INBOX = Generation("alerts:inbox-generation")
COUNT_SECONDS = 60


def open_count_fragment(staff_id: int, render: Callable[[], str]) -> str:
    """One person's open-alert count as rendered: kept, or ``render()`` kept now. Kept
    rendered rather than as a number, so that a poll between changes renders nothing
    (decisions/0065)."""
    return INBOX.cached(
        f"alerts:open-count-fragment:{staff_id}", render, seconds=COUNT_SECONDS
    )
