"""What the caseload search finds (the same on SQLite and PostgreSQL), and on
PostgreSQL that the indexes of ``patients.0002_search_indexes`` serve it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client

from accounts.choices import CareTeamRole
from conftest import Clinic
from patients.models import Patient
from patients.selectors import _search
from patients.tests.factories import CareTeamMemberFactory, PatientFactory

NAMES = [
    # given, family, preferred, record number
    ("Canary", "Zebedee", "", "T-CANARY"),  # the clinic's patient (conftest)
    ("Ann", "Smith", "", "IPT-000101"),
    ("Joanna", "Hernandez", "Jo", "IPT-000102"),
    ("Daniel", "O'Brien", "Dan", "ipt-000103"),
    ("Mary Ann", "Lee-Grant", "", "IPT-000104"),
    ("Wen", "Quinn", "Annie", "IPT-000105"),
    ("Zoe", "100%_Real", "", "IPT-000106"),
]


def _reference(patient: Patient, query: str) -> bool:
    """The search's promise in Python (ASCII names: SQLite folds only ASCII case)."""
    query = query.strip()
    if not query:
        return True
    if patient.record_number.upper() == query.upper():
        return True
    names = [patient.given_name, patient.family_name, patient.preferred_name]
    return all(
        any(word.upper() in name.upper() for name in names) for word in query.split()
    )


@pytest.fixture
def caseload(clinic: Clinic) -> list[Patient]:
    clinic.patient.record_number = "T-CANARY"
    clinic.patient.save()
    patients = [clinic.patient]
    for given, family, preferred, number in NAMES[1:]:
        patient = PatientFactory(
            team=clinic.team_a,
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            record_number=number,
        )
        CareTeamMemberFactory(
            patient=patient, staff=clinic.therapist_on_team, role=CareTeamRole.PRIMARY
        )
        patients.append(patient)
    # Off the caseload, though name and number would match: never found.
    PatientFactory(
        team=clinic.team_b,
        given_name="Ann",
        family_name="Elsewhere",
        record_number="X-1",
    )
    return patients


QUERIES = [
    "an",  # Ann, Joanna, Hernandez, Daniel, Dan, Mary Ann, Grant, Annie
    "AN",
    "ann",
    "  ann  ",
    "ann smith",  # both words, each in some name
    "smith ann",
    "ann zzz",  # one word matches nothing: no one
    "nsm",  # across given and family name ("Ann" + "Smith"): no one
    "ry an",  # "Mary Ann": both words in the one given name
    "y a",
    "o'b",  # punctuation is part of the word
    "lee-g",
    "jo",  # Joanna, Jo
    "canary zeb",
    "ipt-000101",  # record number, any case
    "IPT-000103",  # stored in lower case, found in upper
    "IPT-0001",  # part of a record number: not a match
    "x-1",  # off the caseload
    "%",  # LIKE's wildcards are literal
    "_",
    "0%_r",
    "",
    "   ",
    "q",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_search_finds_what_it_promises(
    clinic: Clinic, caseload: list[Patient], query: str
) -> None:
    from accounts.access import caseload_for

    found = set(_search(caseload_for(clinic.therapist_on_team), query))
    assert found == {p for p in caseload if _reference(p, query)}


def test_a_word_never_spans_two_names(clinic: Clinic, caseload: list[Patient]) -> None:
    from accounts.access import caseload_for

    mine = caseload_for(clinic.therapist_on_team)
    assert not _search(mine, "annsmith").exists()
    assert not _search(mine, "ann smith x").exists()
    assert list(_search(mine, "ann smith")) == [caseload[1]]


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the indexes exist on PostgreSQL only"
)


def _plan(sql: str, params: tuple[object, ...]) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # Tables of a few rows: make the planner show whether it *can* use the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
@pytest.mark.django_db
def test_postgresql_uses_the_trigram_index_for_words_of_three_letters() -> None:
    # Without the ordering, which an index on the names could serve instead.
    found = _search(Patient.objects.all(), "ann smi").order_by().values("pk")
    sql, params = found.query.sql_with_params()
    assert "patient_search_text_trgm" in _plan(sql, params)


@postgres_only
@pytest.mark.django_db
def test_postgresql_looks_record_numbers_up_by_index() -> None:
    query = Patient.objects.filter(record_number__iexact="ipt-000101").values("pk")
    sql, params = query.query.sql_with_params()
    assert "patient_record_number_upper" in _plan(sql, params)


def test_search_results_keep_the_caseload_order(
    clinic: Clinic, caseload: list[Patient]
) -> None:
    """Words of three letters sort by an unindexed copy of the family name: the same
    order, family name, given name, id."""
    from patients.selectors import caseload_page

    for query in ("an", "ann", "ann s", "e"):
        page = caseload_page(
            staff=clinic.therapist_on_team, query=query, page_number=1, per_page=50
        )
        shown = list(page.object_list)
        assert shown == sorted(
            (p for p in caseload if _reference(p, query)),
            key=lambda p: (p.family_name, p.given_name, p.pk),
        )
        assert shown, query


# What a search may hold that a pattern must keep literal, and words enough to pass
# the number of words whose statement is built once.
AWKWARD = [
    "\\",
    "a\\%",
    "\\word0%_\\",  # the statement's own stand-in, typed: only itself
    "ann  smith  o'b  lee",
    "a n n s m",
    "Ünïcødé",
    "'; DROP TABLE patients_patient; --",
]


@pytest.mark.parametrize("query", QUERIES + AWKWARD)
def test_the_search_sent_as_a_statement_finds_what_the_orm_finds(
    clinic: Clinic, caseload: list[Patient], query: str
) -> None:
    """A clinician's search is sent as a statement built once per number of words
    (decisions/0075): for each reader of the role, each sort and page, the same
    patients, order, versions and count as the ORM's own query, the search's texts
    put in as the ORM puts them."""
    from accounts.access import caseload_for
    from iptcare.lib import kept_pages
    from patients import selectors

    words = query.split()
    if not words or len(words) > selectors.SEARCH_WORDS_BUILT_ONCE:
        pytest.skip("the ORM builds these")
    by_trigrams = selectors._by_trigrams(
        words, indexed=connection.vendor == "postgresql"
    )
    for reader in (clinic.therapist_on_team, clinic.therapist_off_team):
        for flags in (False, True):
            for number in (1, 2):
                matching = _search(caseload_for(reader), query)
                orm = list(
                    kept_pages.page_with_count(
                        selectors._chosen(matching, flags, by_trigrams),
                        selectors.CHOSEN,
                        matching.values("pk"),
                        number,
                        2,
                    )
                )
                statement = selectors._searched_statement(
                    connection.alias,
                    reader.role,
                    flags,
                    by_trigrams,
                    len(words),
                    number,
                    2,
                )
                sent = statement.rows(
                    staff_id=reader.pk,
                    record_number=query.strip(),
                    **{f"word{n}": word for n, word in enumerate(words)},
                )
                assert sent == orm, (reader, flags, number)


@pytest.mark.parametrize("query", [*QUERIES, *AWKWARD, "a n n s m i"])
def test_the_caseload_page_finds_what_the_search_promises(
    client: Client, clinic: Clinic, caseload: list[Patient], query: str
) -> None:
    """Through the page, by the statement built once or by the ORM: the patients the
    search promises, in the caseload's order."""
    client.force_login(clinic.therapist_on_team)
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert shown == sorted(
        (p for p in caseload if _reference(p, query)),
        key=lambda p: (p.family_name, p.given_name, p.pk),
    )
