"""A list's ``?page=`` is typed by anyone: whatever it holds, the list answers.

An outside probe found ``?page=99999999999999999999999`` answering 500 on the caseload
and the inbox: the rows' offset overflowed SQLite's integers. Every paginated staff
list is asked for pages no list has, numbers no database holds and text that only
looks like a number; each answers 200 with a page of the list.
"""

from __future__ import annotations

import pytest
from django.test import Client

from alerts.tests.factories import AlertFactory
from conftest import Clinic, signed_in
from iptcare.lib.kept_pages import LAST_PAGE_READ_BY_NUMBER, page_number_asked

HOSTILE_PAGES = [
    "99999999999999999999999",
    str(2**63),
    str(LAST_PAGE_READ_BY_NUMBER + 1),
    "9" * 5000,
    "-99999999999999999999",
    "1e400",
    "\u0661\u0662",  # Arabic-Indic digits: Python reads them as 12
]

# (persona, the list's address; ``{patient}`` is the clinic's patient)
LISTS = [
    ("therapist_on_team", "/"),
    ("therapist_on_team", "/alerts/"),
    ("therapist_on_team", "/alerts/?state=closed"),
    ("supervisor", "/"),
    ("supervisor", "/alerts/"),
    ("supervisor", "/supervision/review/"),
    ("supervisor", "/supervision/notes/"),
    ("supervisor", "/patients/{patient}/audit/"),
    ("coordinator", "/intake/"),
    ("coordinator", "/intake/waiting-list/"),
]


@pytest.mark.parametrize(("persona", "address"), LISTS)
@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_every_list_answers_any_page_number(
    client: Client, clinic: Clinic, persona: str, address: str, page: str
) -> None:
    AlertFactory(patient=clinic.patient)
    signed_in(client, clinic.persona(persona))
    url = address.format(patient=clinic.patient.public_id)
    joiner = "&" if "?" in url else "?"
    response = client.get(url + joiner + "page=" + page)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("asked", "number"),
    [
        ("1", 1),
        (LAST_PAGE_READ_BY_NUMBER, LAST_PAGE_READ_BY_NUMBER),
        (LAST_PAGE_READ_BY_NUMBER + 1, None),
        ("99999999999999999999999", None),
        ("0", None),
        ("-3", None),
        ("abc", None),
    ],
)
def test_only_a_page_a_list_could_have_is_read_by_its_number(
    asked: str | int, number: int | None
) -> None:
    assert page_number_asked(asked) == number
