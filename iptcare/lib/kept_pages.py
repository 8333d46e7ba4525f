"""A patient's pages kept rendered until their record changes (decisions/0066).

A clinical page (the record, a course, its inventory …) is rendered once and kept under
a key that names everything its content rests on:

- the patient's **record version** and the clinic's **directory version**, which the
  database itself moves on every write to the patient's rows, or to the staff, teams
  and programs the pages name (``patients.record_version``, decisions/0063): a write by
  any path, ``update()``, ``bulk_create()`` or raw SQL included, is a new key;
- who reads it (the person, and the basis of their access), the page and its objects,
  the clinic's day and the language;
- the release: the code and settings the page was rendered with.

The versions are read *before* the page's own queries, in the access check's query, so
a kept page is never older than its key: a write that commits while a page renders can
only leave newer content under the older key, which nobody reads after the move.

What a page shows that changes with the clock alone (an appointment that is no longer
upcoming) is not in the versions: the code that decides it calls ``valid_until`` with
the moment it changes, and the page is kept no longer than that; nothing is kept longer
than ``KEEP_SECONDS``, which bounds anything of that kind overlooked.

Only a GET is kept, and only for a key the view built: forms bound to a POST, and any
request in which the view did not ask for it, render as before.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from accounts.access import PatientAccess

KEEP_SECONDS = 10 * 60
T = TypeVar("T")

# The moment the page being rendered stops being true with the clock alone, if any.
_valid_until: contextvars.ContextVar[list[datetime] | None] = contextvars.ContextVar(
    "kept_page_valid_until", default=None
)


def valid_until(moment: datetime) -> None:
    """Say that what is being shown changes at ``moment`` with no write (an appointment
    starts, a window closes): a page kept while rendering it expires then."""
    moments = _valid_until.get()
    if moments is not None:
        moments.append(moment)


@contextmanager
def clock_bound() -> Iterator[list[datetime]]:
    moments: list[datetime] = []
    token = _valid_until.set(moments)
    try:
        yield moments
    finally:
        _valid_until.reset(token)


class RenderFragment(Protocol):
    """Renders the page's kept part, with ``csrf_token`` standing for the reader's
    token (``None``: the reader's own, nothing kept)."""

    def __call__(self, csrf_token: str | None) -> str: ...


def _release() -> str:
    """The code and settings pages are rendered with: a deployment of other templates
    or other thresholds never reads a page the previous one kept."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR).resolve()
    # The project's own apps (and the project package), wherever it is installed:
    # never a walk of the whole environment beside them.
    ours = sorted(
        {
            Path(app.path).resolve()
            for app in apps.get_app_configs()
            if Path(app.path).resolve().is_relative_to(root)
        }
        | {Path(__file__).resolve().parent.parent}
    )
    for directory, subdirectories, files in (
        step for top in ours for step in os.walk(top)
    ):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".") and name not in {"node_modules", "var", "tests"}
        )
        for name in sorted(files):
            if name.endswith((".py", ".html", ".mo")):
                stat = os.stat(os.path.join(directory, name))
                digest.update(
                    f"{directory}/{name}:{stat.st_mtime_ns}:{stat.st_size}".encode()
                )
    for name in sorted(dir(settings)):
        if name.startswith("IPTCARE_"):
            digest.update(f"{name}={getattr(settings, name)!r}".encode())
    return digest.hexdigest()[:16]


_RELEASE: str | None = None


def release() -> str:
    global _RELEASE
    if _RELEASE is None:
        _RELEASE = _release()
    return _RELEASE


def _csrf_placeholder() -> str:
    """What stands for the reader's CSRF token in a kept page: derived from the secret
    key, so every process of the deployment agrees and nobody can type it into a note."""
    return _placeholder_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _placeholder_for(secret: str) -> str:
    return hmac.new(
        secret.encode(), b"kept-page-csrf-token", hashlib.sha256
    ).hexdigest()


def in_use() -> bool:
    return bool(settings.IPTCARE_KEEP_PAGES)


@receiver(setting_changed)
def _settings_changed(**_signal: Any) -> None:
    """A test that changes a setting renders with it, not with a page kept before."""
    global _RELEASE
    _RELEASE = None


def page_key(
    request: HttpRequest, access: PatientAccess, page: str, *objects: object
) -> str | None:
    """The key a patient's page is kept under for this request, or ``None`` when it
    must be rendered afresh (not a GET, or no versions read with the patient)."""
    patient = access.patient
    record_version = getattr(patient, "record_version", None)
    directory_version = getattr(patient, "directory_version", None)
    if record_version is None or directory_version is None:
        return None
    return _key(
        request,
        page,
        str(patient.pk),
        str(record_version),
        str(directory_version),
        access.basis.value,
        *objects,
    )


def list_key(
    request: HttpRequest, page: str, versions: str | None, *objects: object
) -> str | None:
    """The key a page that names no one patient is kept under (a supervisor's list,
    the service dashboard), or ``None`` when it must be rendered afresh.

    ``versions`` names everything the page's content rests on that writes move, read
    *before* the page's own data: for a list of patients their record versions
    (``patients.record_version.versions_of``) and the directory's, for figures the
    generation the job that computes them moves. ``None``: nothing to key on."""
    if versions is None:
        return None
    return _key(request, page, versions, *objects)


def _key(request: HttpRequest, page: str, *parts: object) -> str | None:
    """The parts every kept page is keyed by: the release, the page, the reader, the
    clinic's day, the language and whole page or HTMX, around the page's own."""
    if request.method != "GET" or not in_use():
        return None
    return ":".join(
        [
            "kept-page",
            release(),
            page,
            str(request.user.pk),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            "htmx" if request.headers.get("HX-Request") else "page",
            *(str(part) for part in parts),
        ]
    )


def kept(key: str | None, request: HttpRequest, render: RenderFragment) -> str:
    """The fragment under ``key`` if one is kept and still true, else ``render()``'s,
    kept. The reader's CSRF token is put in on the way out."""
    html, _ = kept_with(key, request, lambda csrf_token: (render(csrf_token), None))
    return html


def kept_with(
    key: str | None,
    request: HttpRequest,
    render: Callable[[str | None], tuple[str, T]],
) -> tuple[str, T]:
    """As ``kept``, for a page that keeps beside its fragment what the request still
    needs when it is not rendered (the patients a list shows, which every request
    audits): ``render`` returns both, and both are kept together."""
    if key is None:
        return render(None)
    now = timezone.now()
    found = cache.get(key)
    if found is not None:
        html, facts, expires = found
        if expires is None or now < expires:
            return _with_token(html, request), facts
    placeholder = _csrf_placeholder()
    with clock_bound() as moments:
        html, facts = render(placeholder)
    expires = min(moments) if moments else None
    seconds = KEEP_SECONDS
    if expires is not None:
        seconds = int(min(seconds, max(0.0, (expires - now).total_seconds())))
    if seconds > 0:
        cache.set(key, (html, facts, expires), timeout=seconds)
    return _with_token(html, request), facts


def _with_token(html: str, request: HttpRequest) -> str:
    placeholder = _csrf_placeholder()
    if placeholder not in html:
        return html
    return html.replace(placeholder, str(get_token(request)))


def when_shown(compute: Callable[[], T]) -> T:
    """A value of a kept page's context worked out only if the page is rendered, not
    when a kept copy is sent: the queries behind it are what keeping saves."""
    return SimpleLazyObject(compute)  # type: ignore[return-value]


def context_when_shown(
    compute: Callable[[], dict[str, Any]], names: Iterable[str]
) -> dict[str, Any]:
    """A kept page's context worked out (once, as a whole) only if the page is
    rendered: each of ``names`` is looked up in it then."""
    whole: dict[str, Any] = SimpleLazyObject(compute)  # type: ignore[assignment]
    return {name: SimpleLazyObject(partial(whole.get, name)) for name in names}
