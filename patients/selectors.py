"""Reads of patient data, already access-filtered (accounts.access) and audited."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.models import F, Func, Prefetch, Q, QuerySet, TextField, Value

from accounts import access
from accounts.choices import CareTeamRole, Role
from accounts.models import Staff
from alerts import selectors as alert_selectors
from audit import services as audit
from audit.models import AuditEvent
from ipt.choices import Phase
from ipt.models import Course
from iptcare.lib import kept_pages
from iptcare.lib.kept_pages import ChosenRows, ListPage, when_shown
from iptcare.lib.statements import (
    STATEMENT_PAGES,
    TEXT_MARKS,
    StandIn,
    ValuesStatement,
)
from patients.models import CareTeamMember, Patient
from patients.record_version import with_versions
from scheduling import selectors as scheduling_selectors


class SearchText(Func):
    """The three names joined by spaces, ``given || ' ' || family || ' ' || preferred``:
    the text the caseload search matches each word against. A word has no whitespace
    (``str.split``), so it matches the joined text exactly when it matches one of the
    names; one ``UPPER`` per row instead of three, and one expression to index. On
    PostgreSQL ``patients.0002_search_indexes`` indexes exactly this SQL (``||`` is
    immutable, unlike ``CONCAT``, and Django's ``Concat`` adds a ``COALESCE`` per
    part), with trigrams."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(
            F("given_name"),
            Value(" "),
            F("family_name"),
            Value(" "),
            F("preferred_name"),
        )


def _indexed(patients: QuerySet[Patient]) -> bool:
    """Whether the search's indexes exist: on PostgreSQL only
    (``patients.0002_search_indexes``)."""
    return _indexed_on(patients.db)


def _indexed_on(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def _search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """Patients whose record number is the query (any case), or each of whose words is
    in one of their names (any case).

    On PostgreSQL two indexes serve this (``patients.0002_search_indexes``): the
    record numbers are looked up first, as a query of their own through the index on
    ``UPPER(record_number)``, so that the scan upper-cases no row's record number
    (43 ms at 100,000 patients); then words of three letters or more narrow the rows
    through the trigram index on :class:`SearchText`, and shorter ones scan the names,
    once per row. On SQLite, without those indexes, the one query is cheaper."""
    query = query.strip()
    if not query:
        return patients
    by_number = Q(record_number__iexact=query)
    if _indexed(patients):
        by_number = Q(
            pk__in=list(
                Patient.objects.using(patients.db)
                .filter(by_number)
                .values_list("pk", flat=True)
            )
        )
    return _matching(patients, query.split(), by_number)


def _matching(
    patients: QuerySet[Patient], words: list[str], by_number: Q
) -> QuerySet[Patient]:
    """``patients`` found ``by_number`` or by having each of ``words`` in a name."""
    by_name = Q()
    for word in words:
        by_name &= Q(search_text__icontains=word)
    return patients.alias(search_text=SearchText()).filter(by_name | by_number)


class _SortedUnindexed(Func):
    """``family_name || ''``: sorts exactly as the column does (same values, same
    collation), but the index on the names cannot deliver the order."""

    template = "(%(expressions)s || '')"
    output_field = TextField()


def _by_trigrams(words: list[str], *, indexed: bool) -> bool:
    """Whether PostgreSQL finds the search's matches through the trigram index: a
    word of three letters or more, and the index there."""
    return indexed and any(len(word) >= 3 for word in words)


def _name_order(by_trigrams: bool) -> tuple[Any, ...]:
    """The caseload's order: family name, given name, id. When the matches are found
    through the trigram index (``_by_trigrams``), the order must not tempt the planner
    to walk the name index instead, filtering row after row until it has a page: it
    expects matches spread evenly through the alphabet, but a family name's are all in
    one place (``?q=walsh`` read 90,000 rows for a page of 25, 68 ms). Sorting the
    matches costs what counting them already did."""
    if by_trigrams:
        return (_SortedUnindexed(F("family_name")), "given_name", "id")
    return ("family_name", "given_name", "id")


SORT_FLAGS = "flags"
# What the caseload's rows show, and no more: the record has 25 columns.
CASELOAD_COLUMNS = (
    "public_id",
    "record_number",
    "family_name",
    "given_name",
    "pronouns",
    "date_of_birth",
)
CASELOAD_COURSE_COLUMNS = (
    "public_id",
    "patient_id",
    "phase",
    "outcome",
    "sessions_attended",
    "sessions_planned",
)


def caseload_page(
    *,
    staff: Staff,
    query: str,
    page_number: str | int,
    per_page: int,
    sort: str = "",
) -> ListPage[Patient]:
    """One page of the user's caseload with each row's primary clinician, and one audit
    row for each patient shown. The query count does not depend on the caseload size.

    The page's patients are chosen first, by one narrow query that reads their ids in
    order with their record versions and the directory version (what the rendered rows
    are kept under, decisions/0067), and audited; their rows are read only if the list
    is rendered (``object_list``), by id, with only the columns the list shows
    (decisions/0064). Without a search the caseload is counted from its ids alone (a
    clinician's from the care-team index, a supervisor's teams' from the team index,
    ``access.caseload_counted``), and the choosing statement is built once per role,
    sort and page (decisions/0072); a clinician's search is built once per sort,
    number of words and page (decisions/0075)."""
    flags = staff.is_clinical and sort == SORT_FLAGS
    searched = bool(query.strip())
    words = query.split()
    alias = router.db_for_read(Patient)
    by_trigrams = _by_trigrams(words, indexed=_indexed_on(alias))
    sent = None
    if not searched and staff.role in _CHOSEN_ONCE_FOR:  # the ORM's otherwise

        def sent(number: int) -> list[tuple[Any, ...]] | None:
            if number > STATEMENT_PAGES:
                return None  # built by the ORM
            statement = _chosen_statement(alias, staff.role, flags, number, per_page)
            return statement.rows(staff_id=staff.pk)

    elif staff.role in _SEARCHED_ONCE_FOR and len(words) <= SEARCH_WORDS_BUILT_ONCE:

        def sent(number: int) -> list[tuple[Any, ...]] | None:
            if number > STATEMENT_PAGES:
                return None  # built by the ORM
            statement = _searched_statement(
                alias, staff.role, flags, by_trigrams, len(words), number, per_page
            )
            return statement.rows(
                staff_id=staff.pk,
                record_number=query.strip(),
                **{f"word{n}": word for n, word in enumerate(words)},
            )

    # The search looks its record number up as it is built: built once, when needed.
    matching = cache(lambda: _search(access.caseload_for(staff), query))
    paginator, number, shown = kept_pages.choose_page(
        lambda: _chosen(matching(), flags, by_trigrams),
        CHOSEN,
        lambda: _counted(staff, matching() if searched else None),
        page_number,
        per_page,
        sent=sent,
    )
    audit.record_listed(
        actor=staff,
        category="patient",
        detail="caseload",
        shown=[(pk, public_id) for pk, public_id, _, _ in shown],
    )
    ids = [pk for pk, _, _, _ in shown]
    return ListPage(
        when_shown(lambda: _caseload_rows(staff, ids)),
        number,
        paginator,
        ChosenRows(
            rows=tuple((pk, version) for pk, _, version, _ in shown),
            directory_version=shown[0][3] if shown else 0,
        ),
    )


# What the caseload's choosing statement reads of each row.
CHOSEN = ("pk", "public_id", "record_version", "directory_version")

# The roles whose caseload is a function of who they are alone (an intake
# coordinator's is their site's).
_CHOSEN_ONCE_FOR = frozenset({Role.CLINICIAN, Role.SUPERVISOR})
# A staff member no row is: the choosing statements are built with it.
_STAND_IN_STAFF = StandIn(-(2**62) + 72, Staff._meta.pk)


def _chosen(
    matching: QuerySet[Patient], flags: bool, by_trigrams: bool = False
) -> QuerySet[Patient]:
    """The caseload's patients ``matching`` the search, in the order shown, with
    their versions."""
    ordered = matching.order_by(*_name_order(by_trigrams))
    if flags:
        # Most urgent first: the urgency alone, the flags are read with the rows.
        ordered = ordered.annotate(
            alert_urgency=alert_selectors.open_alert_urgency()
        ).order_by("-alert_urgency", "family_name", "given_name", "id")
    return with_versions(ordered)


def _counted(staff: Staff, matching: QuerySet[Patient] | None) -> kept_pages.Counted:
    """What the list counts: the search's matches, else the caseload's ids alone."""
    if matching is not None:
        return matching.values("pk")
    return access.caseload_counted(staff)


@lru_cache(maxsize=4 * STATEMENT_PAGES)
def _chosen_statement(
    alias: str, role: str, flags: bool, number: int, per_page: int
) -> ValuesStatement:
    """The caseload's page ``number`` without a search, with its count, as the ORM
    builds it for a staff member of ``role``: built once per process for the first
    ``STATEMENT_PAGES`` (each page is a statement of its own: the ORM writes the
    page's offset into the SQL)."""

    def build(staff_id: int) -> QuerySet[Any]:
        staff = Staff(pk=staff_id, role=role)
        return kept_pages.page_with_count(
            _chosen(access.caseload_for(staff), flags),
            CHOSEN,
            _counted(staff, None),
            number,
            per_page,
        )

    return ValuesStatement(build, {"staff_id": _STAND_IN_STAFF}, alias)


# The roles whose search is sent as a statement built once (decisions/0075): a
# clinician's caseload is a few hundred patients, looked up by key, and each is
# tested for the record number as for the names. A supervisor's or a site's thousands
# need the record number looked up first, through its index (``_search``), which a
# statement cannot hold: the ids found are written into the SQL.
_SEARCHED_ONCE_FOR = frozenset({Role.CLINICIAN})
# Searches of more words are built by the ORM (each word is a pattern of its own).
SEARCH_WORDS_BUILT_ONCE = 4
# The search's texts the statements are built with: each holds the marks that show
# whether the ORM escaped it (``iptcare.lib.statements.TEXT_MARKS``).
_SEARCH_STAND_INS = {
    "staff_id": _STAND_IN_STAFF,
    "record_number": StandIn(
        f"\\number{TEXT_MARKS}", Patient._meta.get_field("record_number")
    ),
    **{
        f"word{n}": StandIn(
            f"\\word{n}{TEXT_MARKS}", Patient._meta.get_field("family_name")
        )
        for n in range(SEARCH_WORDS_BUILT_ONCE)
    },
}


# Two sorts, two orders, four numbers of words: 16 statements per page.
@lru_cache(maxsize=16 * STATEMENT_PAGES)
def _searched_statement(
    alias: str,
    role: str,
    flags: bool,
    by_trigrams: bool,
    words: int,
    number: int,
    per_page: int,
) -> ValuesStatement:
    """The caseload's page ``number`` searched by ``words`` words, with its count, as
    the ORM builds it for a staff member of ``role``: built once per process for the
    first ``STATEMENT_PAGES``."""

    def build(staff_id: int, record_number: str, **texts: str) -> QuerySet[Any]:
        staff = Staff(pk=staff_id, role=role)
        matching = _matching(
            access.caseload_for(staff),
            [texts[f"word{n}"] for n in range(words)],
            Q(record_number__iexact=record_number),
        )
        return kept_pages.page_with_count(
            _chosen(matching, flags, by_trigrams),
            CHOSEN,
            matching.values("pk"),
            number,
            per_page,
        )

    stand_ins = {
        name: stand_in
        for name, stand_in in _SEARCH_STAND_INS.items()
        if not name.startswith("word") or int(name[4:]) < words
    }
    return ValuesStatement(build, stand_ins, alias)


def _caseload_rows(staff: Staff, ids: list[int]) -> list[Patient]:
    """The caseload's rows for these patients, in this order: the columns shown, the
    primary clinician, the open course, the next session and the open-alert flags, in
    three queries whatever the number of rows."""
    primary_members = CareTeamMember.objects.filter(
        role=CareTeamRole.PRIMARY
    ).select_related("staff")
    prefetches: list[Prefetch[Any, Any, Any]] = [
        Prefetch(
            "care_team",
            queryset=primary_members.only(
                "patient_id", "staff__first_name", "staff__last_name", "staff__username"
            ),
            to_attr="primary_members",
        )
    ]
    if staff.is_clinical:
        # The IPT course for the Phase column: one query for the whole page.
        prefetches.append(
            Prefetch(
                "ipt_courses",
                queryset=Course.objects.exclude(phase=Phase.ENDED).only(
                    *CASELOAD_COURSE_COLUMNS
                ),
                to_attr="open_courses",
            )
        )
    patients = (
        Patient.objects.filter(pk__in=ids)
        .only(*CASELOAD_COLUMNS)
        .prefetch_related(*prefetches)
        # The next booked session for the Next session column, on the same query.
        .annotate(
            next_session_at=scheduling_selectors.next_session_at(),
            next_session_time_zone=scheduling_selectors.next_session_time_zone(),
        )
    )
    if staff.is_clinical:
        # Open-alert flags as annotations on the same query: no extra query per row or
        # per alert.
        patients = alert_selectors.with_flags(patients)
    position = {pk: index for index, pk in enumerate(ids)}
    rows: list[Patient] = sorted(patients, key=lambda row: position[row.pk])
    upcoming = [
        p.next_session_at  # type: ignore[attr-defined]
        for p in rows
        if p.next_session_at is not None  # type: ignore[attr-defined]
    ]
    if upcoming:
        # The next session stops being next when it starts, with no write.
        kept_pages.valid_until(min(upcoming))
    return rows


def patient_audit_page(
    *, staff: Staff, patient: Patient, page_number: str | int, per_page: int
) -> Page[AuditEvent]:
    events = AuditEvent.objects.filter(patient=patient).select_related("actor")
    return Paginator(events, per_page).get_page(page_number)
