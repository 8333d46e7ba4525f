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

A list (the caseload, the alerts inbox, the day sheet, the intake queue, the waiting
list, the caseload review; and the service dashboard: ``list_key``) names no one patient: its key holds what proves it unchanged, read
by one narrow query before the page's own (the rows it lists, chosen afresh at every
request, and their patients' versions; the directory and intake versions; decisions
0067 and 0068), digested. What such a page records in the audit trail while it is rendered
(a row for each patient listed) is kept with it and recorded again, for the reader,
each time the kept copy is sent (decisions/0068).
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache, partial
from importlib import metadata
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.core.signals import setting_changed
from django.db.models import BigIntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from accounts.access import PatientAccess
    from accounts.models import Staff
    from audit.services import Entry

KEEP_SECONDS = 10 * 60
T = TypeVar("T")

# The moment the page being rendered stops being true with the clock alone, if any.
_valid_until: contextvars.ContextVar[list[datetime] | None] = contextvars.ContextVar(
    "kept_page_valid_until", default=None
)


@dataclass
class _Reads:
    reader_pk: Any
    # The entries as recorded, each naming its patient by key alone (no model row in
    # the cache).
    reads: list[Entry] = field(default_factory=list)
    by_someone_else: bool = False


# The reads recorded while a kept page renders, if one is being rendered.
_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar(
    "kept_page_reads", default=None
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


def audited_while_kept(
    actor: Staff | None, entries: Iterable[Entry], actor_label: str = ""
) -> None:
    """Called by the audit trail for every batch it records: while a kept page is
    rendered, its reads are kept with it (``audit.services.record_many``)."""
    reads = _reads.get()
    if reads is None:
        return
    if actor is None or actor.pk != reads.reader_pk or actor_label:
        reads.by_someone_else = True  # recorded once, for them: not kept
        return
    reads.reads.extend(
        replace(entry, patient=None, patient_id=entry.patient_key) for entry in entries
    )


@contextmanager
def reads_recorded(reader_pk: Any) -> Iterator[_Reads]:
    reads = _Reads(reader_pk)
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def _record_again(reads: tuple[Entry, ...], request: HttpRequest) -> None:
    """The reads a kept copy recorded when it was rendered, recorded for this reader
    now: sending the copy shows them the same patients."""
    if not reads:
        return
    from audit import services as audit

    audit.record_many(actor=request.user, entries=reads)  # type: ignore[arg-type]


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
        | {Path(path).resolve() for path in settings.LOCALE_PATHS}  # catalogues
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
    # The libraries' templates and widgets too: a deployment that upgrades only a
    # dependency is another release.
    for distribution in sorted(
        f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()
    ):
        digest.update(distribution.encode())
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


def csrf_placeholder() -> str:
    """What stands for the reader's CSRF token in a kept page: derived from the secret
    key, so every process of the deployment agrees and nobody can type it into a note."""
    return _placeholder_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _placeholder_for(secret: str) -> str:
    return hmac.new(
        secret.encode(), b"kept-page-csrf-token", hashlib.sha256
    ).hexdigest()


def submission_placeholder() -> str:
    """What stands for a form's one-time token in a kept page: each copy sent gets a
    fresh token in its place, so two readers of one kept form never share one
    (decisions/0077)."""
    return _placeholder_for(settings.SECRET_KEY + ":submission")


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


def _key(request: HttpRequest, page: str, *parts: object) -> str | None:
    """The parts every kept page is keyed by: the release, the page, the reader and
    their role, the clinic's day and zone, the language and whole page or HTMX, around
    the page's own."""
    if request.method != "GET" or not in_use():
        return None
    staff = request.user
    return ":".join(
        [
            "kept-page",
            release(),
            page,
            str(staff.pk),
            str(getattr(staff, "role", "")),
            timezone.localdate().isoformat(),
            timezone.get_current_timezone_name(),
            translation.get_language() or "",
            "htmx" if request.headers.get("HX-Request") else "page",
            *(str(part) for part in parts),
        ]
    )


@dataclass(frozen=True)
class ChosenRows:
    """A list's page as its one narrow query chose it, before any of its rows is
    read: each row's id with its patient's record version, in the order shown, and the
    directory version, all read in that one statement (decisions/0067)."""

    rows: tuple[tuple[int, int], ...]
    directory_version: int


class ListPage(Page[T]):
    """A page of a kept list: ``object_list`` is worked out only if the list is
    rendered (``when_shown``); ``chosen`` is what it is kept under."""

    def __init__(
        self,
        object_list: Any,
        number: int,
        paginator: Paginator[Any],
        chosen: ChosenRows,
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.chosen = chosen


def choose_page(
    rows: Callable[[], QuerySet[Any, Any]],
    names: Sequence[str],
    counted: Callable[[], Counted],
    page_number: str | int,
    per_page: int,
    *,
    sent: Callable[[int], Sequence[tuple[Any, ...]] | None] | None = None,
) -> tuple[Paginator[tuple[Any, ...]], int, list[tuple[Any, ...]]]:
    """A list's page of ``rows()`` (in the order shown, each read as ``names``), as
    Django's ``Paginator.get_page`` would choose it, with the number of ``counted()``
    in all.

    A page that has rows is read with the count in one statement (``page_with_count``):
    the common request makes one round trip, and the count is of the same moment as
    the rows. ``sent``, when given, sends that statement as built once for the list
    (``iptcare.lib.statements``), for a page number: the ORM then builds nothing; it
    returns ``None`` for a page it has no statement for, which the ORM builds. A page
    number that is not a page (past the last, not a number) is then chosen as
    ``get_page`` chooses it, with the count first."""
    number = page_number_asked(page_number)
    if number is not None:
        found = sent(number) if sent is not None else None
        if found is None:
            found = list(page_with_count(rows(), names, counted(), number, per_page))
        if found:
            paginator: Paginator[tuple[Any, ...]] = Paginator((), per_page)
            paginator.count = found[0][-1]
            return paginator, number, [row[:-1] for row in found]
    paginator = Paginator(rows().values_list(*names), per_page)
    paginator.count = count_of(counted())
    page = paginator.get_page(page_number)
    return paginator, page.number, list(page.object_list)


# What a list counts: the rows of one query, or of several that share no row (each
# counted on its own and added up: a union would be read whole to remove repeats).
Counted = QuerySet[Any, Any] | tuple[QuerySet[Any, Any], ...]


def _parts(counted: Counted) -> tuple[QuerySet[Any, Any], ...]:
    return counted if isinstance(counted, tuple) else (counted,)


def count_of(counted: Counted) -> int:
    """The number of rows of ``counted``."""
    return sum(part.count() for part in _parts(counted))


def page_with_count(
    rows: QuerySet[Any, Any],
    names: Sequence[str],
    counted: Counted,
    number: int,
    per_page: int,
) -> QuerySet[Any, Any]:
    """Page ``number`` of ``rows`` read as ``names``, each with the number of
    ``counted`` in all as its last value (a subquery beside the rows)."""
    sql: list[str] = []
    params: list[Any] = []
    for part in _parts(counted):
        part_sql, part_params = part.order_by().query.sql_with_params()
        sql.append(f"(SELECT COUNT(*) FROM ({part_sql}) counted)")  # noqa: S608
        params.extend(part_params)
    # The ORM's own SQL and parameters, counted: no text from the request.
    in_all = RawSQL(  # noqa: S611
        "SELECT " + " + ".join(sql),
        params,
        output_field=BigIntegerField(),
    )
    bottom = (number - 1) * per_page
    page: QuerySet[Any, Any] = rows.annotate(in_all=in_all).values_list(
        *names, "in_all"
    )[bottom : bottom + per_page]
    return page


# No list has this many pages (25 million rows at 25 a page). A number past it is left
# to ``Paginator.get_page`` (the last page): its rows' offset would overflow the
# database's integers (SQLite: "datatype mismatch", a 500).
LAST_PAGE_READ_BY_NUMBER = 1_000_000


def page_number_asked(page_number: str | int) -> int | None:
    """The page asked for, when it is the number of a page (1 or more) that a list
    could have."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= LAST_PAGE_READ_BY_NUMBER else None


def list_key(
    request: HttpRequest,
    page: str,
    *rests_on: object,
    proof: Callable[[], Iterable[object] | None] | None = None,
) -> str | None:
    """The key a page that names no one patient (a list: the caseload, the inbox, the
    day sheet, the intake queue, the waiting list, the caseload review; the service
    dashboard) is kept under for this request, or ``None`` when it must be rendered
    afresh (not a GET, keeping off, or nothing proves it unchanged).

    ``rests_on`` and ``proof()`` are everything the page's content rests on, read
    before the page's own queries: the rows chosen, each with its patient's record
    version (``ChosenRows``), the directory and intake versions, the generation of
    precomputed figures, and what the request asked for (the search, the sort, the
    page, the count). ``proof`` is a narrow query run only when keeping, for a page
    whose rows are read only when rendered; it returns ``None`` when there is nothing
    to key on. The whole is hashed as JSON, so that no search (which may be a patient's
    name) is in the key and none can pass for another part."""
    if request.method != "GET" or not in_use():
        return None
    proved = proof() if proof is not None else ()
    if proved is None:
        return None
    rested = json.dumps([*rests_on, *proved], default=str)
    return _key(request, page, hashlib.sha256(rested.encode()).hexdigest())


def kept(key: str | None, request: HttpRequest, render: RenderFragment) -> str:
    """The fragment under ``key`` if one is kept and still true, else ``render()``'s,
    kept. The reader's CSRF token is put in on the way out, and the reads the fragment
    recorded in the audit trail when rendered are recorded again for this reader."""
    if key is None:
        return render(None)
    now = timezone.now()
    found = cache.get(key)
    if found is not None:
        html, expires, reads = found
        if expires is None or now < expires:
            _record_again(reads, request)
            return with_token(html, request)
    placeholder = csrf_placeholder()
    with clock_bound() as moments, reads_recorded(request.user.pk) as recorded:
        html = render(placeholder)
    expires = min(moments) if moments else None
    seconds = KEEP_SECONDS
    if expires is not None:
        seconds = int(min(seconds, max(0.0, (expires - now).total_seconds())))
    if seconds > 0 and not recorded.by_someone_else:
        cache.set(key, (html, expires, tuple(recorded.reads)), timeout=seconds)
    return with_token(html, request)


def with_token(html: str, request: HttpRequest) -> str:
    """``html`` with the reader's CSRF token where ``csrf_placeholder()`` stands, and
    a fresh one-time token in each form where ``submission_placeholder()`` stands."""
    placeholder = csrf_placeholder()
    if placeholder in html:
        html = html.replace(placeholder, str(get_token(request)))
    stand_in = submission_placeholder()
    if stand_in in html:
        from iptcare.lib.submissions import submission_token

        parts = html.split(stand_in)
        html = parts[0] + "".join(submission_token() + part for part in parts[1:])
    return html


class CopiesInProcess:
    """HTML kept in this process under a key of everything it rests on: what is the
    same for everyone who shares the key and changes only with a release (the
    portal's question screens, the staff pages' header). Nothing to invalidate and no
    round trip to find it; at most ``most`` copies, the least recently used dropped."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._copies: OrderedDict[tuple[str, ...], str] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[str, ...]) -> str | None:
        with self._lock:
            html = self._copies.get(key)
            if html is not None:
                self._copies.move_to_end(key)
            return html

    def put(self, key: tuple[str, ...], html: str) -> None:
        with self._lock:
            self._copies[key] = html
            while len(self._copies) > self.most:
                self._copies.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()


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
    # Looked up when asked for: ``whole.get`` itself would work the context out now.
    return {name: SimpleLazyObject(partial(_shown, whole, name)) for name in names}


def _shown(context: dict[str, Any], name: str) -> Any:
    return context.get(name)
