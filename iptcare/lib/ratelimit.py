"""A per-address limit on public submissions: the callback form, the portal's
sign-in and its link requests (docs/decisions/0006).

Counted in the ``counters`` cache (Redis when ``REDIS_URL`` is set, else files every
process of the machine shares, decisions/0078), so every worker shares the count: the first submission from an address opens a window of ``window`` seconds
(``IPTCARE_CALLBACK_RATE_WINDOW_SECONDS`` unless given); within it at most ``limit``
(``IPTCARE_CALLBACK_RATE_LIMIT``) submissions pass. The address is kept only as a keyed
hash, and only for the length of the window.

The callback form counts only what it **accepts** (``allowed`` before storing, then
``count``): a mistake on the form costs nothing; it is limited by the contact details
given (``IPTCARE_CALLBACK_RATE_LIMIT``) beside a generous per-address ceiling
(``IPTCARE_CALLBACK_ADDRESS_LIMIT``), so a shared address (a shelter, a library) is not
limited to five requests in all (docs/decisions/0042).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def _counters() -> BaseCache:
    """Where the counts are kept (settings ``CACHES["counters"]``)."""
    return caches["counters"]


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's, or — behind
    ``IPTCARE_TRUSTED_PROXY_COUNT`` proxies — the one the outermost trusted proxy saw
    (entries further left were written by the client and are not believed). The one
    answer for lock-out (``AXES_CLIENT_IP_CALLABLE``), rate limits and the audit
    trail, in its one canonical spelling."""
    hops = settings.IPTCARE_TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops and _is_address(forwarded[-hops]):
            return _canonical(forwarded[-hops])
    return _canonical(str(request.META.get("REMOTE_ADDR", "")))


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _canonical(text: str) -> str:
    """One spelling per address (``2001:DB8:0:0::1`` is ``2001:db8::1``): as the
    database stores it, so the audit trail's hash covers what is read back, and so
    that a client cannot pass for many by spelling its address several ways. Text
    that is no address is left as it is."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def _key(scope: str, address: str) -> str:
    digest = salted_hmac(f"iptcare.ratelimit.{scope}", address).hexdigest()
    return f"ratelimit:{scope}:{digest}"


def hit(
    request: HttpRequest,
    *,
    scope: str = "callback",
    limit: int | None = None,
    window: int | None = None,
) -> bool:
    """Count this request; ``True`` while the address is within its limit."""
    limit = settings.IPTCARE_CALLBACK_RATE_LIMIT if limit is None else limit
    window = settings.IPTCARE_CALLBACK_RATE_WINDOW_SECONDS if window is None else window
    key = _key(scope, client_address(request))
    # add() opens the window only if none is open; incr() is atomic in Redis and in
    # the counters on disk, and keeps the key's expiry.
    _counters().add(key, 0, timeout=window)
    try:
        count = _counters().incr(key)
    except ValueError:  # the window closed between the two calls
        _counters().set(key, 1, timeout=window)
        count = 1
    return count <= limit


def over(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Whether the address has used up its ``limit`` in ``scope``'s open window,
    without counting this request (a check before anything is revealed)."""
    count = _counters().get(_key(scope, client_address(request))) or 0
    return int(count) >= limit


def _count_key(scope: str, request: HttpRequest, identity: str | None) -> str:
    """The counter's key: the sender's identity (hashed) when given, else the
    client's address."""
    if identity is not None:
        return _key(f"{scope}.who", identity)
    return _key(scope, client_address(request))


def allowed(
    request: HttpRequest,
    *,
    scope: str,
    limit: int,
    identity: str | None = None,
) -> bool:
    """Whether one more would be within ``limit``, without counting it."""
    return int(_counters().get(_count_key(scope, request, identity), 0)) < limit


def count(
    request: HttpRequest,
    *,
    scope: str,
    window: int | None = None,
    identity: str | None = None,
) -> int:
    """Count one accepted submission (by ``identity`` when given, else by address);
    returns the count in the window."""
    window = settings.IPTCARE_CALLBACK_RATE_WINDOW_SECONDS if window is None else window
    key = _count_key(scope, request, identity)
    _counters().add(key, 0, timeout=window)
    try:
        return int(_counters().incr(key))
    except ValueError:  # the window closed between the two calls
        _counters().set(key, 1, timeout=window)
        return 1
