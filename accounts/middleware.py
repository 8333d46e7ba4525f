"""Staff session rules that apply to every page: the idle limit (counted from the
person's last request, never a background poll's), the absolute session lifetime and,
where the clinic requires it, a verified second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import LazyObject, empty

from iptcare.lib import sessions

SIGNED_IN_AT = "iptcare_signed_in_at"
LAST_ACTIVE = "iptcare_last_active"
# Sent by the pages' background polls (the alert count, the inbox's refresh): they
# are not the person at work, so they never keep an idle session open.
BACKGROUND_HEADER = "X-IPTCare-Background"

# Pages a signed-in user may reach before the second factor is verified.
_BEFORE_SECOND_FACTOR = ("accounts:verify", "accounts:setup-2fa", "accounts:sign-out")


def note_sign_in_time(sender: object, request: HttpRequest, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().timestamp()
        request.session[LAST_ACTIVE] = request.session[SIGNED_IN_AT]


def _signed_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    if request.headers.get("HX-Request"):
        # htmx swaps a redirect's target into the page: send the whole page instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        return response
    return redirect(settings.LOGIN_URL)


def _evaluated(user: Any) -> Any:
    """The user itself, out of the lazy wrappers that authentication and the second
    factor put round it. Every page asks for the user at once, and each of the
    hundreds of reads of ``user.…`` in a page went through both wrappers, each by a
    refused attribute look-up (decisions/0074)."""
    while isinstance(user, LazyObject):
        wrapper: Any = user  # the stubs do not name the wrapper's own parts
        if wrapper._wrapped is empty:
            wrapper._setup()
        user = wrapper._wrapped
    return user


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user = _evaluated(request.user)
        if user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            limit = timedelta(hours=settings.IPTCARE_SESSION_ABSOLUTE_HOURS)
            if (
                signed_in_at is None
                or timezone.now().timestamp() - float(signed_in_at)
                > limit.total_seconds()
            ):
                return _signed_out(request)
            # The idle limit counts from the last thing the person did, not from the
            # last request: the session cookie's own age is renewed by every request,
            # background polls included.
            now = timezone.now().timestamp()
            last_active = float(request.session.get(LAST_ACTIVE, signed_in_at))
            if now - last_active > settings.IPTCARE_SESSION_IDLE_SECONDS:
                return _signed_out(request)
            if not request.headers.get(BACKGROUND_HEADER):
                sessions.touch(request.session, LAST_ACTIVE, now)
            # OTPMiddleware adds is_verified() to the signed-in user.
            verified = getattr(user, "is_verified", lambda: False)()
            if settings.IPTCARE_REQUIRE_2FA and not verified:
                allowed = [reverse(name) for name in _BEFORE_SECOND_FACTOR]
                if request.path not in allowed and not request.path.startswith(
                    settings.STATIC_URL
                ):
                    return redirect("accounts:verify")
        response = self.get_response(request)
        if user.is_authenticated and not response.has_header("Cache-Control"):
            # Every staff page may hold patient data: no browser or proxy keeps a copy
            # (the class fix; pages that say otherwise set their own header).
            add_never_cache_headers(response)
        return response
