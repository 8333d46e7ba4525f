"""The portal's question page kept rendered, in this process, per question (decisions/0071).

What a questionnaire's screen shows is the same for every patient: the instrument's
wording of that item in the response's language, the portal's frame in the page's
language, and which option is chosen. None of it rests on the database, only on the
release (the code, templates, catalogues and settings, ``kept_pages.release``), so a
copy rendered once is true until the process ends: nothing is kept in a shared cache,
there is no round trip to find it and nothing to invalidate.

A copy is kept under the release, the instrument, the question, the two languages, the
option chosen and the path's shape. Three things differ between patients and requests,
and stand in the copy as placeholders put in on the way out: the response's id (the
page's own address, in the back link and the language form), and the reader's CSRF
token. The patient is never part of a copy: one that shows any of the patient's names
or record number (a template changed to greet them) is not kept.

Only a GET with no message waiting is sent a kept copy; a refused answer (a POST) and a
page with a message render as before. Keeping is off with ``IPTCARE_KEEP_PAGES``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.utils import translation

from iptcare.lib import kept_pages
from patients.models import Patient
from portal.models import QuestionnaireResponse

# At most this many copies per process (about 4 KB each): a clinic's questionnaires
# have a few hundred screens in all, times the options and languages.
MOST_KEPT = 1024

_kept = kept_pages.CopiesInProcess(MOST_KEPT)


@lru_cache(maxsize=4)
def _id_stand_in(secret: str) -> str:
    """The response id's placeholder, derived from the secret key so that nobody can
    type it into a page's text, and shaped as a UUID: the page's routes are reversed
    with it. The CSRF token's is every kept page's (``kept_pages.csrf_placeholder``)."""
    digest = hmac.new(secret.encode(), b"portal-question-page", hashlib.sha256)
    return str(uuid.UUID(digest.hexdigest()[:32]))


def _waiting_messages(request: HttpRequest) -> bool:
    """Whether a message waits to be shown (read, not used up: the page that
    renders afresh shows it)."""
    return len(get_messages(request)) > 0


def _names_the_patient(html: str, patient: Patient) -> bool:
    """Whether ``html`` shows any of the patient's names or their record number, as
    a word ("Sam" is not in "Samaritans")."""
    names = [
        re.escape(value)
        for value in (
            patient.given_name,
            patient.family_name,
            patient.preferred_name,
            patient.record_number,
        )
        if value
    ]
    return bool(names) and re.search(rf"\b(?:{'|'.join(names)})\b", html) is not None


def question_page(
    request: HttpRequest,
    response: QuestionnaireResponse,
    number: int,
    chosen: str,
    render: Callable[[str | None], str],
) -> str:
    """The question page's HTML for this request: a kept copy with this request's
    response id and CSRF token put in, or ``render``'s.

    ``render(csrf_token)`` renders the page, with ``csrf_token`` standing for the
    reader's token (``None``: the reader's own, nothing kept)."""
    if request.method != "GET" or not kept_pages.in_use():
        return render(None)
    if _waiting_messages(request):
        return render(None)
    token_stand_in = kept_pages.csrf_placeholder()
    id_stand_in = _id_stand_in(settings.SECRET_KEY)
    response_id = str(response.public_id)
    key = (
        kept_pages.release(),
        response.instrument_id,
        response.language,
        str(number),
        chosen,
        translation.get_language() or "",
        request.path.replace(response_id, id_stand_in),
    )
    html = _kept.get(key)
    if html is None:
        rendered = render(token_stand_in)
        patient: Patient = request.portal_patient  # type: ignore[attr-defined]
        if _names_the_patient(rendered, patient):
            # Not the same for every patient: sent as rendered, never kept.
            return kept_pages.with_token(rendered, request)
        html = rendered.replace(response_id, id_stand_in)
        _kept.put(key, html)
    return kept_pages.with_token(html.replace(id_stand_in, response_id), request)


def forget() -> None:
    """Drop every kept copy (tests)."""
    _kept.clear()
