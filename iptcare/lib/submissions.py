"""Create forms saved once (decisions/0077, after 0007's unique key and 0035's
"the same request gets the same answer").

Every create form carries a one-time token (``{% submission_token %}``). A view
wrapped in ``saved_once`` claims the form's key — who sent it, to which address, and
the token — by inserting a unique ``FormSubmission`` row in the same transaction as
the view's own writes. A second send of the same form (a double click, the browser's
back and resend, a retry after a slow answer, two POSTs at the same moment) cannot
insert it again: it waits for the first to commit, finds its row, and is sent where
the first went, with a calm message, instead of saving again.

A POST without the token (another client, the tests' plain posts) keeps working; the
same words sent again by the same person to the same address, with nothing else sent
there between and within ``IPTCARE_RESUBMIT_SECONDS``, are the same form."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from iptcare.models import FormSubmission

FIELD = "submission"  # the hidden field's name

View = Callable[..., HttpResponse]


def submission_token() -> str:
    """A fresh one-time token for one rendering of a form."""
    return secrets.token_hex(16)


def _sender(request: HttpRequest) -> str | None:
    patient = getattr(request, "portal_patient", None)
    if patient is not None:
        return f"patient:{patient.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"staff:{user.pk}"
    return None  # nobody signed in: the view refuses or guards itself


def _key(request: HttpRequest, sender: str) -> tuple[str, str]:
    """The form's key and, for a POST without a token, a digest of what it said.
    Hashed: what a person typed is never stored here.

    Without a token the key is the sender and the address alone, one row holding the
    last plain send there: the same words again are a resend; other words between
    (three calls: no answer, voicemail, no answer) make each a send of its own."""
    digest = hashlib.sha256(f"{sender}\0{request.path}".encode())
    token = request.POST.get(FIELD, "").strip()[:64]
    if token:
        digest.update(f"\0token\0{token}".encode())
        return digest.hexdigest(), ""
    words = hashlib.sha256()
    for name in sorted(request.POST):
        if name != "csrfmiddlewaretoken":
            for value in request.POST.getlist(name):
                words.update(f"\0{name}={value}".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            words.update(f"\0{name}:{upload.name}:{upload.size}".encode())
    return digest.hexdigest(), words.hexdigest()


def _claim(key: str, words: str) -> FormSubmission | None:
    """``None`` if this send is the first (the row is now ours until the transaction
    ends), else the first send's row."""
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the outer transaction goes on
            FormSubmission.objects.create(key=key, words=words, created_at=now)
        return None
    except IntegrityError:
        pass  # another send of this form committed first (PostgreSQL waited for it)
    earlier = FormSubmission.objects.select_for_update().get(key=key)
    window = timedelta(seconds=settings.IPTCARE_RESUBMIT_SECONDS)
    if words and (earlier.words != words or earlier.created_at < now - window):
        # Other words, or the same long after: a new entry, not a resend.
        earlier.words, earlier.created_at, earlier.location = words, now, ""
        earlier.save(update_fields=["words", "created_at", "location"])
        return None
    return earlier


def _from_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _refusals(request: HttpRequest) -> int:
    """How many warnings and errors the request has queued for the person. Read
    from the queue itself: iterating the messages would mark them shown."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return sum(1 for message in queued if message.level >= messages.WARNING)


def _outcome(request: HttpRequest, response: HttpResponse, refusals: int) -> str:
    """Where a repeat of this send is sent: where the first went ("" if nothing was
    saved). An HTMX form's section comes back in place, so its page is the place. A
    refusal sent back as a message saved nothing: the same form may come again once
    the reason is gone (a letter after the third call)."""
    if _refusals(request) > refusals:
        return ""
    if response.status_code in (301, 302, 303) and response.has_header("Location"):
        return str(response["Location"])
    if _from_htmx(request) and 200 <= response.status_code < 300:
        # The page's own address, never another site's (the header is the client's).
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return (
            current.path + (f"?{current.query}" if current.query else "")
            or request.path
        )
    return ""


def saved_once(view: View) -> View:
    """The view's POST saved once per form; a repeat gets the first's redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sender = _sender(request) if request.method == "POST" else None
        if sender is None:
            return view(request, *args, **kwargs)
        key, words = _key(request, sender)
        failure: Exception | None = None
        with transaction.atomic():
            earlier = _claim(key, words)
            if earlier is None:
                claimed = FormSubmission.objects.filter(key=key)
                refusals = _refusals(request)
                try:
                    response = view(request, *args, **kwargs)
                except Exception as error:
                    # What the view wrote before it refused (the audit of a denied
                    # access) is kept, as it was before this wrapper; the claim is not.
                    failure = error
                    if isinstance(error, DatabaseError):
                        transaction.set_rollback(True)  # the transaction is broken
                    elif not transaction.get_rollback():
                        claimed.delete()
                else:
                    location = _outcome(request, response, refusals)
                    if location:
                        claimed.update(location=location[:500])
                    else:
                        # Not saved (the page came back with the form's errors): the
                        # corrected form may come back with the same token.
                        claimed.delete()
                    return response
        if failure is not None:
            raise failure
        assert earlier is not None  # noqa: S101 - the view ran or raised above
        messages.info(request, gettext("This was already sent; it was saved once."))
        location = earlier.location or request.path
        if _from_htmx(request):
            # The section the first answer swapped in is gone: show the whole page.
            return HttpResponse(status=204, headers={"HX-Redirect": location})
        return redirect(location)

    wrapped.saved_once = True  # type: ignore[attr-defined]
    return wrapped
