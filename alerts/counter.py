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

import hashlib
from collections.abc import Callable

from django.contrib.sessions.backends.base import SessionBase

from iptcare.lib.sessions import read_beside_session
from iptcare.lib.shared_cache import Generation

INBOX = Generation("alerts:inbox-generation")
COUNT_SECONDS = 60


def _fragment_key(session_key: str) -> str:
    # Kept per session, so that the session's own round trip can read it
    # (``read_beside_session``); the key is a digest, never the session's key.
    digest = hashlib.sha256(session_key.encode()).hexdigest()
    return f"alerts:open-count-fragment:{digest}"


read_beside_session(lambda session_key: [INBOX.key, _fragment_key(session_key)])


def open_count_fragment(
    staff_id: int, session: SessionBase, render: Callable[[], str]
) -> str:
    """One person's open-alert count as rendered: kept, or ``render()`` kept now. Kept
    rendered rather than as a number, so that a poll between changes renders nothing,
    and per session, read with the session in one round trip (decisions/0065). The
    entry names its person: a session signed in as someone else renders afresh."""
    key = _fragment_key(session.session_key or "")
    found = getattr(session, "beside", None)

    def rendered() -> tuple[int, str]:
        return staff_id, render()

    owner, fragment = INBOX.cached(key, rendered, seconds=COUNT_SECONDS, found=found)
    if owner != staff_id:
        owner, fragment = INBOX.cached(key, rendered, seconds=COUNT_SECONDS, found={})
    return fragment
